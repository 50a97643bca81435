package models

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTimeUnmarshal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC 3339 in UTC, or "error"
	}{
		// the store's layout, taken as UTC
		{`"2026-11-22 10:05:00.250"`, "2026-11-22T10:05:00.25Z"},
		// the store's layout out of range: as time.Parse decides (2024 is a
		// leap year, 2026 is not; April has 30 days; no hour 24, minute or
		// second 60, month or day 0)
		{`"2024-02-29 23:59:59.999"`, "2024-02-29T23:59:59.999Z"},
		{`"2026-02-29 10:05:00.000"`, "error"},
		{`"2026-04-31 10:05:00.000"`, "error"},
		{`"2026-11-22 24:00:00.000"`, "error"},
		{`"2026-11-22 10:05:60.000"`, "error"},
		{`"2026-11-22 10:60:00.000"`, "error"},
		{`"2026-00-22 10:05:00.000"`, "error"},
		{`"2026-11-00 10:05:00.000"`, "error"},
		{`"0000-01-01 00:00:00.000"`, "0000-01-01T00:00:00Z"},
		// RFC 3339, with and without fractions, any offset
		{`"2026-11-22T10:05:00Z"`, "2026-11-22T10:05:00Z"},
		{`"2026-11-22T11:05:00.5+01:00"`, "2026-11-22T10:05:00.5Z"},
		// an escaped character is still the same string ("\u0032" is "2")
		{`"\u00326-11-22 10:05:00.000"`, "error"},
		{`"\u0032026-11-22 10:05:00.000"`, "2026-11-22T10:05:00Z"},
		{`"2026-11-22\u002010:05:00.000"`, "2026-11-22T10:05:00Z"},
		// not a time
		{`""`, "error"},
		{`"yesterday"`, "error"},
		{`"2026-11-22"`, "error"},
		{`null`, "error"},
		{`1732270000`, "error"},
		{`"2026-11-22 10:05:00.000`, "error"},
		{`"`, "error"},
		// bytes a JSON string cannot hold unescaped: a quote, a tab
		{`"2026-11-22 10:05:00".000"`, "error"},
		{"\"2026-11-22\t10:05:00.000\"", "error"},
	} {
		var got Time
		err := got.UnmarshalJSON([]byte(tc.in))
		switch {
		case tc.want == "error" && err == nil:
			t.Errorf("%s: got %s, want an error", tc.in, got.UTC().Format(time.RFC3339Nano))
		case tc.want != "error" && err != nil:
			t.Errorf("%s: %v", tc.in, err)
		case tc.want != "error" && got.UTC().Format(time.RFC3339Nano) != tc.want:
			t.Errorf("%s: got %s, want %s", tc.in, got.UTC().Format(time.RFC3339Nano), tc.want)
		}
	}
}

func TestTimeMarshal(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 22, 10, 5, 0, 0, time.UTC), `"2026-11-22T10:05:00Z"`},
		{time.Date(2026, 11, 22, 11, 5, 0, 250e6, time.FixedZone("", 3600)), `"2026-11-22T10:05:00.25Z"`},
		{time.Time{}, `"0001-01-01T00:00:00Z"`},
	} {
		got, err := json.Marshal(Time{tc.in})
		if err != nil || string(got) != tc.want {
			t.Errorf("%v: got %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

// The fast paths give what the round trip through a JSON string gives: the
// same time or an error, for any input.
func FuzzTimeJSON(f *testing.F) {
	for _, s := range []string{`"2026-11-22 10:05:00.250"`, `"2026-11-22T11:05:00.5+01:00"`, `"\u0032026-11-22 10:05:00.000"`, `null`, `"`, `"a\"b"`, `"2026-11-22 10:05:00".000"`, "\"2026-11-22\t10:05:00.000\"", `"2026-02-29 10:05:00.000"`, `"2026-11-22 24:00:00.000"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var got Time
		err := got.UnmarshalJSON([]byte(in))
		want, wantErr := viaString(in)
		if (err != nil) != (wantErr != nil) || err == nil && !got.Equal(want) {
			t.Fatalf("%q: got %v, %v; want %v, %v", in, got.Time, err, want, wantErr)
		}
		if err != nil {
			return
		}
		b, err := json.Marshal(got)
		wantB, _ := json.Marshal(got.UTC().Format(time.RFC3339Nano))
		if err != nil || string(b) != string(wantB) {
			t.Fatalf("%v: marshalled %s, %v; want %s", got.Time, b, err, wantB)
		}
	})
}

// viaString is what UnmarshalJSON did before its fast path.
func viaString(in string) (time.Time, error) {
	var s string
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		return time.Time{}, err
	}
	if v, err := time.ParseInLocation(storeLayout, s, time.UTC); err == nil {
		return v, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// An alerts answer as the episodes statement returns it (one row a line)
// and as the API writes it: 100,000 episodes of 2,000 alerts.
func BenchmarkEpisodesJSON(b *testing.B) {
	var in strings.Builder
	start := time.Date(2026, 8, 24, 0, 0, 0, 0, time.UTC)
	for i := range 100_000 {
		s := start.Add(time.Duration(i) * time.Minute)
		fmt.Fprintf(&in, `{"source":"prod","fingerprint":"%016x","starts_at":"%s","ends_at":"%s","notifications":%d,"silenced_seconds":0,"inhibited_seconds":12.5}`+"\n",
			i%2000, s.Format(storeLayout), s.Add(7*time.Minute).Format(storeLayout), i%7)
	}
	rows := []byte(in.String())
	labels := map[string]string{"alertname": "KubePodCrashLooping", "namespace": "team-3", "pod": "api-7d9f8b6c5d-x2k4q", "severity": "warning"}
	b.Run("decode", func(b *testing.B) {
		for range b.N {
			dec := json.NewDecoder(strings.NewReader(string(rows)))
			for dec.More() {
				var e Episode
				if err := dec.Decode(&e); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	var eps []Episode
	dec := json.NewDecoder(strings.NewReader(string(rows)))
	for dec.More() {
		var e Episode
		if err := dec.Decode(&e); err != nil {
			b.Fatal(err)
		}
		e.Alertname, e.Labels = labels["alertname"], labels
		eps = append(eps, e)
	}
	b.Run("encode", func(b *testing.B) {
		for range b.N {
			if _, err := json.Marshal(Alerts{Episodes: eps}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
