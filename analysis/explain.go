package analysis

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/alertlens/alertlens/models"
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
// whether it paged.
func (a *Analyzer) Explain(ctx context.Context, in ExplainInput) (models.Explanation, error) {
	fp, at, source := in.Fingerprint, in.At, in.Source
	p := map[string]string{"fingerprint": fp, "at": at.UTC().Format(chTime), "source": source}
	states, err := run[explainState](ctx, a, "explain_state", noData, p)
	if err != nil {
		return models.Explanation{}, err
	}
	notes, err := run[explainNotification](ctx, a, "explain_notifications", noData, p)
	if err != nil {
		return models.Explanation{}, err
	}
	e := models.Explanation{Fingerprint: fp, At: models.NewTime(at), State: "unknown", SilencedBy: []models.ExplainSilence{}, InhibitedBy: []models.ExplainInhibitor{}}
	var st *explainState
	if len(states) == 1 && states[0].Kind != "" {
		st = &states[0]
		e.LastPollAt = st.LastOKPollAt
		e.PollerBlind = st.LastPollAt == nil || st.LastOKPollAt == nil || st.LastPollAt.After(st.LastOKPollAt.Time)
	} else {
		e.PollerBlind = true
	}
	var last *explainNotification
	if len(notes) > 0 {
		last = &notes[0]
		e.LastNotification = &models.NotificationRef{At: last.At, Status: last.Status, Receiver: last.Receiver}
	}
	// The newer of the two observations decides; silencing and inhibition
	// are only ever seen by the poller.
	var episodeStart time.Time
	switch {
	case st != nil && (last == nil || !last.At.After(st.ObservedAt.Time)):
		e.Source, e.Alertname, episodeStart = st.Source, st.Alertname, st.StartsAt.Time
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
		if e.State != "resolved" {
			var err error
			if e.SilencedBy, err = a.explainSilences(ctx, st.SilencedBy, p); err != nil {
				return models.Explanation{}, err
			}
			if e.InhibitedBy, err = a.explainInhibitors(ctx, st.InhibitedBy, p); err != nil {
				return models.Explanation{}, err
			}
		}
	case last != nil:
		e.Source, e.Alertname, episodeStart = last.Source, last.Alertname, last.StartsAt.Time
		e.State = "firing"
		if last.Status == "resolved" {
			e.State = "resolved"
		}
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

func (a *Analyzer) explainSilences(ctx context.Context, ids []string, p map[string]string) ([]models.ExplainSilence, error) {
	out := []models.ExplainSilence{}
	if len(ids) == 0 {
		return out, nil
	}
	type row struct {
		models.ExplainSilence
		Matchers []store.Matcher `json:"matchers"`
	}
	q := map[string]string{"ids": toCHArray(ids), "at": p["at"], "source": p["source"]}
	rows, err := run[row](ctx, a, "explain_silences", noData, q)
	if err != nil {
		return nil, err
	}
	found := map[string]models.ExplainSilence{}
	for _, r := range rows {
		es := r.ExplainSilence
		es.Matchers = matcherStrings(r.Matchers)
		found[es.ID] = es
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
	q := map[string]string{"fingerprints": toCHArray(fps), "at": p["at"], "source": p["source"]}
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
		fmt.Fprintf(&b, "%s was firing but inhibited by %s, so Alertmanager did not notify", name, inhibitors(e.InhibitedBy))
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
		if e.LastNotification != nil {
			n := e.LastNotification
			fmt.Fprintf(&b, ". Last notification: %s to %s at %s", n.Status, n.Receiver, ts(n.At.Time))
		}
	}
	b.WriteString(".")
	if e.PollerBlind {
		if e.LastPollAt != nil {
			fmt.Fprintf(&b, " The poller could not see Alertmanager then (last successful poll %s).", ts(e.LastPollAt.Time))
		} else {
			b.WriteString(" The poller had not seen Alertmanager by then, so silences and inhibitions are unknown.")
		}
	}
	return b.String()
}
