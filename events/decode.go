// Package events takes Alertmanager's event recorder output (0.33+): the
// decisions Alertmanager made, as it made them. Bodies are decoded with
// Alertmanager's own generated types and protojson, checked like webhook
// payloads, and turned into rows of the events table, one per event and
// alert it concerns.
package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/alertmanager/eventrecorder/eventrecorderpb"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/webhook"
)

func bad(format string, a ...any) error {
	return &webhook.InputError{Msg: fmt.Sprintf(format, a...)}
}

// Decode reads one event object, or a JSON array of them (the recorder's
// webhook output with batch: true). An *webhook.InputError names the first
// problem; then nothing of the body may be stored.
func Decode(body []byte, lim webhook.Limits) ([]*eventrecorderpb.Event, error) {
	if !utf8.Valid(body) {
		return nil, bad("body is not valid UTF-8")
	}
	body = bytes.TrimSpace(body)
	var raws []json.RawMessage
	switch {
	case len(body) == 0:
		return nil, bad("body is empty: want an event object or an array of them")
	case body[0] == '[':
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, bad("body is not a JSON array of events: %v", err)
		}
		if len(raws) == 0 {
			return nil, bad("the array holds no event")
		}
	case body[0] == '{':
		raws = []json.RawMessage{body}
	default:
		return nil, bad("body is neither an event object nor an array of them")
	}
	if len(raws) > lim.MaxAlerts {
		return nil, bad("%d events exceed the limit of %d per request (webhook.max_alerts)", len(raws), lim.MaxAlerts)
	}
	out := make([]*eventrecorderpb.Event, len(raws))
	for i, raw := range raws {
		ev, err := DecodeOne(raw, lim)
		if err != nil {
			if len(raws) > 1 {
				return nil, bad("event %d: %s", i, err.Error())
			}
			return nil, err
		}
		out[i] = ev
	}
	return out, nil
}

// DecodeOne reads and checks one event object.
func DecodeOne(raw []byte, lim webhook.Limits) (*eventrecorderpb.Event, error) {
	var ev eventrecorderpb.Event
	if err := (protojson.UnmarshalOptions{}).Unmarshal(raw, &ev); err != nil {
		// protojson names the field and position; its prefix (followed by a
		// space or, at random, a no-break space) says nothing.
		msg := strings.TrimLeft(strings.TrimPrefix(err.Error(), "proto:"), " \u00a0")
		return nil, bad("not an event recorder event: %s", msg)
	}
	if err := check(&ev, lim); err != nil {
		return nil, err
	}
	return &ev, nil
}

// goZeroSeconds is Go's zero time.Time (0001-01-01T00:00:00Z), which
// Alertmanager writes for a time it has not set (a firing alert's endsAt).
const goZeroSeconds = -62135596800

// unset reports whether ts is absent or Go's zero time.
func unset(ts *timestamppb.Timestamp) bool {
	return ts == nil || (ts.Seconds == goZeroSeconds && ts.Nanos == 0)
}

func checkTime(name string, ts *timestamppb.Timestamp, required bool) error {
	if unset(ts) {
		if required {
			return bad("%s is missing", name)
		}
		return nil
	}
	if err := ts.CheckValid(); err != nil {
		return bad("%s: %v", name, err)
	}
	if t := ts.AsTime(); t.Before(store.MinTime) || t.After(store.MaxTime) {
		return bad("%s %s is outside 1900..2299", name, t.Format(time.RFC3339))
	}
	return nil
}

func checkLabels(name string, ls *eventrecorderpb.LabelSet, lim webhook.Limits) error {
	if ls == nil {
		return nil
	}
	if len(ls.Labels) > lim.MaxLabels {
		return bad("%s: %d labels exceed the limit of %d (webhook.max_labels)", name, len(ls.Labels), lim.MaxLabels)
	}
	for _, p := range ls.Labels {
		if p.Key == "" {
			return bad("%s: a label has an empty name", name)
		}
		if len(p.Key) > lim.MaxLabelBytes || len(p.Value) > lim.MaxLabelBytes {
			return bad("%s: label %.40q exceeds %d bytes (webhook.max_label_bytes)", name, p.Key, lim.MaxLabelBytes)
		}
	}
	return nil
}

