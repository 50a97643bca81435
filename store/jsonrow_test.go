package store_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/alertlens/alertlens/store"
)

// referenceRows is what EncodeRows wrote before the row types wrote
// themselves: encoding/json with HTML escaping off, a line a row.
func referenceRows[T any](t testing.TB, rows []T) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range rows {
		if err := enc.Encode(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func sameAsEncodingJSON[T any](t testing.TB, rows []T) {
	t.Helper()
	got, err := store.EncodeRows(nil, rows)
	if err != nil {
		t.Fatal(err)
	}
	if want := referenceRows(t, rows); !bytes.Equal(got, want) {
		t.Fatalf("rows differ from encoding/json's\n got %s\nwant %s", got, want)
	}
}

// rowsOf puts s in every string, map key and value, and list of each row
// type the intake writes, and empty and absent values beside them.
func rowsOf(s, k string, at time.Time) ([]store.Notification, []store.AlertState, []store.Event) {
	tm := store.T(at)
	m := map[string]string{k: s, "alertname": s, s: "x", "": ""}
	ns := []store.Notification{
		{ReceivedAt: tm, Source: s, Receiver: s, GroupKey: s, GroupLabels: m, NotificationReason: s, RouteLabels: map[string]string{},
			Status: s, Fingerprint: s, Alertname: s, Severity: s, Labels: m, Annotations: map[string]string{"description": s},
			StartsAt: tm, EndsAt: &tm, GeneratorURL: s, ExternalURL: s, TruncatedAlerts: 4294967295, HADuplicate: 1},
		{}, // every map nil, every time zero
	}
	as := []store.AlertState{
		{ObservedAt: tm, Source: s, Fingerprint: s, Kind: s, State: s, Alertname: s, Severity: s, Labels: m, Annotations: m,
			SilencedBy: []string{s, k}, InhibitedBy: []string{}, MutedBy: []string{s}, Receivers: nil, StartsAt: tm, EndsAt: nil, UpdatedAt: &tm, GeneratorURL: s},
		{},
	}
	es := []store.Event{
		{At: tm, ReceivedAt: tm, Source: s, Instance: s, Kind: s, Fingerprint: s, Alertname: s, Labels: m, Status: s, StartsAt: &tm, EndsAt: nil,
			Receiver: s, GroupKey: s, Integration: s, Reason: s, SilenceID: s, SilenceMatchers: []string{s}, CreatedBy: s, Comment: s,
			RuleNames: []string{}, RuleSourceMatchers: []string{s, s}, RuleTargetMatchers: nil, RuleEqual: []string{k}, Inhibiting: []string{s}, Version: s},
		{},
	}
	return ns, as, es
}

func TestEncodeRowsIsEncodingJSON(t *testing.T) {
	at := time.Date(2026, 11, 30, 23, 59, 59, 999_999_999, time.FixedZone("x", 3600))
	for name, s := range map[string]string{
		"plain":          "NodeDown",
		"empty":          "",
		"quotes":         `say "hi" \ there /`,
		"control":        "a\x00b\x01\x1f\b\f\n\r\t\x7f",
		"html":           "<b>&amp;</b>",
		"unicode":        "Größe 日本 🚨",
		"invalid utf-8":  "a\xffb\xc3(\xe2\x82",
		"separators":     "a\u2028b\u2029c",
		"replacement":    "\ufffd",
		"long-annotated": string(bytes.Repeat([]byte("disk /var is 93% full on node-7; "), 40)),
	} {
		t.Run(name, func(t *testing.T) {
			ns, as, es := rowsOf(s, "k"+s, at)
			sameAsEncodingJSON(t, ns)
			sameAsEncodingJSON(t, as)
			sameAsEncodingJSON(t, es)
		})
	}
}

// Keys that sort differently by bytes than by any other order the encoder
// could have picked (upper before lower case, a prefix before its
// extension, multi-byte after ASCII).
func TestEncodeRowsSortsMapKeysByBytes(t *testing.T) {
	labels := map[string]string{"b": "1", "B": "2", "a": "3", "ab": "4", "ä": "5", "_": "6", "Z": "7", "a\x00": "8"}
	rows := []store.Notification{{Labels: labels}}
	got, err := store.EncodeRows(nil, rows)
	if err != nil {
		t.Fatal(err)
	}
	// Sorted by bytes: "B" 0x42, "Z" 0x5a, "_" 0x5f, "a" 0x61, "a\x00", "ab", "b" 0x62, "ä" 0xc3 0xa4.
	want := `"labels":{"B":"2","Z":"7","_":"6","a":"3","a\u0000":"8","ab":"4","b":"1","ä":"5"}`
	if !bytes.Contains(got, []byte(want)) {
		t.Fatalf("labels not in byte order:\n%s\nwant within it %s", got, want)
	}
	sameAsEncodingJSON(t, rows)

	many := map[string]string{} // more keys than the encoder keeps on its stack
	for i := range 40 {
		many[string(rune('A'+i))] = "v"
	}
	sameAsEncodingJSON(t, []store.Notification{{Labels: many, Annotations: many}})
}

func FuzzEncodeRowsIsEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "NodeDown", "a\"b\\c", "\x00\x1f\x7f", "\xff\xfe", "\u2028", "日本", "<&>"} {
		f.Add(s, "team", int64(1764547200123))
	}
	f.Fuzz(func(t *testing.T, s, k string, ms int64) {
		at := time.UnixMilli(ms % (1 << 40)) // within what DateTime64(3) stores
		ns, as, es := rowsOf(s, k, at)
		sameAsEncodingJSON(t, ns)
		sameAsEncodingJSON(t, as)
		sameAsEncodingJSON(t, es)
	})
}
