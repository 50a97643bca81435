package recording

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-openapi/strfmt"
	"github.com/prometheus/alertmanager/api/v2/models"
)

func valid(s string) bool { return s != "" && !strings.ContainsAny(s, " /") }

func TestParse(t *testing.T) {
	good := strings.Join([]string{
		`{"kind":"webhook","at":"2026-11-02T10:00:03Z","source":"prod","payload":{"version":"4"}}`,
		``,
		`{"kind":"poll","at":"2026-11-02T10:00:15Z","source":"prod","alerts":[{"fingerprint":"0123456789abcdef","startsAt":"2026-11-02T09:00:00Z","status":{"state":"active","silencedBy":[],"inhibitedBy":[]},"labels":{"alertname":"X"},"annotations":{},"endsAt":"2026-11-02T11:00:00Z","updatedAt":"2026-11-02T10:00:00Z","receivers":[]}]}`,
		`{"kind":"poll","at":"2026-11-02T10:00:30Z","source":"prod","alerts":[],"silences":[]}`,
		`{"kind":"poll_error","at":"2026-11-02T10:00:45Z","source":"prod","error":"context deadline exceeded"}`,
	}, "\n")
	lines, err := Parse(strings.NewReader(good), valid, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 || lines[0].Number != 1 || lines[1].Number != 3 || lines[3].Number != 5 {
		t.Fatalf("lines %+v", lines)
	}
	if !lines[1].HasAlerts || lines[1].HasSilences || !lines[2].HasSilences {
		t.Fatalf("presence flags: %+v %+v", lines[1], lines[2])
	}

	bad := []struct {
		name, text, want string
		line             int
	}{
		{"malformed", `{"kind":`, "malformed JSON", 1},
		{"unknown kind", `{"kind":"metric","at":"2026-11-02T10:00:00Z","source":"p"}`, `kind "metric"`, 1},
		{"no time", `{"kind":"poll_error","source":"p","error":"x"}`, `"at" is missing`, 1},
		{"year 9999", `{"kind":"poll_error","at":"9999-01-01T00:00:00Z","source":"p","error":"x"}`, "outside", 1},
		{"bad source", `{"kind":"poll_error","at":"2026-11-02T10:00:00Z","source":"a b","error":"x"}`, "source", 1},
		{"webhook without payload", `{"kind":"webhook","at":"2026-11-02T10:00:00Z","source":"p"}`, "payload", 1},
		{"poll without alerts", `{"kind":"poll","at":"2026-11-02T10:00:00Z","source":"p"}`, `without "alerts"`, 1},
		{"alert without fingerprint", `{"kind":"poll","at":"2026-11-02T10:00:00Z","source":"p","alerts":[{"startsAt":"2026-11-02T10:00:00Z","status":{"state":"active"},"labels":{"a":"b"}}]}`, "fingerprint", 1},
		{"silence without id", `{"kind":"poll","at":"2026-11-02T10:00:00Z","source":"p","alerts":[],"silences":[{"status":{"state":"active"}}]}`, "id is missing", 1},
		{"error without text", `{"kind":"poll_error","at":"2026-11-02T10:00:00Z","source":"p"}`, `without "error"`, 1},
		{"two values", `{"kind":"poll_error","at":"2026-11-02T10:00:00Z","source":"p","error":"x"} {}`, "more than one", 1},
		{"second line bad", strings.Split(good, "\n")[0] + "\n{", "malformed", 2},
		{"line too long", `{"kind":"poll_error","at":"2026-11-02T10:00:00Z","source":"p","error":"` + strings.Repeat("x", 2000) + `"}`, "longer than", 1},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			lines, err := Parse(strings.NewReader(c.text), valid, 1000)
			var le *LineError
			if !errors.As(err, &le) || le.Line != c.line || !strings.Contains(err.Error(), c.want) || lines != nil {
				t.Fatalf("Parse = %d lines, %v; want a LineError on line %d mentioning %q", len(lines), err, c.line, c.want)
			}
		})
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	start := strfmt.DateTime(at)
	fp, state := "0123456789abcdef", "active"
	in := []Line{
		{Kind: KindPoll, At: at, Source: "prod", Alerts: nil},
		{Kind: KindPoll, At: at, Source: "prod", Alerts: []*models.GettableAlert{{Fingerprint: &fp, StartsAt: &start,
			Status: &models.AlertStatus{State: &state}, Alert: models.Alert{Labels: models.LabelSet{"a": "b"}}}}},
		{Kind: KindPollError, At: at, Source: "prod", Error: "boom"},
		{Kind: KindPoll, At: at, Source: "prod", Silences: []*models.GettableSilence{}},
	}
	var buf bytes.Buffer
	for _, l := range in {
		b, err := Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
	}
	if !strings.Contains(buf.String(), `"at":"2026-11-02T09:00:00Z"`) {
		t.Fatalf("times not written in UTC: %s", buf.String())
	}
	out, err := Parse(&buf, valid, 1<<20)
	if err != nil {
		t.Fatalf("re-parsing what Marshal wrote: %v\n%s", err, buf.String())
	}
	if len(out) != 4 || len(out[0].Alerts) != 0 || !out[0].HasAlerts || out[0].HasSilences || *out[1].Alerts[0].Fingerprint != fp ||
		out[2].Error != "boom" || !out[3].HasSilences || len(out[3].Silences) != 0 {
		t.Fatalf("round trip: %+v", out)
	}
}

// FuzzParseLine: no input panics; accepted lines re-encode and re-parse.
func FuzzParseLine(f *testing.F) {
	f.Add([]byte(`{"kind":"poll","at":"2026-11-02T10:00:15Z","source":"prod","alerts":[]}`))
	f.Add([]byte(`{"kind":"webhook","at":"2026-11-02T10:00:03Z","source":"prod","payload":{}}`))
	f.Add([]byte(`{"kind":"poll_error","at":"2026-11-02T10:00:30Z","source":"prod","error":"x"}`))
	f.Add([]byte(`{"kind":"poll","at":"2026-11-02T10:00:15Z","source":"prod","alerts":[{"fingerprint":"x","startsAt":"2026-11-02T10:00:15Z","status":{"state":"active"},"labels":{"a":"b"}}],"silences":[null]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		l, err := ParseLine(raw, valid)
		if err != nil {
			return
		}
		b, err := Marshal(l)
		if err != nil {
			t.Fatalf("accepted line does not re-encode: %v", err)
		}
		if _, err := ParseLine(b, valid); err != nil {
			t.Fatalf("re-encoded line %s does not parse: %v", b, err)
		}
	})
}
