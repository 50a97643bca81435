// Package webhook receives Alertmanager's webhook notifications: it decodes
// them into Alertmanager's own message type, validates them against explicit
// limits, and turns each alert into one notifications row.
package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prometheus/alertmanager/api/v2/models"
	amwebhook "github.com/prometheus/alertmanager/notify/webhook"
	"github.com/prometheus/alertmanager/template"

	"github.com/alertlens/alertlens/store"
)

// Limits bound what one payload may hold. Every one is configurable
// (webhook.* in the config).
type Limits struct {
	MaxBodyBytes  int64
	MaxAlerts     int
	MaxLabels     int // labels, and separately annotations, per alert
	MaxLabelBytes int // bytes of one label or annotation name or value
}

// InputError is a problem with the payload itself: the client gets 400 and
// nothing of the payload is stored.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func bad(format string, a ...any) error { return &InputError{Msg: fmt.Sprintf(format, a...)} }

var fingerprintRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

// Decode parses and validates one webhook body.
func Decode(body []byte, lim Limits) (*amwebhook.Message, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, bad("empty body: want an Alertmanager webhook payload (JSON, version 4)")
	}
	if !utf8.Valid(body) {
		return nil, bad("body is not valid UTF-8")
	}
	var msg amwebhook.Message
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&msg); err != nil {
		return nil, bad("malformed JSON: %s", jsonErr(err))
	}
	if dec.More() {
		return nil, bad("malformed JSON: data after the payload object")
	}
	if msg.Data == nil {
		return nil, bad("payload has no receiver, status or alerts")
	}
	if err := Validate(&msg, lim); err != nil {
		return nil, err
	}
	return &msg, nil
}

func jsonErr(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%v at byte %d", se, se.Offset)
	case errors.As(err, &te):
		// The message type embeds template.Data; users know the JSON names.
		return fmt.Sprintf("field %q: cannot use a JSON %s there", strings.TrimPrefix(te.Field, "Data."), te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "body ends in the middle of the JSON (truncated?)"
	}
	return err.Error()
}

// Validate checks a decoded message against the v4 format and lim.
func Validate(msg *amwebhook.Message, lim Limits) error {
	if msg.Version != "4" {
		return bad("version %q is not supported: want \"4\" (Alertmanager's webhook format)", msg.Version)
	}
	if msg.Receiver == "" {
		return bad("receiver is missing")
	}
	if msg.GroupKey == "" {
		return bad("groupKey is missing")
	}
	if msg.Status != "firing" && msg.Status != "resolved" {
		return bad("status %q is neither firing nor resolved", msg.Status)
	}
	if msg.TruncatedAlerts > math.MaxUint32 {
		return bad("truncatedAlerts %d is out of range", msg.TruncatedAlerts)
	}
	if len(msg.Alerts) == 0 {
		return bad("alerts is empty")
	}
	if len(msg.Alerts) > lim.MaxAlerts {
		return bad("%d alerts exceed the limit of %d per payload (webhook.max_alerts)", len(msg.Alerts), lim.MaxAlerts)
	}
	for _, kv := range []struct {
		name string
		kv   template.KV
	}{{"groupLabels", msg.GroupLabels}, {"commonLabels", msg.CommonLabels}, {"commonAnnotations", msg.CommonAnnotations}, {"routeLabels", msg.RouteLabels}} {
		if err := checkKV(kv.name, kv.kv, lim); err != nil {
			return err
		}
	}
	for i, a := range msg.Alerts {
		at := fmt.Sprintf("alerts[%d]", i)
		if a.Status != "firing" && a.Status != "resolved" {
			return bad("%s.status %q is neither firing nor resolved", at, a.Status)
		}
		if a.Fingerprint == "" {
			return bad("%s.fingerprint is missing", at)
		}
		if !fingerprintRE.MatchString(a.Fingerprint) {
			return bad("%s.fingerprint %q is not 16 lowercase hex digits", at, a.Fingerprint)
		}
		if len(a.Labels) == 0 {
			return bad("%s.labels is empty", at)
		}
		if err := checkKV(at+".labels", a.Labels, lim); err != nil {
			return err
		}
		if err := checkKV(at+".annotations", a.Annotations, lim); err != nil {
			return err
		}
		if a.StartsAt.IsZero() {
			return bad("%s.startsAt is missing", at)
		}
		if err := checkTime(at+".startsAt", a.StartsAt); err != nil {
			return err
		}
		if !a.EndsAt.IsZero() {
			if err := checkTime(at+".endsAt", a.EndsAt); err != nil {
				return err
			}
			if a.EndsAt.Before(a.StartsAt) {
				return bad("%s.endsAt %s is before its startsAt %s", at, a.EndsAt.UTC().Format(time.RFC3339Nano), a.StartsAt.UTC().Format(time.RFC3339Nano))
			}
		}
		if len(a.GeneratorURL) > 64<<10 {
			return bad("%s.generatorURL is longer than 64 KiB", at)
		}
	}
	return nil
}

