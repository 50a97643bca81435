// Package ui serves alertlens's web pages: static files embedded in the
// binary (the charting library, uPlot, is copied in from npm by make ui),
// reading the same JSON API as the CLI and Grafana. Every view is a URL:
// the page and its filters live in the query string.
package ui

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
)

//go:embed static
var static embed.FS

// Register serves the pages at / and their files under /static/, behind mw
// (the read API's auth: the pages show what the API answers).
func Register(e *echo.Echo, mw echo.MiddlewareFunc) {
	files, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded tree is part of the binary
	}
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		panic(err)
	}
	e.GET("/", func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-cache")
		return c.HTMLBlob(http.StatusOK, index)
	}, mw)
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServer(http.FS(files)))), mw)
}
