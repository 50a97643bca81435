package webhook

import (
	"github.com/labstack/echo/v4"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/httpauth"
)

func authMiddleware(a config.Auth) echo.MiddlewareFunc {
	return httpauth.Middleware(a, "alertlens webhook")
}
