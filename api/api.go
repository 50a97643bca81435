// Package api serves the read API over HTTP: one GET route per analysis
// descriptor, its parameters read by the analysis package, its errors turned
// into the contract's answers.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/alertlens/alertlens/analysis"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/httpauth"
	"github.com/alertlens/alertlens/store"
)

// Server answers the read API.
type Server struct {
	an       *analysis.Analyzer
	log      *slog.Logger
	duration *prometheus.HistogramVec
	requests *prometheus.CounterVec
}

// New makes the API server. reg may be nil.
func New(an *analysis.Analyzer, log *slog.Logger, reg prometheus.Registerer) *Server {
	s := &Server{an: an, log: log,
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "alertlens_query_duration_seconds", Help: "Duration of read API queries, by endpoint.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"endpoint"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alertlens_api_requests_total", Help: "Read API requests, by endpoint and HTTP status code.",
		}, []string{"endpoint", "code"})}
	if reg != nil {
		reg.MustRegister(s.duration, s.requests)
	}
	return s
}

// Register adds a route per analysis behind the API's auth.
func (s *Server) Register(e *echo.Echo, auth config.Auth) {
	mw := httpauth.Middleware(auth, "alertlens API")
	for _, en := range analysis.Registry() {
		// Descriptor paths write path parameters as {name}; echo as :name.
		path := en.Path
		for _, p := range en.Params {
			if p.InPath {
				path = strings.Replace(path, "{"+p.Name+"}", ":"+p.Name, 1)
			}
		}
		e.GET(path, s.handle(en), mw)
	}
}

// handle runs one analysis and turns its errors into the contract's
// answers: 400 naming a bad parameter or the limit to narrow, 503 for a
// store that is down.
func (s *Server) handle(en analysis.Entry) echo.HandlerFunc {
	opts := s.an.Options()
	for _, code := range []string{"200", "400", "503"} {
		s.requests.WithLabelValues(en.Name, code)
	}
	return func(c echo.Context) error {
		err := s.answer(c, en, opts)
		code := http.StatusOK
		var he *echo.HTTPError
		if errors.As(err, &he) {
			code = he.Code
		}
		s.requests.WithLabelValues(en.Name, strconv.Itoa(code)).Inc()
		return err
	}
}

func (s *Server) answer(c echo.Context, en analysis.Entry, opts analysis.Options) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), opts.QueryTimeout)
	defer cancel()
	q := c.QueryParams()
	for _, p := range en.Params {
		if p.InPath {
			q.Set(p.Name, c.Param(p.Name))
		}
	}
	format := q.Get("format")
	if en.Markdown && format != "" && format != "json" && format != "markdown" {
		return echo.NewHTTPError(http.StatusBadRequest, (&analysis.ParamError{Param: "format", Msg: fmt.Sprintf("%q is neither json nor markdown", format)}).Error())
	}
	t0 := time.Now()
	out, err := en.Run(ctx, s.an, q)
	s.duration.WithLabelValues(en.Name).Observe(time.Since(t0).Seconds())
	var pe *analysis.ParamError
	var le *store.LimitError
	switch {
	case errors.As(err, &pe):
		return echo.NewHTTPError(http.StatusBadRequest, pe.Error())
	case errors.As(err, &le) && le.Limit == store.LimitTime:
		return echo.NewHTTPError(http.StatusServiceUnavailable, fmt.Sprintf("query took longer than api.query_timeout (%s); narrow the window or the matchers", opts.QueryTimeout))
	case errors.As(err, &le) && le.Limit == store.LimitRows:
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("answer has more than api.max_rows (%d) rows; narrow the window or the matchers", opts.MaxRows))
	case errors.As(err, &le):
		return echo.NewHTTPError(http.StatusServiceUnavailable, "query needed more memory than api.max_query_memory allows; narrow the window or the matchers")
	case errors.Is(err, store.ErrReadsBusy):
		c.Response().Header().Set("Retry-After", "5")
		return echo.NewHTTPError(http.StatusServiceUnavailable, "every read connection (store.read_connections) stayed busy for api.query_timeout; retry later")
	case err != nil:
		s.log.LogAttrs(ctx, slog.LevelError, "api: query failed", slog.String("endpoint", en.Name), slog.String("error", err.Error()))
		return echo.NewHTTPError(http.StatusServiceUnavailable, "query failed: the store did not answer; see alertlens's log")
	}
	if en.Markdown && format == "markdown" {
		return c.Blob(http.StatusOK, "text/markdown; charset=utf-8", []byte(en.RenderMarkdown(out)))
	}
	return c.JSON(http.StatusOK, out)
}