// CheckPolled checks one alert of an Alertmanager API answer (a recorded
// poll) as strictly as a webhook alert: fingerprint, labels and their
// limits, times. field names it in the error.
func CheckPolled(field string, a *models.GettableAlert, lim Limits) error {
	if a == nil {
		return bad("%s is null", field)
	}
	if a.Fingerprint == nil || !fingerprintRE.MatchString(*a.Fingerprint) {
		fp := ""
		if a.Fingerprint != nil {
			fp = *a.Fingerprint
		}
		return bad("%s.fingerprint %q is not 16 lowercase hex digits", field, truncate(fp))
	}
	if len(a.Labels) == 0 {
		return bad("%s.labels is empty", field)
	}
	if err := checkKV(field+".labels", template.KV(a.Labels), lim); err != nil {
		return err
	}
	if err := checkKV(field+".annotations", template.KV(a.Annotations), lim); err != nil {
		return err
	}
	if a.StartsAt == nil {
		return bad("%s.startsAt is missing", field)
	}
	starts := time.Time(*a.StartsAt)
	if err := checkTime(field+".startsAt", starts); err != nil {
		return err
	}
	if a.EndsAt != nil && !time.Time(*a.EndsAt).IsZero() {
		ends := time.Time(*a.EndsAt)
		if err := checkTime(field+".endsAt", ends); err != nil {
			return err
		}
		if ends.Before(starts) {
			return bad("%s.endsAt is before its startsAt", field)
		}
	}
	return nil
}

func checkKV(field string, kv template.KV, lim Limits) error {
	if len(kv) > lim.MaxLabels {
		return bad("%s has %d entries, over the limit of %d (webhook.max_labels)", field, len(kv), lim.MaxLabels)
	}
	for k, v := range kv {
		if k == "" {
			return bad("%s has an empty name", field)
		}
		if len(k) > lim.MaxLabelBytes {
			return bad("%s has a name of %d bytes, over the limit of %d (webhook.max_label_bytes)", field, len(k), lim.MaxLabelBytes)
		}
		if len(v) > lim.MaxLabelBytes {
			return bad("%s[%q] is %d bytes, over the limit of %d (webhook.max_label_bytes)", field, truncate(k), len(v), lim.MaxLabelBytes)
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func checkTime(field string, t time.Time) error {
	if t.Before(store.MinTime) || t.After(store.MaxTime) {
		return bad("%s %s is outside the storable range 1900-01-01 .. 2299-12-31", field, t.UTC().Format(time.RFC3339))
	}
	return nil
}

// Rows turns a validated message into notifications rows. dedup (may be
// nil) marks HA duplicates; if the rows then cannot be queued, call forget so
// that Alertmanager's retry of this delivery still counts.
func Rows(msg *amwebhook.Message, source string, receivedAt time.Time, dedup *Dedup) (rows []store.Notification, forget func()) {
	rows = make([]store.Notification, len(msg.Alerts))
	keys := make([]dedupKey, len(msg.Alerts))
	for i, a := range msg.Alerts {
		rows[i] = store.Notification{
			ReceivedAt: store.T(receivedAt), Source: source, Receiver: msg.Receiver, GroupKey: msg.GroupKey,
			GroupLabels: nonNil(msg.GroupLabels), NotificationReason: msg.NotificationReason, RouteLabels: nonNil(msg.RouteLabels),
			Status: a.Status, Fingerprint: a.Fingerprint, Alertname: a.Labels["alertname"], Severity: a.Labels["severity"],
			Labels: nonNil(a.Labels), Annotations: nonNil(a.Annotations), StartsAt: store.T(a.StartsAt), EndsAt: store.TP(a.EndsAt),
			GeneratorURL: a.GeneratorURL, ExternalURL: msg.ExternalURL, TruncatedAlerts: uint32(msg.TruncatedAlerts),
		}
		keys[i] = dedupKey{source: source, receiver: msg.Receiver, groupKey: msg.GroupKey, fingerprint: a.Fingerprint, status: a.Status, startsAt: a.StartsAt.UnixMilli()}
	}
	if dedup == nil {
		return rows, func() {}
	}
	dups, added := dedup.mark(keys, receivedAt)
	for i, d := range dups {
		if d {
			rows[i].HADuplicate = 1
		}
	}
	return rows, func() { dedup.forget(added) }
}

func nonNil(kv template.KV) map[string]string {
	if kv == nil {
		return map[string]string{}
	}
	return kv
}

type dedupKey struct {
	source, receiver, groupKey, fingerprint, status string
	startsAt                                        int64
}

// Dedup recognises deliveries of the same (receiver, groupKey, fingerprint,
// status, startsAt) by several peers of one HA cluster within a window: the
// first counts, the others are stored marked ha_duplicate = 1.
type Dedup struct {
	window time.Duration
	mu     sync.Mutex
	seen   map[dedupKey]time.Time // key -> time of the delivery that counted
	sweep  time.Time
}

// NewDedup makes a deduplicator; window 0 disables it.
func NewDedup(window time.Duration) *Dedup {
	return &Dedup{window: window, seen: map[dedupKey]time.Time{}}
}

func (d *Dedup) mark(keys []dedupKey, at time.Time) (dups []bool, added []dedupKey) {
	dups = make([]bool, len(keys))
	if d.window <= 0 {
		return dups, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if at.Sub(d.sweep) > d.window {
		for k, t := range d.seen {
			if at.Sub(t) >= d.window {
				delete(d.seen, k)
			}
		}
		d.sweep = at
	}
	for i, k := range keys {
		if t, ok := d.seen[k]; ok && at.Sub(t) < d.window && !at.Before(t) {
			dups[i] = true
			continue
		}
		d.seen[k] = at
		added = append(added, k)
	}
	return dups, added
}

func (d *Dedup) forget(keys []dedupKey) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, k := range keys {
		delete(d.seen, k)
	}
}
