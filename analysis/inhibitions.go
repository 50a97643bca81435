package analysis

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

// causeWindow is how long after a restart or reload a failed inhibition is
// attributed to it: Alertmanager's default group_interval.
const causeWindow = 5 * time.Minute

type statusRow struct {
	Source     string       `json:"source"`
	ObservedAt models.Time  `json:"observed_at"`
	Uptime     models.Time  `json:"uptime"`
	ConfigHash string       `json:"config_hash"`
	What       string       `json:"what"` // status or startup
	PrevPollAt *models.Time `json:"prev_poll_at"`
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

// failedRow is a candidate failure from either path.
type failedRow struct {
	models.FailedInhibition
	Inhibitors         []string `json:"inhibitors"`
	Failed             *bool    `json:"failed"` // events path: the verdict
	RuleNames          []string `json:"rule_names"`
	RuleSourceMatchers []string `json:"rule_source_matchers"`
	RuleTargetMatchers []string `json:"rule_target_matchers"`
	RuleEqual          []string `json:"rule_equal"`
}

func (r failedRow) key() string {
	return r.Source + "\x00" + r.Fingerprint + "\x00" + r.Receiver + "\x00" + r.NotifiedAt.UTC().Format(time.RFC3339Nano)
}

// failedFor judges every firing notification in the window: by the source's
// events where it sent events within 5 minutes of the notification, else by
// the polls around it.
func (a *Analyzer) failedFor(ctx context.Context, com Common) ([]models.FailedInhibition, error) {
	params, data := com.Params()
	params["poll_interval_ms"] = fmt.Sprint(a.opts.PollInterval.Milliseconds())
	// The events path reads only the sources that sent events in the scan:
	// none, and it is not run.
	withEvents, err := run[struct {
		Source string `json:"source"`
	}](ctx, a, "event_sources", data, params)
	if err != nil {
		return nil, err
	}
	// (and the inhibitors' histories read the events of those only)
	sentEvents := map[string]bool{}
	list := make([]string, len(withEvents))
	for i, s := range withEvents {
		sentEvents[s.Source], list[i] = true, s.Source
	}
	var byEvents []failedRow
	if len(withEvents) > 0 {
		evParams := maps.Clone(params)
		evParams["sources"] = queries.StringArray(list)
		if byEvents, err = run[failedRow](ctx, a, "inhibitions_failed_events", data, evParams); err != nil {
			return nil, err
		}
	}
	var byPolls []failedRow
	if judged, err := a.bindFailedBounds(ctx, data, params); err != nil {
		return nil, err
	} else if judged {
		if byPolls, err = run[failedRow](ctx, a, "inhibitions_failed", data, params); err != nil {
			return nil, err
		}
	}
	rows := mergeVerdicts(byEvents, byPolls)
	// What judges and describes the candidates, read at once on two of the
	// engine's read connections: the inhibitors' histories (an inhibitor
	// that had ended at or before t explains the notification: on the poll
	// path a failure needs one inhibitor still firing), and, for every
	// candidate, the alerts' names and labels (the statements leave them
	// out), the sources' restarts and reloads, and their inhibit rules.
	want := map[string][]string{}
	fps := map[string]bool{}
	sources := map[string]bool{}
	for i := range rows {
		r := &rows[i]
		want[r.Source] = append(want[r.Source], r.Inhibitors...)
		fps[r.Fingerprint] = true
		for _, f := range r.Inhibitors {
			fps[f] = true
		}
		sources[r.Source] = true
	}
	var (
		signals signals
		infos   map[string]alertInfo
		history map[string][]statusRow
		rules   configuredRules
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(lane(func() (err error) {
		// (the candidates were notified from com.From on)
		signals, err = a.inhibitorSignals(gctx, want, params["scan_from"], com.From, com.To, sentEvents)
		return err
	}))
	g.Go(lane(func() (err error) {
		if infos, err = a.alertInfos(gctx, fps); err != nil {
			return err
		}
		if history, err = a.statusHistory(gctx, sources, com.From.Add(-causeWindow), com.To.Add(2*causeWindow)); err != nil {
			return err
		}
		rules, err = a.configuredInhibitRules(gctx, sources, com.To)
		return err
	}))
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// (by index, as mergeVerdicts: the rows are large and many)
	kept := rows[:0]
	for i := range rows {
		r := &rows[i]
		if r.Basis == "events" || slices.ContainsFunc(r.Inhibitors, func(f string) bool { return signals.firingAt(r.Source, f, r.NotifiedAt.Time) }) {
			kept = append(kept, *r)
		}
	}
	rows = kept
	sort.SliceStable(rows, func(i, j int) bool {
		if !rows[i].NotifiedAt.Equal(rows[j].NotifiedAt.Time) {
			return rows[i].NotifiedAt.Before(rows[j].NotifiedAt.Time)
		}
		if rows[i].Source != rows[j].Source {
			return rows[i].Source < rows[j].Source
		}
		if rows[i].Fingerprint != rows[j].Fingerprint {
			return rows[i].Fingerprint < rows[j].Fingerprint
		}
		// (one notification to several receivers: in a fixed order)
		return rows[i].Receiver < rows[j].Receiver
	})
	out := make([]models.FailedInhibition, len(rows))
	for i := range rows {
		r := &rows[i]
		out[i] = r.FailedInhibition
		out[i].Alertname, out[i].Labels = infos[r.Fingerprint].Alertname, infos[r.Fingerprint].Labels
		out[i].InhibitedBy = make([]models.Inhibitor, len(r.Inhibitors))
		for j, f := range r.Inhibitors {
			out[i].InhibitedBy[j] = models.Inhibitor{Fingerprint: f, Alertname: infos[f].Alertname}
		}
		if out[i].Rule == nil {
			var inhibitors []map[string]string
			for _, f := range r.Inhibitors {
				inhibitors = append(inhibitors, infos[f].Labels)
			}
			out[i].Rule = rules.match(r.Source, out[i].Labels, inhibitors)
		}
		cause, detail := knownCause(history[r.Source], r.NotifiedAt.Time)
		if cause == "" {
			cause, detail = signals.refired(r.Source, r.Inhibitors, r.NotifiedAt.Time)
		}
		if cause != "" {
			out[i].Cause = &cause
			out[i].KnownCause = detail
		}
	}
	return out, nil
}

// bindFailedBounds binds what bounds the failed inhibitions over polls
// (inhibitions_failed_bounds.sql): "through", the latest first successful
// poll after the window of the sources that can have notified in it, or
// the latest time stored (store.MaxTime) when one of them has none;
// "gap_ms", the longest interval between the polls judged by, at least the
// poll interval. It says whether there is anything to judge: without a
// source with summaries in the window's days no notification was sent.
func (a *Analyzer) bindFailedBounds(ctx context.Context, data queries.Data, params map[string]string) (bool, error) {
	type bound struct {
		Source   string `json:"source"`
		FirstMs  *int64 `json:"first_ms"`
		MaxGapMs *int64 `json:"max_gap_ms"`
	}
	bounds, err := run[bound](ctx, a, "inhibitions_failed_bounds", data, params)
	if err != nil || len(bounds) == 0 {
		return false, err
	}
	gap := a.opts.PollInterval.Milliseconds()
	var last int64
	cut := true
	for _, b := range bounds {
		if b.FirstMs == nil {
			cut = false
		} else {
			last = max(last, *b.FirstMs)
		}
		if b.MaxGapMs != nil {
			gap = max(gap, *b.MaxGapMs)
		}
	}
	params["through"] = store.MaxTime.Format(chTime)
	if cut {
		params["through"] = time.UnixMilli(last).UTC().Format(chTime)
	}
	params["gap_ms"] = strconv.FormatInt(gap, 10)
	return true, nil
}

// mergeVerdicts puts the two paths' candidates together: the events'
// failures, then the polls' candidates for every notification the events
// did not decide. The polls' rows are kept in place when no event decided
// anything (the common case: a source that sends no events), not copied:
// over 90 days of a big Alertmanager they are 1.6 million rows of a few
// hundred bytes.
func mergeVerdicts(byEvents, byPolls []failedRow) []failedRow {
	if len(byEvents) == 0 {
		for i := range byPolls {
			byPolls[i].Basis = "polls"
		}
		return byPolls
	}
	decided := make(map[string]bool, len(byEvents))
	rows := make([]failedRow, 0, len(byEvents)+len(byPolls))
	for _, r := range byEvents {
		decided[r.key()] = true
		if r.Failed != nil && *r.Failed {
			r.Basis = "events"
			if rules := eventRules(r.RuleNames, r.RuleSourceMatchers, r.RuleTargetMatchers, r.RuleEqual); len(rules) > 0 {
				r.Rule = &rules[0] // the first rule that muted it
			}
			rows = append(rows, r)
		}
	}
	for i := range byPolls {
		if r := &byPolls[i]; !decided[r.key()] {
			r.Basis = "polls"
			rows = append(rows, *r)
		}
	}
	return rows
}

// eventRules reads the inhibit rules of an inhibition event's row: the
// parallel arrays the events table keeps (equal labels comma-joined).
func eventRules(names, sourceMatchers, targetMatchers, equal []string) []models.InhibitRule {
	at := func(list []string, i int) string {
		if i < len(list) {
			return list[i]
		}
		return ""
	}
	out := []models.InhibitRule{}
	for i, name := range names {
		eq := []string{}
		if e := at(equal, i); e != "" {
			eq = strings.Split(e, ",")
		}
		out = append(out, models.InhibitRule{Name: name, SourceMatchers: at(sourceMatchers, i), TargetMatchers: at(targetMatchers, i), Equal: eq})
	}
	return out
}

// alertInfo is an alert's name and labels as last seen.
type alertInfo struct {
	Fingerprint string   `json:"fingerprint"`
	Alertname   string   `json:"alertname"`
	Labels      labelMap `json:"labels"`
}

func (a *Analyzer) alertInfos(ctx context.Context, fps map[string]bool) (map[string]alertInfo, error) {
	out := map[string]alertInfo{}
	if len(fps) == 0 {
		return out, nil
	}
	list := make([]string, 0, len(fps))
	for f := range fps {
		list = append(list, f)
	}
	sort.Strings(list)
	rows, err := run[alertInfo](ctx, a, "alertnames", noData, map[string]string{"fingerprints": queries.StringArray(list)})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.Fingerprint] = r
	}
	return out, nil
}

