package events

import (
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/alertmanager/eventrecorder/eventrecorderpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/alertlens/alertlens/store"
)

// Fingerprint writes a fingerprint the recorder sends as a number in the
// 16-hex-digit form the webhook and the API use (Alertmanager's own
// model.Fingerprint.String).
func Fingerprint(fp uint64) string {
	s := strconv.FormatUint(fp, 16)
	return strings.Repeat("0", 16-len(s)) + s
}

func labelMap(ls *eventrecorderpb.LabelSet) map[string]string {
	m := make(map[string]string, len(ls.GetLabels()))
	for _, p := range ls.GetLabels() {
		m[p.Key] = p.Value
	}
	return m
}

func optTime(ts *timestamppb.Timestamp) *store.Time {
	if unset(ts) {
		return nil
	}
	t := store.T(ts.AsTime())
	return &t
}

func matchers(ms []*eventrecorderpb.Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Rendered
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func silenceMatchers(s *eventrecorderpb.Silence) []string {
	out := make([]string, len(s.GetMatchers()))
	for i, m := range s.GetMatchers() {
		out[i] = m.Rendered
	}
	return out
}

// reasons are the recorder's notify reasons without their enum prefix.
func reason(r eventrecorderpb.NotifyReason) string {
	if r == eventrecorderpb.NotifyReason_NOTIFY_REASON_UNSPECIFIED {
		return ""
	}
	return strings.ToLower(strings.TrimPrefix(r.String(), "NOTIFY_REASON_"))
}

// Rows turns one event into rows of the events table: one per alert it
// concerns, or one for an event about no alert.
func Rows(ev *eventrecorderpb.Event, source string, received time.Time) []store.Event {
	base := store.Event{
		At: store.T(ev.Timestamp.AsTime()), ReceivedAt: store.T(received), Source: source, Instance: ev.Instance,
		Labels: map[string]string{}, SilenceMatchers: []string{}, RuleNames: []string{}, RuleSourceMatchers: []string{},
		RuleTargetMatchers: []string{}, RuleEqual: []string{}, Inhibiting: []string{},
	}
	withAlert := func(kind string, a *eventrecorderpb.Alert) store.Event {
		r := base
		r.Kind = kind
		r.Fingerprint = Fingerprint(a.Fingerprint)
		r.Alertname = a.Name
		r.Labels = labelMap(a.Labels)
		r.StartsAt = optTime(a.StartsAt)
		r.EndsAt = optTime(a.EndsAt)
		r.Status = "firing"
		if a.Resolved {
			r.Status = "resolved"
		}
		return r
	}
	withGroup := func(r store.Event, g *eventrecorderpb.AlertGroupInfo) store.Event {
		r.Receiver = g.GetReceiverName()
		r.GroupKey = g.GetGroupKey()
		return r
	}
	withMuted := func(kind string, m *eventrecorderpb.MutedAlert) store.Event {
		r := base
		r.Kind = kind
		r.Fingerprint = Fingerprint(m.Fingerprint)
		r.Labels = labelMap(m.Labels)
		r.Alertname = r.Labels["alertname"]
		return r
	}
	withSilence := func(r store.Event, s *eventrecorderpb.Silence) store.Event {
		r.SilenceID = s.GetId()
		r.SilenceMatchers = silenceMatchers(s)
		r.CreatedBy = s.GetCreatedBy()
		r.Comment = s.GetComment()
		return r
	}
	switch d := ev.Data.EventType.(type) {
	case *eventrecorderpb.EventData_AlertmanagerStartupEvent:
		r := base
		r.Kind = store.EventStartup
		r.Version = d.AlertmanagerStartupEvent.GetVersion()
		return []store.Event{r}
	case *eventrecorderpb.EventData_AlertmanagerShutdownEvent:
		r := base
		r.Kind = store.EventShutdown
		return []store.Event{r}
	case *eventrecorderpb.EventData_AlertCreated:
		return []store.Event{withAlert(store.EventAlertCreated, d.AlertCreated.Alert)}
	case *eventrecorderpb.EventData_AlertGrouped:
		return []store.Event{withGroup(withAlert(store.EventAlertGrouped, d.AlertGrouped.Alert.Details), d.AlertGrouped.GroupInfo)}
	case *eventrecorderpb.EventData_AlertResolved:
		return []store.Event{withGroup(withAlert(store.EventAlertResolved, d.AlertResolved.Alert.Details), d.AlertResolved.GroupInfo)}
	case *eventrecorderpb.EventData_Notification:
		n := d.Notification
		out := make([]store.Event, 0, len(n.Alerts))
		for _, a := range n.Alerts {
			r := withGroup(withAlert(store.EventNotification, a.Details), n.GroupInfo)
			r.Integration = n.GetIntegration().GetName()
			r.Reason = reason(n.Reason)
			out = append(out, r)
		}
		return out
	case *eventrecorderpb.EventData_SilenceCreated:
		r := withSilence(base, d.SilenceCreated.Silence)
		r.Kind = store.EventSilenceCreated
		return []store.Event{r}
	case *eventrecorderpb.EventData_SilenceUpdated:
		r := withSilence(base, d.SilenceUpdated.Silence)
		r.Kind = store.EventSilenceUpdated
		return []store.Event{r}
	case *eventrecorderpb.EventData_SilenceMutedAlert:
		return []store.Event{withSilence(withMuted(store.EventSilenceMuted, d.SilenceMutedAlert.MutedAlert), d.SilenceMutedAlert.Silence)}
	case *eventrecorderpb.EventData_InhibitionMutedAlert:
		in := d.InhibitionMutedAlert
		r := withMuted(store.EventInhibitionMuted, in.MutedAlert)
		for _, rule := range in.InhibitRules {
			r.RuleNames = append(r.RuleNames, rule.Name)
			r.RuleSourceMatchers = append(r.RuleSourceMatchers, matchers(rule.SourceMatchers))
			r.RuleTargetMatchers = append(r.RuleTargetMatchers, matchers(rule.TargetMatchers))
			r.RuleEqual = append(r.RuleEqual, strings.Join(rule.EqualLabels, ","))
		}
		for _, fp := range in.InhibitingFingerprints {
			r.Inhibiting = append(r.Inhibiting, Fingerprint(fp))
		}
		return []store.Event{r}
	}
	return nil
}
