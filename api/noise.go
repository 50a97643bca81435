package api

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/queries"
)

// NoiseRow is one key's load.
type NoiseRow struct {
	Key           string  `json:"key"`
	Notifications int     `json:"notifications"`
	Episodes      int     `json:"episodes"`
	FiringSeconds float64 `json:"firing_seconds"`
	SelfResolving int     `json:"self_resolving"`
	OutOfHours    int     `json:"out_of_hours"`
}

// RoutedEpisode is an episode with the receivers it reached.
type RoutedEpisode struct {
	Episode
	Receivers []string `json:"receivers"`
}

// LongRunning is an episode that had fired for long.
type LongRunning struct {
	episodeRef
	FiringSeconds float64 `json:"firing_seconds"`
}

func (s *Server) noise(ctx context.Context, c echo.Context) (any, error) {
	q := c.QueryParams()
	com, err := s.common(ctx, c)
	if err != nil {
		return nil, err
	}
	by := q.Get("by")
	if by == "" {
		by = "alertname"
	}
	if len(by) > 256 || !utf8.ValidString(by) {
		return nil, &ParamError{"by", "must be a label name of at most 256 bytes"}
	}
	short, err := durationParam(q, "short", 5*time.Minute)
	if err != nil {
		return nil, err
	}
	age, err := durationParam(q, "long_running", 7*24*time.Hour)
	if err != nil {
		return nil, err
	}
	rows, unrouted, long, err := s.noiseFor(ctx, com, by, short, age)
	if err != nil {
		return nil, err
	}
	return map[string]any{"by": by, "rows": rows, "unrouted": unrouted, "long_running": long,
		"short_seconds": short.Seconds(), "long_running_seconds": age.Seconds()}, nil
}

func (s *Server) noiseFor(ctx context.Context, com Common, by string, short, age time.Duration) ([]NoiseRow, []RoutedEpisode, []LongRunning, error) {
	var err error
	params, match := com.Params()
	params["by"] = by
	params["short_ms"] = strconv.FormatInt(short.Milliseconds(), 10)
	params["age_ms"] = strconv.FormatInt(age.Milliseconds(), 10)
	params["null_receivers"] = toCHArray(s.opts.NullReceivers)
	if params["wh"], params["wh_default"], err = intervalParams(s.opts.WorkingHours, com.From, com.To); err != nil {
		return nil, nil, nil, err
	}
	rows, err := run[NoiseRow](ctx, s, queries.Render("noise", match), params)
	if err != nil {
		return nil, nil, nil, err
	}
	type flagged struct {
		RoutedEpisode
		FiringSeconds float64 `json:"firing_seconds"`
		Unrouted      bool    `json:"unrouted"`
		LongRunning   bool    `json:"long_running"`
	}
	eps, err := run[flagged](ctx, s, queries.Render("noise_episodes", match), params)
	if err != nil {
		return nil, nil, nil, err
	}
	unrouted, long := []RoutedEpisode{}, []LongRunning{}
	for _, e := range eps {
		if e.Unrouted {
			unrouted = append(unrouted, e.RoutedEpisode)
		}
		if e.LongRunning {
			long = append(long, LongRunning{episodeRef: e.episodeRef, FiringSeconds: e.FiringSeconds})
		}
	}
	sort.SliceStable(long, func(i, j int) bool { return long[i].FiringSeconds > long[j].FiringSeconds })
	return rows, unrouted, long, nil
}

// intervalParams renders the hours of every configured receiver, and the
// default, over [from, to) as bound parameter values.
func intervalParams(wh config.WorkingHours, from, to time.Time) (perReceiver, def string, err error) {
	render := func(receiver string) (string, error) {
		sc, err := wh.For(receiver).Parse("working_hours")
		if err != nil {
			return "", err
		}
		var b strings.Builder
		b.WriteByte('[')
		for i, iv := range sc.Intervals(from, to) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("('" + iv.From.Format(chTime) + "','" + iv.To.Format(chTime) + "')")
		}
		b.WriteByte(']')
		return b.String(), nil
	}
	if def, err = render(""); err != nil {
		return "", "", err
	}
	names := make([]string, 0, len(wh.Receivers))
	for r := range wh.Receivers {
		names = append(names, r)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteByte('{')
	for i, r := range names {
		ivs, err := render(r)
		if err != nil {
			return "", "", err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quoteCH(r) + ":" + ivs)
	}
	b.WriteByte('}')
	return b.String(), def, nil
}
