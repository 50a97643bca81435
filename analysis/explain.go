package analysis

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

type explainState struct {
	Source       string            `json:"source"`
	ObservedAt   models.Time       `json:"observed_at"`
	Kind         string            `json:"kind"`
	State        string            `json:"state"`
	Alertname    string            `json:"alertname"`
	Labels       map[string]string `json:"labels"`
	SilencedBy   []string          `json:"silenced_by"`
	InhibitedBy  []string          `json:"inhibited_by"`
	StartsAt     models.Time       `json:"starts_at"`
	LastPollAt   *models.Time      `json:"last_poll_at"`
	LastOKPollAt *models.Time      `json:"last_ok_poll_at"`
}

// seen is the latest moment the poller's view of the alert is known at:
// its state row, or the last successful poll after it (a state holds until
// the next change).
func (st *explainState) seen() time.Time {
	if st.LastOKPollAt != nil && st.LastOKPollAt.After(st.ObservedAt.Time) {
		return st.LastOKPollAt.Time
	}
	return st.ObservedAt.Time
}

type explainNotification struct {
	At        models.Time  `json:"at"`
	Status    string       `json:"status"`
	Receiver  string       `json:"receiver"`
	Source    string       `json:"source"`
	StartsAt  models.Time  `json:"starts_at"`
	EndsAt    *models.Time `json:"ends_at"`
	Alertname string       `json:"alertname"`
}

// ExplainInput names the alert and the moment.
type ExplainInput struct {
	Fingerprint string    `param:"fingerprint"`
	At          time.Time `param:"at"`
	Source      string    `param:"source"`
}

// Explain says what Alertmanager was doing with an alert at a moment, and
// whether it paged: from the event recorder's last decision where the
// source sends events, else from the last successful poll and the
// notifications after it.
func (a *Analyzer) Explain(ctx context.Context, in ExplainInput) (models.Explanation, error) {
	fp, at, source := in.Fingerprint, in.At, in.Source
	p := map[string]string{"fingerprint": fp, "at": at.UTC().Format(chTime), "sources": oneSource(source)}
	states, err := run[explainState](ctx, a, "explain_state", noData, p)
	if err != nil {
		return models.Explanation{}, err
	}
	notes, err := run[explainNotification](ctx, a, "explain_notifications", noData, p)
	if err != nil {
		return models.Explanation{}, err
	}
	evs, err := run[store.Event](ctx, a, "explain_events", noData, p)
	if err != nil {
		return models.Explanation{}, err
	}
	e := models.Explanation{Fingerprint: fp, At: models.NewTime(at), State: "unknown", SilencedBy: []models.ExplainSilence{},
		InhibitedBy: []models.ExplainInhibitor{}, InhibitRules: []models.InhibitRule{}}
	var st *explainState
	if len(states) == 1 && states[0].Kind != "" {
		st = &states[0]
		e.LastPollAt = st.LastOKPollAt
		e.PollerBlind = st.LastPollAt == nil || st.LastOKPollAt == nil || st.LastPollAt.After(st.LastOKPollAt.Time)
	} else {
		e.PollerBlind = true
	}
	if e.PollerBlind && e.LastPollAt != nil {
		d := at.Sub(e.LastPollAt.Time).Seconds()
		e.PollerBlindSeconds = &d
	}
	var last *explainNotification
	if len(notes) > 0 {
		last = &notes[0]
		e.LastNotification = &models.NotificationRef{At: last.At, Status: last.Status, Receiver: last.Receiver}
	}
	var episodeStart time.Time
	switch {
	case len(evs) > 0: // the newest decision about the alert
		episodeStart, err = a.explainFromEvents(ctx, &e, evs, p)
	case st != nil && !notifiedElsewhereSince(last, st):
		episodeStart, err = a.explainFromPolls(ctx, &e, st, notes, p)
	case last != nil:
		e.Basis = basis("notifications")
		e.Source, e.Alertname, episodeStart = last.Source, last.Alertname, last.StartsAt.Time
		e.State = "firing"
		if last.Status == "resolved" {
			e.State = "resolved"
		}
	}
	if err != nil {
		return models.Explanation{}, err
	}
	if e.Basis != nil && *e.Basis == "events" {
		episodeStart = completeFromWebhooks(&e, evs, notes, episodeStart)
	}
	for _, n := range notes {
		if n.Status == "firing" && n.Source == e.Source && n.StartsAt.Equal(episodeStart) {
			e.Notified = true
			break
		}
	}
	e.Summary = summarize(e, episodeStart)
	return e, nil
}

func basis(b string) *string { return &b }

