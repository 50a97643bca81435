package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/alertlens/alertlens/chdb"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/httpauth"
	"github.com/alertlens/alertlens/queries"
)

// Querier is the part of the store the API needs.
type Querier interface {
	Query(ctx context.Context, sql string, params map[string]string) ([]byte, error)
}

// Options bound what one request may cost.
type Options struct {
	QueryTimeout time.Duration
	MaxRows      int
	// PollInterval is the poller's period: "within one poll interval" in
	// the failed-inhibition definition.
	PollInterval time.Duration
	// WorkingHours decide which notifications were out of hours.
	WorkingHours config.WorkingHours
	// SleepHours are the nights the weekly review counts pages in.
	SleepHours config.WorkingHours
	// NullReceivers notify nobody (unrouted alerts).
	NullReceivers []string
}

// Server answers the read API.
type Server struct {
	st       Querier
	opts     Options
	log      *slog.Logger
	now      func() time.Time
	duration *prometheus.HistogramVec
}

// New makes the API server. reg may be nil.
func New(st Querier, opts Options, log *slog.Logger, reg prometheus.Registerer) *Server {
	s := &Server{st: st, opts: opts, log: log, now: time.Now,
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "alertlens_query_duration_seconds", Help: "Duration of read API queries, by endpoint.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"endpoint"})}
	if reg != nil {
		reg.MustRegister(s.duration)
	}
	return s
}

// Register adds the read endpoints behind the API's auth.
func (s *Server) Register(e *echo.Echo, auth config.Auth) {
	g := e.Group("/api/v1", httpauth.Middleware(auth, "alertlens API"))
	g.GET("/alerts", s.handle("alerts", s.alerts))
	g.GET("/alerts/:fingerprint/timeline", s.handle("timeline", s.timeline))
	g.GET("/flapping", s.handle("flapping", s.flapping))
	g.GET("/silences/stale", s.handle("silences_stale", s.staleSilences))
	g.GET("/inhibitions/failed", s.handle("inhibitions_failed", s.failedInhibitions))
	g.GET("/inhibitions/loops", s.handle("inhibitions_loops", s.loops))
	g.GET("/noise", s.handle("noise", s.noise))
	g.GET("/explain", s.handle("explain", s.explain))
	g.GET("/handover", s.handle("handover", s.handover))
	g.GET("/report/weekly", s.handle("report_weekly", s.weeklyReport))
	g.GET("/states", s.handle("states", s.states))
	g.GET("/notifications/series", s.handle("notifications_series", s.series))
}

type handlerFunc func(ctx context.Context, c echo.Context) (any, error)

// handle turns errors into the contract's answers: 400 naming a bad
// parameter, 503 for a query over its time limit or a store that is down.
func (s *Server) handle(name string, f handlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.opts.QueryTimeout)
		defer cancel()
		t0 := time.Now()
		out, err := f(ctx, c)
		s.duration.WithLabelValues(name).Observe(time.Since(t0).Seconds())
		var pe *ParamError
		var ce *chdb.Error
		switch {
		case errors.As(err, &pe):
			return echo.NewHTTPError(http.StatusBadRequest, pe.Error())
		case errors.As(err, &ce) && ce.Code == 159:
			return echo.NewHTTPError(http.StatusServiceUnavailable, fmt.Sprintf("query took longer than api.query_timeout (%s); narrow the window or the matchers", s.opts.QueryTimeout))
		case errors.As(err, &ce) && ce.Code == 396:
			return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("answer has more than api.max_rows (%d) rows; narrow the window or the matchers", s.opts.MaxRows))
		case err != nil:
			s.log.LogAttrs(ctx, slog.LevelError, "api: query failed", slog.String("endpoint", name), slog.String("error", err.Error()))
			return echo.NewHTTPError(http.StatusServiceUnavailable, "query failed: "+err.Error())
		}
		if md, ok := out.(markdownAnswer); ok {
			return c.Blob(http.StatusOK, "text/markdown; charset=utf-8", []byte(md))
		}
		return c.JSON(http.StatusOK, out)
	}
}

// run executes a query with the API's limits and decodes each row into a
// new T.
func run[T any](ctx context.Context, s *Server, sql string, params map[string]string) ([]T, error) {
	secs := max(1, int(s.opts.QueryTimeout.Seconds()))
	out, err := s.st.Query(ctx, sql+queries.Settings(secs, s.opts.MaxRows), params)
	if err != nil {
		return nil, err
	}
	rows := []T{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var r T
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("decoding query result: %w", err)
		}
		rows = append(rows, r)
	}
	return rows, nil
}
