package api

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

// ExplainSilence is a silence that silenced the alert.
type ExplainSilence struct {
	ID        string   `json:"id"`
	CreatedBy string   `json:"created_by"`
	Comment   string   `json:"comment"`
	Matchers  []string `json:"matchers"`
}

// ExplainInhibitor is an alert that inhibited it.
type ExplainInhibitor struct {
	Fingerprint string            `json:"fingerprint"`
	Alertname   string            `json:"alertname"`
	Labels      map[string]string `json:"labels"`
}

// NotificationRef is one notification.
type NotificationRef struct {
	At       Time   `json:"at"`
	Status   string `json:"status"`
	Receiver string `json:"receiver"`
}

// Explanation answers "what was this alert doing at T, and did it page?".
type Explanation struct {
	Fingerprint      string             `json:"fingerprint"`
	At               Time               `json:"at"`
	Source           string             `json:"source"`
	Alertname        string             `json:"alertname"`
	State            string             `json:"state"` // firing, silenced, inhibited, resolved, unknown
	Notified         bool               `json:"notified"`
	SilencedBy       []ExplainSilence   `json:"silenced_by"`
	InhibitedBy      []ExplainInhibitor `json:"inhibited_by"`
	LastNotification *NotificationRef   `json:"last_notification"`
	// PollerBlind is set when the last poll at or before T failed (or there
	// was none): the state is the last one seen, or unknown.
	PollerBlind bool   `json:"poller_blind"`
	LastPollAt  *Time  `json:"last_successful_poll_at"`
	Summary     string `json:"summary"`
}

type explainState struct {
	Source       string            `json:"source"`
	ObservedAt   Time              `json:"observed_at"`
	Kind         string            `json:"kind"`
	State        string            `json:"state"`
	Alertname    string            `json:"alertname"`
	Labels       map[string]string `json:"labels"`
	SilencedBy   []string          `json:"silenced_by"`
	InhibitedBy  []string          `json:"inhibited_by"`
	StartsAt     Time              `json:"starts_at"`
	LastPollAt   *Time             `json:"last_poll_at"`
	LastOKPollAt *Time             `json:"last_ok_poll_at"`
}

type explainNotification struct {
	At        Time   `json:"at"`
	Status    string `json:"status"`
	Receiver  string `json:"receiver"`
	Source    string `json:"source"`
	StartsAt  Time   `json:"starts_at"`
	EndsAt    *Time  `json:"ends_at"`
	Alertname string `json:"alertname"`
}

func (s *Server) explain(ctx context.Context, c echo.Context) (any, error) {
	q := c.QueryParams()
	fp, err := parseFingerprint(q.Get("fingerprint"))
	if err != nil {
		return nil, err
	}
	at := s.now()
	if v := q.Get("at"); v != "" {
		if at, err = ParseTime(v, at); err != nil {
			return nil, &ParamError{"at", err.Error()}
		}
	}
	source := q.Get("source")
	if source != "" && !config.ValidSourceName(source) {
		return nil, &ParamError{"source", fmt.Sprintf("%q is not a source name", source)}
	}
	p := map[string]string{"fingerprint": fp, "at": at.UTC().Format(chTime), "source": source}
	states, err := run[explainState](ctx, s, queries.SQL("explain_state"), p)
	if err != nil {
		return nil, err
	}
	notes, err := run[explainNotification](ctx, s, queries.SQL("explain_notifications"), p)
	if err != nil {
		return nil, err
	}
	e := Explanation{Fingerprint: fp, At: Time{at.UTC()}, State: "unknown", SilencedBy: []ExplainSilence{}, InhibitedBy: []ExplainInhibitor{}}
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
		e.LastNotification = &NotificationRef{At: last.At, Status: last.Status, Receiver: last.Receiver}
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
			if e.SilencedBy, err = s.explainSilences(ctx, st.SilencedBy, p); err != nil {
				return nil, err
			}
			if e.InhibitedBy, err = s.explainInhibitors(ctx, st.InhibitedBy, p); err != nil {
				return nil, err
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

func (s *Server) explainSilences(ctx context.Context, ids []string, p map[string]string) ([]ExplainSilence, error) {
	out := []ExplainSilence{}
	if len(ids) == 0 {
		return out, nil
	}
	type row struct {
		ExplainSilence
		Matchers []store.Matcher `json:"matchers"`
	}
	q := map[string]string{"ids": toCHArray(ids), "at": p["at"], "source": p["source"]}
	rows, err := run[row](ctx, s, queries.SQL("explain_silences"), q)
	if err != nil {
		return nil, err
	}
	found := map[string]ExplainSilence{}
	for _, r := range rows {
		es := r.ExplainSilence
		es.Matchers = make([]string, len(r.Matchers))
		for i, m := range r.Matchers {
			es.Matchers[i] = matcherString(m)
		}
		found[es.ID] = es
	}
	for _, id := range ids {
		es, ok := found[id]
		if !ok {
			// Alertmanager named a silence the poller never listed.
			es = ExplainSilence{ID: id, Matchers: []string{}}
		}
		out = append(out, es)
	}
	return out, nil
}

func (s *Server) explainInhibitors(ctx context.Context, fps []string, p map[string]string) ([]ExplainInhibitor, error) {
	out := []ExplainInhibitor{}
	if len(fps) == 0 {
		return out, nil
	}
	q := map[string]string{"fingerprints": toCHArray(fps), "at": p["at"], "source": p["source"]}
	rows, err := run[ExplainInhibitor](ctx, s, queries.SQL("explain_inhibitors"), q)
	if err != nil {
		return nil, err
	}
	found := map[string]ExplainInhibitor{}
	for _, r := range rows {
		found[r.Fingerprint] = r
	}
	for _, f := range fps {
		in, ok := found[f]
		if !ok {
			in = ExplainInhibitor{Fingerprint: f, Labels: map[string]string{}}
		}
		out = append(out, in)
	}
	return out, nil
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func inhibitors(in []ExplainInhibitor) string {
	parts := make([]string, len(in))
	for i, x := range in {
		parts[i] = fmt.Sprintf("%s (%s)", x.Alertname, x.Fingerprint)
	}
	return strings.Join(parts, ", ")
}

// summarize says it in words for a tired on-call engineer.
func summarize(e Explanation, started time.Time) string {
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