// statusHistory reads what knownCause dates restarts and reloads from up to
// until; since is the earliest a status dating a reload can have been
// observed (causeWindow before the first moment asked about).
func (a *Analyzer) statusHistory(ctx context.Context, sources map[string]bool, since, until time.Time) (map[string][]statusRow, error) {
	out := map[string][]statusRow{}
	if len(sources) == 0 {
		return out, nil
	}
	list := make([]string, 0, len(sources))
	for src := range sources {
		list = append(list, src)
	}
	sort.Strings(list)
	rows, err := run[statusRow](ctx, a, "status_history", noData, map[string]string{
		"sources": queries.StringArray(list), "since": since.UTC().Format(chTime), "until": until.UTC().Format(chTime),
	})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.Source] = append(out[r.Source], r)
	}
	return out, nil
}

// knownCause dates a restart or a configuration reload in the window
// causeWindow before t from the history itself: a restart at the uptime
// Alertmanager reported (or its startup event), however late the poller saw
// it; a reload between the last successful poll at which the old config
// still stood and the observation of the new one.
func knownCause(history []statusRow, t time.Time) (cause, detail string) {
	var bestAt time.Time
	for i, h := range history {
		if d := t.Sub(h.Uptime.Time); d >= 0 && d <= causeWindow && !h.Uptime.Before(bestAt) {
			bestAt = h.Uptime.Time
			cause, detail = "restart", fmt.Sprintf("Alertmanager restarted at %s (%s before)", h.Uptime.UTC().Format(time.RFC3339), d.Round(time.Second))
			continue
		}
		if h.What != "status" || i == 0 {
			continue
		}
		prev := lastStatus(history[:i])
		if prev == nil || h.ConfigHash == prev.ConfigHash || !h.Uptime.Equal(prev.Uptime.Time) {
			continue
		}
		// The reload happened in (since, h.ObservedAt]: a cause when that
		// span reaches into [t - causeWindow, t].
		since := prev.ObservedAt.Time
		if h.PrevPollAt != nil && h.PrevPollAt.After(since) {
			since = h.PrevPollAt.Time
		}
		if since.Before(t) && !h.ObservedAt.Before(t.Add(-causeWindow)) && cause != "restart" {
			cause, detail = "reload", fmt.Sprintf("Alertmanager configuration reloaded between %s and %s",
				since.UTC().Format(time.RFC3339), h.ObservedAt.UTC().Format(time.RFC3339))
		}
	}
	return cause, detail
}

func lastStatus(history []statusRow) *statusRow {
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].What == "status" {
			return &history[i]
		}
	}
	return nil
}