func checkAlert(name string, a *eventrecorderpb.Alert, lim webhook.Limits) error {
	if a == nil {
		return bad("%s is missing", name)
	}
	if a.Fingerprint == 0 {
		return bad("%s.fingerprint is missing", name)
	}
	if err := checkTime(name+".startsAt", a.StartsAt, false); err != nil {
		return err
	}
	if err := checkTime(name+".endsAt", a.EndsAt, false); err != nil {
		return err
	}
	if err := checkLabels(name+".labels", a.Labels, lim); err != nil {
		return err
	}
	return checkLabels(name+".annotations", a.Annotations, lim)
}

func checkGrouped(name string, g *eventrecorderpb.GroupedAlert, lim webhook.Limits) error {
	if g == nil || g.Details == nil {
		return bad("%s.details is missing", name)
	}
	return checkAlert(name+".details", g.Details, lim)
}

func checkMuted(m *eventrecorderpb.MutedAlert, lim webhook.Limits) error {
	if m == nil || m.Fingerprint == 0 {
		return bad("mutedAlert.fingerprint is missing")
	}
	return checkLabels("mutedAlert.labels", m.Labels, lim)
}

func check(ev *eventrecorderpb.Event, lim webhook.Limits) error {
	if err := checkTime("@timestamp", ev.Timestamp, true); err != nil {
		return err
	}
	if ev.Data == nil || ev.Data.EventType == nil {
		return bad("data names no event type")
	}
	switch d := ev.Data.EventType.(type) {
	case *eventrecorderpb.EventData_AlertCreated:
		return checkAlert("alertCreated.alert", d.AlertCreated.GetAlert(), lim)
	case *eventrecorderpb.EventData_AlertGrouped:
		return checkGrouped("alertGrouped.alert", d.AlertGrouped.GetAlert(), lim)
	case *eventrecorderpb.EventData_AlertResolved:
		return checkGrouped("alertResolved.alert", d.AlertResolved.GetAlert(), lim)
	case *eventrecorderpb.EventData_Notification:
		n := d.Notification
		if len(n.GetAlerts()) > lim.MaxAlerts {
			return bad("notification: %d alerts exceed the limit of %d (webhook.max_alerts)", len(n.GetAlerts()), lim.MaxAlerts)
		}
		for i, a := range n.GetAlerts() {
			if err := checkGrouped(fmt.Sprintf("notification.alerts[%d]", i), a, lim); err != nil {
				return err
			}
		}
	case *eventrecorderpb.EventData_SilenceCreated:
		return checkSilence(d.SilenceCreated.GetSilence())
	case *eventrecorderpb.EventData_SilenceUpdated:
		return checkSilence(d.SilenceUpdated.GetSilence())
	case *eventrecorderpb.EventData_SilenceMutedAlert:
		if err := checkSilence(d.SilenceMutedAlert.GetSilence()); err != nil {
			return err
		}
		return checkMuted(d.SilenceMutedAlert.GetMutedAlert(), lim)
	case *eventrecorderpb.EventData_InhibitionMutedAlert:
		in := d.InhibitionMutedAlert
		if len(in.GetInhibitingFingerprints()) > lim.MaxAlerts {
			return bad("inhibitionMutedAlert: %d inhibiting fingerprints exceed the limit of %d", len(in.GetInhibitingFingerprints()), lim.MaxAlerts)
		}
		return checkMuted(in.GetMutedAlert(), lim)
	}
	return nil
}

func checkSilence(s *eventrecorderpb.Silence) error {
	if s == nil || s.Id == "" {
		return bad("silence.id is missing")
	}
	return nil
}

func protojsonMarshal(ev *eventrecorderpb.Event) ([]byte, error) {
	b, err := protojson.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encoding event: %w", err)
	}
	return b, nil
}