// notifiedElsewhereSince reports whether the newest notification is newer
// than everything the poller saw and belongs to another alert (the same
// fingerprint in another source) or a later episode: then it is the newest
// observation and decides.
func notifiedElsewhereSince(last *explainNotification, st *explainState) bool {
	if last == nil || (last.Source == st.Source && last.StartsAt.Equal(st.StartsAt.Time)) {
		return false
	}
	return last.At.After(st.seen())
}

// completeFromWebhooks finishes an events-based answer with the webhook
// notifications: mute decisions carry no startsAt, so the episode is the
// newest notified one when the events did not name it; and a firing
// notification of the episode (a webhook delivery or a notification event)
// sent when the last decision before it was a mute, while the alert is muted
// again at T, got through while muted.
func completeFromWebhooks(e *models.Explanation, evs []store.Event, notes []explainNotification, start time.Time) time.Time {
	if start.IsZero() {
		for _, n := range notes {
			if n.Source == e.Source {
				start = n.StartsAt.Time
				break
			}
		}
	}
	if e.State != "silenced" && e.State != "inhibited" {
		return start
	}
	var sent []time.Time
	for _, n := range notes {
		if n.Source == e.Source && n.Status == "firing" && n.StartsAt.Equal(start) {
			sent = append(sent, n.At.Time)
		}
	}
	for _, ev := range evs {
		if ev.Kind == store.EventNotification && ev.Status == "firing" && (ev.StartsAt == nil || ev.StartsAt.Equal(start)) {
			sent = append(sent, ev.At.Time)
		}
	}
	for _, t := range sent {
		for _, ev := range evs { // newest first: the last decision before t
			if ev.Kind == store.EventNotification || ev.At.After(t) {
				continue
			}
			if ev.Kind == store.EventSilenceMuted || ev.Kind == store.EventInhibitionMuted {
				e.NotifiedWhileMuted = true
			}
			break
		}
	}
	return start
}

// explainFromEvents states the last decision at or before T: muted by a
// silence or an inhibition rule, notified, resolved, or grouped and waiting
// for its first notification.
func (a *Analyzer) explainFromEvents(ctx context.Context, e *models.Explanation, evs []store.Event, p map[string]string) (time.Time, error) {
	d := evs[0]
	e.Basis = basis("events")
	e.Source = d.Source
	for _, ev := range evs {
		if e.Alertname == "" && ev.Alertname != "" {
			e.Alertname = ev.Alertname
		}
	}
	var start time.Time
	for _, ev := range evs {
		if ev.StartsAt != nil {
			start = ev.StartsAt.Time
			break
		}
	}
	// The newest notification event of this episode names the integration
	// and the reason.
	for _, ev := range evs {
		if ev.Kind == store.EventNotification && (ev.StartsAt == nil || ev.StartsAt.Equal(start)) {
			e.LastNotification = &models.NotificationRef{At: models.NewTime(ev.At.Time), Status: ev.Status, Receiver: ev.Receiver, Integration: ev.Integration, Reason: ev.Reason}
			break
		}
	}
	switch d.Kind {
	case store.EventAlertCreated, store.EventAlertGrouped:
		e.State = "waiting"
	case store.EventAlertResolved:
		e.State = "resolved"
	case store.EventNotification:
		e.State = "firing"
		if d.Status == "resolved" {
			e.State = "resolved"
		}
	case store.EventSilenceMuted:
		e.State = "silenced"
		sil := models.ExplainSilence{ID: d.SilenceID, CreatedBy: d.CreatedBy, Comment: d.Comment, Matchers: d.SilenceMatchers}
		if sil.Matchers == nil {
			sil.Matchers = []string{}
		}
		if sil.CreatedBy == "" {
			// The event named the silence only: take it from the polls.
			if known, err := a.explainSilences(ctx, []string{d.SilenceID}, map[string]string{"at": p["at"], "sources": oneSource(d.Source)}); err == nil && len(known) == 1 {
				sil = known[0]
			}
		}
		e.SilencedBy = []models.ExplainSilence{sil}
	case store.EventInhibitionMuted:
		e.State = "inhibited"
		e.InhibitRules = eventRules(d.RuleNames, d.RuleSourceMatchers, d.RuleTargetMatchers, d.RuleEqual)
		var err error
		if e.InhibitedBy, err = a.explainInhibitors(ctx, d.Inhibiting, map[string]string{"at": p["at"], "sources": oneSource(d.Source)}); err != nil {
			return start, err
		}
	}
	return start, nil
}

