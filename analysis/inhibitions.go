package analysis

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/alertlens/alertlens/models"
)

// causeWindow is how long after a restart or reload a failed inhibition is
// attributed to it: Alertmanager's default group_interval.
const causeWindow = 5 * time.Minute

type statusRow struct {
	Source     string      `json:"source"`
	ObservedAt models.Time `json:"observed_at"`
	Uptime     models.Time `json:"uptime"`
	ConfigHash string      `json:"config_hash"`
}

// FailedInhibitionsInput selects notifications by window and filters.
type FailedInhibitionsInput struct{ Common }

// FailedInhibitions lists the firing notifications sent while the alert was
// inhibited.
func (a *Analyzer) FailedInhibitions(ctx context.Context, in FailedInhibitionsInput) (models.FailedInhibitions, error) {
	out, err := a.failedFor(ctx, in.Common)
	if err != nil {
		return models.FailedInhibitions{}, err
	}
	return models.FailedInhibitions{Failures: out}, nil
}

func (a *Analyzer) failedFor(ctx context.Context, com Common) ([]models.FailedInhibition, error) {
	params, data := com.Params()
	params["poll_interval_ms"] = fmt.Sprint(a.opts.PollInterval.Milliseconds())
	type row struct {
		models.FailedInhibition
		Inhibitors []string `json:"inhibitors"`
	}
	rows, err := run[row](ctx, a, "inhibitions_failed", data, params)
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
	names, err := a.alertnames(ctx, fps)
	if err != nil {
		return nil, err
	}
	history, err := a.statusHistory(ctx, sources, com.To)
	if err != nil {
		return nil, err
	}
	out := make([]models.FailedInhibition, len(rows))
	for i, r := range rows {
		out[i] = r.FailedInhibition
		out[i].InhibitedBy = make([]models.Inhibitor, len(r.Inhibitors))
		for j, f := range r.Inhibitors {
			out[i].InhibitedBy[j] = models.Inhibitor{Fingerprint: f, Alertname: names[f]}
		}
		out[i].KnownCause = knownCause(history[r.Source], r.NotifiedAt.Time)
	}
	return out, nil
}

func (a *Analyzer) alertnames(ctx context.Context, fps map[string]bool) (map[string]string, error) {
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
	rows, err := run[nameRow](ctx, a, "alertnames", noData, map[string]string{"fingerprints": toCHArray(list)})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		names[r.Fingerprint] = r.Alertname
	}
	return names, nil
}

func (a *Analyzer) statusHistory(ctx context.Context, sources map[string]bool, to time.Time) (map[string][]statusRow, error) {
	out := map[string][]statusRow{}
	if len(sources) == 0 {
		return out, nil
	}
	list := make([]string, 0, len(sources))
	for src := range sources {
		list = append(list, src)
	}
	sort.Strings(list)
	rows, err := run[statusRow](ctx, a, "status_history", noData, map[string]string{"sources": toCHArray(list), "to": to.UTC().Format(chTime)})
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
