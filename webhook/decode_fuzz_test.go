package webhook

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/alertlens/alertlens/store"
)

// FuzzDecode: any body either decodes into a message whose rows all hold
// storable values, or gives an *InputError; it never panics.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"version":"4","receiver":"r","status":"firing","groupKey":"g","alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"2026-11-02T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"0123456789abcdef"}]}`))
	f.Add([]byte(`{"version":"4"}`))
	f.Add([]byte(`{"alerts":[{"labels":{"":""}}]}`))
	f.Add([]byte("\xff"))
	f.Add([]byte(`[]`))
	lim := Limits{MaxBodyBytes: 1 << 20, MaxAlerts: 50, MaxLabels: 20, MaxLabelBytes: 256}
	f.Fuzz(func(t *testing.T, body []byte) {
		msg, err := Decode(body, lim)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *InputError: %v", err, err)
			}
			return
		}
		if !utf8.Valid(body) {
			t.Fatal("accepted invalid UTF-8")
		}
		rows, _ := Rows(msg, "src", time.Now(), NewDedup(time.Minute))
		if len(rows) == 0 || len(rows) > lim.MaxAlerts {
			t.Fatalf("%d rows", len(rows))
		}
		for _, r := range rows {
			if r.StartsAt.Before(store.MinTime) || r.StartsAt.After(store.MaxTime) || len(r.Fingerprint) != 16 || len(r.Labels) == 0 {
				t.Fatalf("unstorable row %+v", r)
			}
		}
		if _, err := store.EncodeRows(nil, rows); err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(msg); err != nil {
			t.Fatal(err)
		}
	})
}