// explainFromPolls states what the last successful poll at or before T
// showed: a stored state holds until the next change, so the state row may
// be older than that poll. A firing notification newer than that poll makes
// the alert firing only if the muting cause had ended by then; otherwise it
// got through while the alert was muted.
func (a *Analyzer) explainFromPolls(ctx context.Context, e *models.Explanation, st *explainState, notes []explainNotification, p map[string]string) (time.Time, error) {
	e.Basis = basis("polls")
	e.Source, e.Alertname = st.Source, st.Alertname
	start := st.StartsAt.Time
	switch {
	case st.Kind == store.KindResolved:
		e.State = "resolved"
	case len(st.SilencedBy) > 0:
		e.State = "silenced"
	case len(st.InhibitedBy) > 0:
		e.State = "inhibited"
	default:
		e.State = "firing"
	}
	var err error
	silenceEnds := map[string]time.Time{}
	if e.State == "silenced" || e.State == "inhibited" {
		if e.SilencedBy, err = a.explainSilencesEnding(ctx, st.SilencedBy, p, silenceEnds); err != nil {
			return start, err
		}
		if e.InhibitedBy, err = a.explainInhibitors(ctx, st.InhibitedBy, p); err != nil {
			return start, err
		}
	}
	// Notifications after the state row are judged against the cause of the
	// muting; one newer than everything the poller saw can change the state.
	seen := st.seen()
	var sigs signals
	if len(st.InhibitedBy) > 0 {
		want := map[string][]string{st.Source: st.InhibitedBy}
		// (asked about the notifications from the state row on)
		if sigs, err = a.inhibitorSignals(ctx, want, st.ObservedAt.Add(-scanBack).UTC().Format(chTime), st.ObservedAt.Time, e.At.Time, nil); err != nil {
			return start, err
		}
	}
	for i := len(notes) - 1; i >= 0; i-- { // oldest first
		n := notes[i]
		if n.Source != st.Source || !n.StartsAt.Equal(start) || n.At.Before(st.ObservedAt.Time) {
			continue
		}
		switch {
		case n.Status == "resolved" && n.At.After(seen):
			e.State = "resolved"
		case n.Status != "firing":
		case e.State == "silenced" && silencesOver(st.SilencedBy, silenceEnds, n.At.Time):
			if n.At.After(seen) {
				e.State, e.SilencedBy = "firing", []models.ExplainSilence{}
			}
		case e.State == "inhibited" && !slices.ContainsFunc(st.InhibitedBy, func(f string) bool { return sigs.firingAt(st.Source, f, n.At.Time) }):
			if n.At.After(seen) {
				e.State, e.InhibitedBy = "firing", []models.ExplainInhibitor{}
			}
		case e.State == "silenced" || e.State == "inhibited":
			e.NotifiedWhileMuted = true
		}
	}
	return start, nil
}

// silencesOver reports whether every silence had expired by t.
func silencesOver(ids []string, ends map[string]time.Time, t time.Time) bool {
	for _, id := range ids {
		if end, ok := ends[id]; !ok || end.After(t) {
			return false
		}
	}
	return len(ids) > 0
}

func (a *Analyzer) explainSilences(ctx context.Context, ids []string, p map[string]string) ([]models.ExplainSilence, error) {
	return a.explainSilencesEnding(ctx, ids, p, nil)
}

// explainSilencesEnding is explainSilences that also notes when each
// silence (as last seen by T) ends, in ends when it is not nil.
func (a *Analyzer) explainSilencesEnding(ctx context.Context, ids []string, p map[string]string, ends map[string]time.Time) ([]models.ExplainSilence, error) {
	out := []models.ExplainSilence{}
	if len(ids) == 0 {
		return out, nil
	}
	type row struct {
		models.ExplainSilence
		Matchers []store.Matcher `json:"matchers"`
		EndsAt   models.Time     `json:"ends_at"`
	}
	q := map[string]string{"ids": queries.StringArray(ids), "at": p["at"], "sources": p["sources"]}
	rows, err := run[row](ctx, a, "explain_silences", noData, q)
	if err != nil {
		return nil, err
	}
	found := map[string]models.ExplainSilence{}
	for _, r := range rows {
		es := r.ExplainSilence
		es.Matchers = matcherStrings(r.Matchers)
		found[es.ID] = es
		if ends != nil {
			ends[es.ID] = r.EndsAt.Time
		}
	}
	for _, id := range ids {
		es, ok := found[id]
		if !ok {
			// Alertmanager named a silence the poller never listed.
			es = models.ExplainSilence{ID: id, Matchers: []string{}}
		}
		out = append(out, es)
	}
	return out, nil
}

