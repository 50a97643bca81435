package analysis

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/alertmanager/pkg/labels"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

type staleRow struct {
	models.StaleSilence
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

func matcherStrings(ms []store.Matcher) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = matcherString(m)
	}
	return out
}

// StaleSilencesInput is the moment and thresholds to judge silences by.
type StaleSilencesInput struct {
	At      time.Time     `param:"at"`
	MaxAge  time.Duration `param:"max_age"`
	Idle    time.Duration `param:"idle"`
	Sources []string      `param:"source"`
}

// StaleSilences lists the active silences that look stale at a moment.
func (a *Analyzer) StaleSilences(ctx context.Context, in StaleSilencesInput) (models.StaleSilences, error) {
	out, err := a.staleFor(ctx, in.At, in.Sources, in.MaxAge, in.Idle)
	if err != nil {
		return models.StaleSilences{}, err
	}
	return models.StaleSilences{Silences: out, At: models.NewTime(in.At), MaxAgeSeconds: in.MaxAge.Seconds(), IdleSeconds: in.Idle.Seconds()}, nil
}

func (a *Analyzer) staleFor(ctx context.Context, at time.Time, sources []string, maxAge, idle time.Duration) ([]models.StaleSilence, error) {
	rows, err := run[staleRow](ctx, a, "silences_stale", noData, map[string]string{
		"at": at.UTC().Format(chTime), "sources": queries.StringArray(sources),
		"max_age_ms": strconv.FormatInt(maxAge.Milliseconds(), 10), "idle_ms": strconv.FormatInt(idle.Milliseconds(), 10),
	})
	if err != nil {
		return nil, err
	}
	out := make([]models.StaleSilence, len(rows))
	for i, r := range rows {
		out[i] = r.StaleSilence
		out[i].Matchers = matcherStrings(r.Matchers)
	}
	return out, nil
}
