// Package httpauth checks the optional credentials alertlens can require on
// its webhook and on its API: a bearer token or basic auth, the two schemes
// Alertmanager's http_config can send.
package httpauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alertlens/alertlens/config"
)

// Middleware answers 401 to requests without the configured credentials; it
// lets everything through when none are configured.
func Middleware(a config.Auth, realm string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if !a.Enabled() {
			return next
		}
		return func(c echo.Context) error {
			if !Check(a, c.Request()) {
				if a.Username != "" {
					c.Response().Header().Set("WWW-Authenticate", `Basic realm="`+realm+`"`)
				} else {
					c.Response().Header().Set("WWW-Authenticate", `Bearer realm="`+realm+`"`)
				}
				// Refuse without reading the body: the connection closes
				// after this answer, and the server does not wait to drain
				// what is left of the body, so a client without credentials
				// cannot hold it open by sending a slow body.
				c.Response().Header().Set("Connection", "close")
				_ = http.NewResponseController(c.Response().Writer).SetReadDeadline(time.Now())
				return echo.NewHTTPError(http.StatusUnauthorized, "missing or invalid credentials for "+realm)
			}
			return next(c)
		}
	}
}

// Check reports whether r carries the credentials a requires.
func Check(a config.Auth, r *http.Request) bool {
	if a.BearerToken != "" {
		// Scheme names are case-insensitive (RFC 7235).
		scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		return ok && strings.EqualFold(scheme, "Bearer") && equal(strings.TrimLeft(tok, " "), string(a.BearerToken))
	}
	if a.Username != "" {
		u, p, ok := r.BasicAuth()
		// Both compared, always, so timing does not tell which was wrong.
		uok, pok := equal(u, a.Username), equal(p, string(a.Password))
		return ok && uok && pok
	}
	return true
}

// equal compares in constant time, hashing first so lengths do not leak.
func equal(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