func (a *Analyzer) explainInhibitors(ctx context.Context, fps []string, p map[string]string) ([]models.ExplainInhibitor, error) {
	out := []models.ExplainInhibitor{}
	if len(fps) == 0 {
		return out, nil
	}
	q := map[string]string{"fingerprints": queries.StringArray(fps), "at": p["at"], "sources": p["sources"]}
	rows, err := run[models.ExplainInhibitor](ctx, a, "explain_inhibitors", noData, q)
	if err != nil {
		return nil, err
	}
	found := map[string]models.ExplainInhibitor{}
	for _, r := range rows {
		found[r.Fingerprint] = r
	}
	for _, f := range fps {
		in, ok := found[f]
		if !ok {
			in = models.ExplainInhibitor{Fingerprint: f, Labels: map[string]string{}}
		}
		out = append(out, in)
	}
	return out, nil
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func inhibitors(in []models.ExplainInhibitor) string {
	parts := make([]string, len(in))
	for i, x := range in {
		parts[i] = fmt.Sprintf("%s (%s)", x.Alertname, x.Fingerprint)
	}
	return strings.Join(parts, ", ")
}

// summarize says it in words for a tired on-call engineer.
func summarize(e models.Explanation, started time.Time) string {
	name := e.Alertname
	if name == "" {
		name = e.Fingerprint
	}
	var b strings.Builder
	fmt.Fprintf(&b, "At %s, ", ts(e.At.Time))
	switch e.State {
	case "unknown":
		fmt.Fprintf(&b, "alertlens had seen nothing of alert %s: no notification and no poll showed it by then", e.Fingerprint)
	case "resolved":
		fmt.Fprintf(&b, "%s was resolved", name)
	case "silenced":
		parts := make([]string, len(e.SilencedBy))
		for i, s := range e.SilencedBy {
			parts[i] = s.ID
			if s.CreatedBy != "" {
				parts[i] += fmt.Sprintf(" (by %s: %q)", s.CreatedBy, s.Comment)
			}
		}
		fmt.Fprintf(&b, "%s was firing but silenced by %s", name, strings.Join(parts, ", "))
		if len(e.InhibitedBy) > 0 {
			fmt.Fprintf(&b, " and inhibited by %s", inhibitors(e.InhibitedBy))
		}
		b.WriteString(", so Alertmanager did not notify")
	case "inhibited":
		fmt.Fprintf(&b, "%s was firing but inhibited by %s", name, inhibitors(e.InhibitedBy))
		if len(e.InhibitRules) > 0 && e.InhibitRules[0].Name != "" {
			fmt.Fprintf(&b, " under rule %s", e.InhibitRules[0].Name)
		}
		b.WriteString(", so Alertmanager did not notify")
	case "waiting":
		fmt.Fprintf(&b, "%s was firing, grouped and waiting for its first notification", name)
	case "firing":
		fmt.Fprintf(&b, "%s was firing (since %s)", name, ts(started))
	}
	if e.State != "unknown" {
		switch {
		case e.Notified && e.State == "firing":
			fmt.Fprintf(&b, " and had been notified")
		case e.State == "firing":
			fmt.Fprintf(&b, " but no notification for it had arrived yet")
		}
		if e.NotifiedWhileMuted {
			b.WriteString("; a notification got through while it was muted")
		}
		if e.LastNotification != nil {
			n := e.LastNotification
			fmt.Fprintf(&b, ". Last notification: %s to %s", n.Status, n.Receiver)
			if n.Integration != "" {
				fmt.Fprintf(&b, " via %s", n.Integration)
			}
			if n.Reason != "" {
				fmt.Fprintf(&b, " (%s)", strings.ReplaceAll(n.Reason, "_", " "))
			}
			fmt.Fprintf(&b, " at %s", ts(n.At.Time))
		}
	}
	b.WriteString(".")
	if e.PollerBlind {
		if e.LastPollAt != nil {
			blind := time.Duration(*e.PollerBlindSeconds * float64(time.Second)).Round(time.Second)
			fmt.Fprintf(&b, " The poller could not see Alertmanager then (blind for %s, since its last successful poll %s).", blind, ts(e.LastPollAt.Time))
		} else {
			b.WriteString(" The poller had not seen Alertmanager by then, so silences and inhibitions are unknown.")
		}
	}
	return b.String()
}

// oneSource binds one source, or every source when s is empty, for the
// statements' source filter.
func oneSource(s string) string {
	if s == "" {
		return "[]"
	}
	return queries.StringArray([]string{s})
}
