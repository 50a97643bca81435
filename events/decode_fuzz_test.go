package events

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/webhook"
)

var hexFingerprint = regexp.MustCompile(`^[0-9a-f]{16}$`)

// FuzzDecode: any body either decodes into events whose rows all hold
// storable values, or gives an *webhook.InputError; it never panics.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"@timestamp":"2026-11-02T10:00:00Z","data":{"alertmanagerStartupEvent":{"version":"0.34.2"}}}`))
	f.Add([]byte(`[{"@timestamp":"2026-11-02T10:00:00Z","data":{"notification":{"alerts":[{"hash":"7","details":{"fingerprint":"1","name":"A"}}]}}}]`))
	f.Add([]byte(`{"@timestamp":"2026-11-02T10:00:00Z","data":{"inhibitionMutedAlert":{"mutedAlert":{"fingerprint":"18446744073709551615"},"inhibitingFingerprints":["1"]}}}`))
	f.Add([]byte(`{"@timestamp":"2026-11-02T10:00:00Z","data":{"silenceMutedAlert":{"silence":{"id":"s"},"mutedAlert":{"fingerprint":"3"}}}}`))
	f.Add([]byte(`{"data":{}}`))
	f.Add([]byte("\xff"))
	lim := webhook.Limits{MaxBodyBytes: 1 << 20, MaxAlerts: 50, MaxLabels: 20, MaxLabelBytes: 256}
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := Decode(body, lim)
		if err != nil {
			var ie *webhook.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *InputError: %v", err, err)
			}
			return
		}
		if len(evs) == 0 || len(evs) > lim.MaxAlerts {
			t.Fatalf("%d events", len(evs))
		}
		for _, ev := range evs {
			for _, r := range Rows(ev, "src", time.Now()) {
				if r.At.Before(store.MinTime) || r.At.After(store.MaxTime) || r.Kind == "" {
					t.Fatalf("unstorable row %+v", r)
				}
				if r.Fingerprint != "" && !hexFingerprint.MatchString(r.Fingerprint) {
					t.Fatalf("fingerprint %q is not 16 hex digits", r.Fingerprint)
				}
				for _, f := range r.Inhibiting {
					if !hexFingerprint.MatchString(f) {
						t.Fatalf("inhibiting fingerprint %q", f)
					}
				}
				if _, err := store.EncodeRows(nil, []store.Event{r}); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

func TestFingerprintIsAlertmanagersHexForm(t *testing.T) {
	for fp, want := range map[uint64]string{0: "0000000000000000", 42: "000000000000002a", 12345678901234567890: "ab54a98ceb1f0ad2", 1<<64 - 1: "ffffffffffffffff"} {
		if got := Fingerprint(fp); got != want {
			t.Errorf("Fingerprint(%d) = %s, want %s", fp, got, want)
		}
	}
}
