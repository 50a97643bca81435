// Package api serves alertlens's read API: JSON answers to the on-call
// questions, computed by the SQL in queries/ on either store backend.
package api

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/alertmanager/pkg/labels"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

// ParamError is a bad request parameter; the answer is 400 naming it.
type ParamError struct {
	Param string
	Msg   string
}

func (e *ParamError) Error() string { return "parameter " + e.Param + ": " + e.Msg }

var relTimeRE = regexp.MustCompile(`^now(?:-([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w))?$`)

// ParseTime accepts RFC 3339, "now", and "now-<n><unit>" with unit ms, s, m,
// h, d or w (now-7d, now-12h).
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if m := relTimeRE.FindStringSubmatch(s); m != nil {
		if m[1] == "" {
			return now, nil
		}
		d, err := config.ParseDuration(m[1] + m[2])
		if err != nil {
			return time.Time{}, err
		}
		return now.Add(-time.Duration(d)), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 (2026-11-02T10:00:00Z) nor relative (now, now-12h, now-7d)", s)
	}
	if t.Before(store.MinTime) || t.After(store.MaxTime) {
		return time.Time{}, fmt.Errorf("%s is outside 1900..2299", s)
	}
	return t, nil
}

// Common are the parameters every read endpoint takes.
type Common struct {
	From, To time.Time
	Source   string
	Receiver string
	Match    labels.Matchers
}

// scanBack is how far before the window rows are read to find episodes
// that started earlier and are still open in it (see queries/episodes.sql).
const scanBack = 7 * 24 * time.Hour

// ParseCommon reads from, to, source, receiver and match.
func ParseCommon(q url.Values, now time.Time) (Common, error) {
	c := Common{From: now.Add(-24 * time.Hour), To: now}
	var err error
	if v := q.Get("from"); v != "" {
		if c.From, err = ParseTime(v, now); err != nil {
			return c, &ParamError{"from", err.Error()}
		}
	}
	if v := q.Get("to"); v != "" {
		if c.To, err = ParseTime(v, now); err != nil {
			return c, &ParamError{"to", err.Error()}
		}
	}
	if !c.From.Before(c.To) {
		return c, &ParamError{"from", fmt.Sprintf("%s is not before to (%s)", c.From.UTC().Format(time.RFC3339), c.To.UTC().Format(time.RFC3339))}
	}
	c.Source = q.Get("source")
	if c.Source != "" && !config.ValidSourceName(c.Source) {
		return c, &ParamError{"source", fmt.Sprintf("%q is not a source name", c.Source)}
	}
	c.Receiver = q.Get("receiver")
	if len(c.Receiver) > 1024 {
		return c, &ParamError{"receiver", "longer than 1024 bytes"}
	}
	if v := q.Get("match"); v != "" {
		if c.Match, err = queries.ParseMatchers(v); err != nil {
			return c, &ParamError{"match", fmt.Sprintf("%q: %v", v, err)}
		}
	}
	return c, nil
}

const chTime = store.TimeLayout

// Params returns the bound parameters for c, with the label filter for the
// matchers, ready for a query template.
func (c Common) Params() (map[string]string, string) {
	p := map[string]string{
		"from": c.From.UTC().Format(chTime), "to": c.To.UTC().Format(chTime),
		"scan_from": c.From.Add(-scanBack).UTC().Format(chTime),
		"source":    c.Source, "receiver": c.Receiver,
	}
	return p, queries.LabelFilter(c.Match, "labels", "m", p)
}

var fingerprintRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

func parseFingerprint(s string) (string, error) {
	if !fingerprintRE.MatchString(s) {
		return "", &ParamError{"fingerprint", fmt.Sprintf("%q is not 16 lowercase hex digits", s)}
	}
	return s, nil
}
