package api

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alertlens/alertlens/queries"
)

// Inhibitor is an alert that inhibited another.
type Inhibitor struct {
	Fingerprint string `json:"fingerprint"`
	Alertname   string `json:"alertname"`
}

// FailedInhibition is one notification that went out although the poller saw
// the alert inhibited.
type FailedInhibition struct {
	Fingerprint string            `json:"fingerprint"`
	Alertname   string            `json:"alertname"`
	Labels      map[string]string `json:"labels"`
	Receiver    string            `json:"receiver"`
	Source      string            `json:"source"`
	NotifiedAt  Time              `json:"notified_at"`
	InhibitedBy []Inhibitor       `json:"inhibited_by"`
	// KnownCause names an Alertmanager restart or configuration reload
	// shortly before: inhibition state is rebuilt then, a known cause of
	// notifications slipping through.
	KnownCause string `json:"known_cause,omitempty"`
}

// causeWindow is how long after a restart or reload a failed inhibition is
// attributed to it: Alertmanager's default group_interval.
const causeWindow = 5 * time.Minute

type statusRow struct {
	Source     string `json:"source"`
	ObservedAt Time   `json:"observed_at"`
	Uptime     Time   `json:"uptime"`
	ConfigHash string `json:"config_hash"`
}

func (s *Server) failedInhibitions(ctx context.Context, c echo.Context) (any, error) {
	com, err := s.common(ctx, c)
	if err != nil {
		return nil, err
	}
	out, err := s.failedFor(ctx, com)
	if err != nil {
		return nil, err
	}
	return map[string]any{"failures": out}, nil
}

func (s *Server) failedFor(ctx context.Context, com Common) ([]FailedInhibition, error) {
	params, match := com.Params()
	params["poll_interval_ms"] = fmt.Sprint(s.opts.PollInterval.Milliseconds())
	type row struct {
		FailedInhibition
		Inhibitors []string `json:"inhibitors"`
	}
	rows, err := run[row](ctx, s, queries.Render("failed_inhibitions", match), params)
	if err != nil {
		return nil, err
	}
	fps := map[string]bool{}
	sources := map[string]bool{}
	for _, r := range rows {
		for _, f := range r.Inhibitors {
			fps[f] = true
		}
		sources[r.Source] = true
	}
	names, err := s.alertnames(ctx, fps)
	if err != nil {
		return nil, err
	}
	history, err := s.statusHistory(ctx, sources, com.To)
	if err != nil {
		return nil, err
	}
	out := make([]FailedInhibition, len(rows))
	for i, r := range rows {
		out[i] = r.FailedInhibition
		out[i].InhibitedBy = make([]Inhibitor, len(r.Inhibitors))
		for j, f := range r.Inhibitors {
			out[i].InhibitedBy[j] = Inhibitor{Fingerprint: f, Alertname: names[f]}
		}
		out[i].KnownCause = knownCause(history[r.Source], r.NotifiedAt.Time)
	}
	return out, nil
}

func (s *Server) alertnames(ctx context.Context, fps map[string]bool) (map[string]string, error) {
	names := map[string]string{}
	if len(fps) == 0 {
		return names, nil
	}
	list := make([]string, 0, len(fps))
	for f := range fps {
		list = append(list, f)
	}
	sort.Strings(list)
	type nameRow struct {
		Fingerprint string `json:"fingerprint"`
		Alertname   string `json:"alertname"`
	}
	rows, err := run[nameRow](ctx, s, queries.SQL("alertnames"), map[string]string{"fingerprints": toCHArray(list)})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		names[r.Fingerprint] = r.Alertname
	}
	return names, nil
}

func (s *Server) statusHistory(ctx context.Context, sources map[string]bool, to time.Time) (map[string][]statusRow, error) {
	out := map[string][]statusRow{}
	if len(sources) == 0 {
		return out, nil
	}
	list := make([]string, 0, len(sources))
	for src := range sources {
		list = append(list, src)
	}
	sort.Strings(list)
	rows, err := run[statusRow](ctx, s, queries.SQL("status_history"), map[string]string{"sources": toCHArray(list), "to": to.UTC().Format(chTime)})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.Source] = append(out[r.Source], r)
	}
	return out, nil
}

// knownCause finds a restart (uptime) or a configuration reload (config hash
// differing from the previous status) within causeWindow before t.
func knownCause(history []statusRow, t time.Time) string {
	var cause string
	for i, h := range history {
		if h.ObservedAt.After(t) {
			break
		}
		if d := t.Sub(h.Uptime.Time); d >= 0 && d <= causeWindow {
			cause = fmt.Sprintf("Alertmanager restarted at %s (%s before)", h.Uptime.UTC().Format(time.RFC3339), d.Round(time.Second))
		} else if i > 0 && h.ConfigHash != history[i-1].ConfigHash && h.Uptime.Equal(history[i-1].Uptime.Time) {
			if d := t.Sub(h.ObservedAt.Time); d <= causeWindow {
				cause = fmt.Sprintf("Alertmanager configuration reloaded, first seen at %s (%s before)", h.ObservedAt.UTC().Format(time.RFC3339), d.Round(time.Second))
			}
		}
	}
	return cause
}

// toCHArray writes items as the text of a bound Array(String) parameter:
// single-quoted, with ' and \ escaped. The engine parses it as a value; it
// never becomes SQL.
func toCHArray(items []string) string {
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = quoteCH(it)
	}
	return "[" + strings.Join(quoted, ",") + "]"
}

// quoteCH writes s as a single-quoted ClickHouse string value.
func quoteCH(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
