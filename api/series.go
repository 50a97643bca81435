package api

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/alertlens/alertlens/queries"
)

// StateEvent is one alert entering a state.
type StateEvent struct {
	At          Time   `json:"at"`
	Source      string `json:"source"`
	Fingerprint string `json:"fingerprint"`
	Alertname   string `json:"alertname"`
	State       string `json:"state"`
}

func (s *Server) states(ctx context.Context, c echo.Context) (any, error) {
	com, err := s.common(ctx, c)
	if err != nil {
		return nil, err
	}
	params, match := com.Params()
	evs, err := run[StateEvent](ctx, s, queries.Render("states", match), params)
	if err != nil {
		return nil, err
	}
	return map[string]any{"events": evs}, nil
}

// SeriesPoint is the notifications of one bucket and label value.
type SeriesPoint struct {
	T             Time   `json:"t"`
	Key           string `json:"key"`
	Notifications int    `json:"notifications"`
}

func (s *Server) series(ctx context.Context, c echo.Context) (any, error) {
	com, err := s.common(ctx, c)
	if err != nil {
		return nil, err
	}
	q := c.QueryParams()
	by := q.Get("by")
	if by == "" {
		by = "alertname"
	}
	if len(by) > 256 || !utf8.ValidString(by) {
		return nil, &ParamError{"by", "must be a label name of at most 256 bytes"}
	}
	// About 100 buckets by default, whole minutes.
	def := max(time.Minute, com.To.Sub(com.From)/100).Truncate(time.Minute)
	step, err := durationParam(q, "step", def)
	if err != nil {
		return nil, err
	}
	if step < time.Second || com.To.Sub(com.From)/step > 10000 {
		return nil, &ParamError{"step", "must be at least 1s and give at most 10000 buckets"}
	}
	params, match := com.Params()
	params["by"] = by
	params["step_s"] = strconv.Itoa(int(step.Seconds()))
	pts, err := run[SeriesPoint](ctx, s, queries.Render("notification_series", match), params)
	if err != nil {
		return nil, err
	}
	return map[string]any{"by": by, "step_seconds": step.Seconds(), "points": pts}, nil
}
