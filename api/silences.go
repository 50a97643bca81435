package api

import (
	"context"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/alertmanager/pkg/labels"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

// StaleSilence is one active silence with the reasons it looks stale.
type StaleSilence struct {
	ID            string   `json:"id"`
	Source        string   `json:"source"`
	Matchers      []string `json:"matchers"`
	CreatedBy     string   `json:"created_by"`
	Comment       string   `json:"comment"`
	StartsAt      Time     `json:"starts_at"`
	EndsAt        Time     `json:"ends_at"`
	Reasons       []string `json:"reasons"`
	LastMatchedAt *Time    `json:"last_matched_at"`
}

type staleRow struct {
	StaleSilence
	Matchers []store.Matcher `json:"matchers"`
}

// matcherString writes a matcher exactly as Alertmanager shows it, with its
// own code.
func matcherString(m store.Matcher) string {
	t := labels.MatchEqual
	switch {
	case m.IsRegex && m.IsEqual:
		t = labels.MatchRegexp
	case m.IsRegex:
		t = labels.MatchNotRegexp
	case !m.IsEqual:
		t = labels.MatchNotEqual
	}
	lm, err := labels.NewMatcher(t, m.Name, m.Value)
	if err != nil {
		// A regex Alertmanager accepted but Go cannot compile: show it anyway.
		return m.Name + t.String() + strconv.Quote(m.Value)
	}
	return lm.String()
}

func (s *Server) staleSilences(ctx context.Context, c echo.Context) (any, error) {
	q := c.QueryParams()
	now := s.now()
	at := now
	if v := q.Get("at"); v != "" {
		var err error
		if at, err = ParseTime(v, now); err != nil {
			return nil, &ParamError{"at", err.Error()}
		}
	}
	maxAge, err := durationParam(q, "max_age", 7*24*time.Hour)
	if err != nil {
		return nil, err
	}
	idle, err := durationParam(q, "idle", 24*time.Hour)
	if err != nil {
		return nil, err
	}
	source := q.Get("source")
	if source != "" && !config.ValidSourceName(source) {
		return nil, &ParamError{"source", strconv.Quote(source) + " is not a source name"}
	}
	out, err := s.staleFor(ctx, at, source, maxAge, idle)
	if err != nil {
		return nil, err
	}
	return map[string]any{"silences": out, "at": Time{at.UTC()}, "max_age_seconds": maxAge.Seconds(), "idle_seconds": idle.Seconds()}, nil
}

func (s *Server) staleFor(ctx context.Context, at time.Time, source string, maxAge, idle time.Duration) ([]StaleSilence, error) {
	rows, err := run[staleRow](ctx, s, queries.SQL("stale_silences"), map[string]string{
		"at": at.UTC().Format(chTime), "source": source,
		"max_age_ms": strconv.FormatInt(maxAge.Milliseconds(), 10), "idle_ms": strconv.FormatInt(idle.Milliseconds(), 10),
	})
	if err != nil {
		return nil, err
	}
	out := make([]StaleSilence, len(rows))
	for i, r := range rows {
		out[i] = r.StaleSilence
		out[i].Matchers = make([]string, len(r.Matchers))
		for j, m := range r.Matchers {
			out[i].Matchers[j] = matcherString(m)
		}
	}
	return out, nil
}
