package events_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// Real event shapes, as Alertmanager 0.34's recorder writes them (protojson
// of its generated types): fingerprints and hashes are decimal strings.
const (
	inhibited = `{"@timestamp":"2026-11-02T10:00:01.250Z","instance":"am1","data":{"inhibitionMutedAlert":{"inhibitRules":[{"sourceMatchers":[{"type":"TYPE_EQUAL","name":"severity","pattern":"critical","rendered":"severity=\"critical\""}],"targetMatchers":[{"type":"TYPE_EQUAL","name":"severity","pattern":"warning","rendered":"severity=\"warning\""}],"equalLabels":["instance"],"name":"crit-mutes-warn"}],"mutedAlert":{"labels":{"labels":[{"key":"alertname","value":"W"},{"key":"instance","value":"db-1"}]},"fingerprint":"12345678901234567890"},"inhibitingFingerprints":["42"]}}}`
	notified  = `{"@timestamp":"2026-11-02T10:00:30Z","instance":"am1","data":{"notification":{"alerts":[{"hash":"7","details":{"fingerprint":"1","name":"A","labels":{"labels":[{"key":"alertname","value":"A"}]},"startsAt":"2026-11-02T10:00:00Z","endsAt":"2026-11-02T10:05:00Z"}},{"hash":"8","details":{"fingerprint":"2","name":"B","startsAt":"2026-11-02T09:00:00Z","endsAt":"2026-11-02T10:00:20Z","resolved":true}}],"groupInfo":{"groupKey":"{}:{}","receiverName":"team"},"reason":"NOTIFY_REASON_FIRST_NOTIFICATION","integration":{"name":"webhook"}}}}`
	startup   = `{"@timestamp":"2026-11-02T09:59:00Z","instance":"am1","data":{"alertmanagerStartupEvent":{"version":"0.34.2"}}}`
)

// TestIntakeStoresRows checks the rows against values read off the bodies
// above by hand: the inhibition is one row for the muted alert, the
// notification one row per alert in it (firing and resolved), the start
// one row with no fingerprint; decimal 12345678901234567890 is hex
// ab54a98ceb1f0ad2, decimal 42 is 000000000000002a.
func TestIntakeStoresRows(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	for _, c := range []struct{ path, body, want string }{
		{"/events/prod", inhibited, `{"source":"prod","events":1}`},
		{"/events/prod", "[" + notified + "," + startup + "]", `{"source":"prod","events":2}`},
		{"/events", startup, `{"source":"default","events":1}`},
	} {
		code, b := svc.Post(t, c.path, "application/json", []byte(c.body))
		if code != 200 || strings.TrimSpace(string(b)) != c.want {
			t.Fatalf("POST %s: %d %s, want 200 %s", c.path, code, b, c.want)
		}
	}
	svc.WaitDrained(t)
	rows := svc.Rows(t, `SELECT kind, fingerprint, alertname, status, receiver, integration, reason, rule_names, rule_source_matchers,
		rule_equal, inhibiting, version, source FROM {{db}}.events ORDER BY at, fingerprint, source`, nil)
	got := make([]string, len(rows))
	for i, r := range rows {
		got[i] = fmt.Sprint(r["kind"], " ", r["fingerprint"], " ", r["alertname"], " ", r["status"], " ", r["receiver"], " ", r["integration"], " ",
			r["reason"], " ", r["rule_names"], " ", r["rule_source_matchers"], " ", r["rule_equal"], " ", r["inhibiting"], " ", r["version"], " ", r["source"])
	}
	want := []string{
		// six empty fields (fingerprint … reason), each after one space,
		// then the space before the first list: seven spaces.
		"alertmanager_startup       [] [] [] [] 0.34.2 default",
		"alertmanager_startup       [] [] [] [] 0.34.2 prod",
		`inhibition_muted_alert ab54a98ceb1f0ad2 W     [crit-mutes-warn] [{severity="critical"}] [instance] [000000000000002a]  prod`,
		"notification 0000000000000001 A firing team webhook first_notification [] [] [] []  prod",
		"notification 0000000000000002 B resolved team webhook first_notification [] [] [] []  prod",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestHostileBodies: every bad body is a 400 naming the problem, nothing of
// it is stored, and the service keeps answering.
func TestHostileBodies(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Webhook.MaxAlerts = 10
	cfg.Webhook.MaxBodyBytes = 64 << 10
	cfg.Webhook.MaxLabels = 5
	svc := apptest.Start(t, cfg)
	many := "[" + strings.TrimSuffix(strings.Repeat(startup+",", 11), ",") + "]"
	labels := `{"@timestamp":"2026-11-02T10:00:00Z","data":{"alertCreated":{"alert":{"fingerprint":"1","labels":{"labels":[` +
		strings.TrimSuffix(strings.Repeat(`{"key":"k","value":"v"},`, 6), ",") + `]}}}}}`
	cases := []struct {
		name, path, ctype, body string
		code                    int
		errHas                  string
	}{
		{"empty", "/events/prod", "application/json", "", 400, "body is empty"},
		{"not JSON", "/events/prod", "application/json", "hello", 400, "neither an event object nor an array"},
		{"truncated", "/events/prod", "application/json", inhibited[:60], 400, "not an event recorder event"},
		{"empty array", "/events/prod", "application/json", "[]", 400, "holds no event"},
		{"array of numbers", "/events/prod", "application/json", "[1,2]", 400, "event 0"},
		{"unknown event kind", "/events/prod", "application/json", `{"@timestamp":"2026-11-02T10:00:00Z","data":{"alertExploded":{}}}`, 400, "alertExploded"},
		{"unknown top-level field", "/events/prod", "application/json", `{"@timestamp":"2026-11-02T10:00:00Z","bogus":1,"data":{"alertmanagerShutdownEvent":{}}}`, 400, "bogus"},
		{"no data", "/events/prod", "application/json", `{"@timestamp":"2026-11-02T10:00:00Z"}`, 400, "names no event type"},
		{"missing timestamp", "/events/prod", "application/json", `{"data":{"alertmanagerShutdownEvent":{}}}`, 400, "@timestamp is missing"},
		{"timestamp wrong type", "/events/prod", "application/json", `{"@timestamp":12,"data":{"alertmanagerShutdownEvent":{}}}`, 400, "unexpected token 12"},
		{"timestamp year 9999", "/events/prod", "application/json", `{"@timestamp":"9999-01-01T00:00:00Z","data":{"alertmanagerShutdownEvent":{}}}`, 400, "outside 1900..2299"},
		{"fingerprint not a number", "/events/prod", "application/json", strings.Replace(inhibited, `"12345678901234567890"`, `"abc"`, 1), 400, "fingerprint"},
		{"fingerprint negative", "/events/prod", "application/json", strings.Replace(inhibited, `"12345678901234567890"`, `"-5"`, 1), 400, "fingerprint"},
		{"fingerprint missing", "/events/prod", "application/json", strings.Replace(inhibited, `,"fingerprint":"12345678901234567890"`, ``, 1), 400, "mutedAlert.fingerprint is missing"},
		{"notification without details", "/events/prod", "application/json", `{"@timestamp":"2026-11-02T10:00:00Z","data":{"notification":{"alerts":[{"hash":"7"}]}}}`, 400, "details is missing"},
		{"invalid UTF-8", "/events/prod", "application/json", "{\"@timestamp\":\"2026-11-02T10:00:00Z\",\"instance\":\"\xff\",\"data\":{\"alertmanagerShutdownEvent\":{}}}", 400, "UTF-8"},
		{"too many events", "/events/prod", "application/json", many, 400, "11 events exceed the limit of 10"},
		{"too many labels", "/events/prod", "application/json", labels, 400, "webhook.max_labels"},
		{"empty label name", "/events/prod", "application/json", strings.Replace(inhibited, `"key":"alertname"`, `"key":""`, 1), 400, "empty name"},
		{"one bad event in a batch", "/events/prod", "application/json", "[" + startup + `,{"data":{}}` + "]", 400, "event 1"},
		{"huge body", "/events/prod", "application/json", "[" + strings.Repeat(" ", 70<<10) + "]", 413, "webhook.max_body_bytes"},
		{"wrong content type", "/events/prod", "text/plain", startup, 400, `content type \"text/plain\" is not application/json or application/x-ndjson`},
		{"bad source", "/events/no%20spaces", "application/json", startup, 400, "source"},
	}
	if len(cases) < 15 {
		t.Fatal("the issue asks for at least 15 hostile bodies")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, b := svc.Post(t, c.path, c.ctype, []byte(c.body))
			if code != c.code || !strings.Contains(string(b), c.errHas) {
				t.Fatalf("%d %s, want %d containing %q", code, b, c.code, c.errHas)
			}
		})
	}
	// The service still takes good bodies, and stored nothing of the bad.
	if code, b := svc.Post(t, "/events/prod", "application/json", []byte(startup)); code != http.StatusOK {
		t.Fatalf("good body after the bad ones: %d %s", code, b)
	}
	svc.WaitDrained(t)
	if n := svc.Count(t, store.TableEvents, ""); n != 1 {
		t.Fatalf("%d events rows stored, want only the good one", n)
	}
}

func TestAuthOnEvents(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Webhook.Auth.BearerToken = "s3cret"
	svc := apptest.Start(t, cfg)
	if code, _ := svc.Post(t, "/events/prod", "application/json", []byte(startup)); code != http.StatusUnauthorized {
		t.Fatalf("without a token: %d, want 401", code)
	}
	if code, b := svc.Post(t, "/events/prod", "application/json", []byte(startup), "Authorization", "Bearer s3cret"); code != 200 {
		t.Fatalf("with the token: %d %s", code, b)
	}
}

// serve --record writes each event as an event line; importing that
// recording into a fresh store gives exactly the rows the live intake
// stored (the line's at is the receive time, so received_at matches too).
func TestRecordedEventsReplayExactly(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Record = filepath.Join(t.TempDir(), "rec.ndjson")
	live := apptest.Start(t, cfg)
	for _, body := range []string{inhibited, "[" + notified + "," + startup + "]"} {
		if code, b := live.Post(t, "/events/prod", "application/json", []byte(body)); code != 200 {
			t.Fatalf("%d %s", code, b)
		}
	}
	live.WaitDrained(t)
	q := "SELECT * FROM {{db}}.events ORDER BY at, fingerprint"
	want := fmt.Sprint(live.Rows(t, q, nil))
	live.Stop(t) // closes the recording
	rec, err := os.ReadFile(cfg.Record)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(rec), `"kind":"event"`); n != 3 {
		t.Fatalf("%d event lines recorded, want 3:\n%s", n, rec)
	}
	fresh := apptest.Start(t, apptest.Config(t))
	if code, b := fresh.Post(t, "/api/v1/import", "application/x-ndjson", rec); code != 200 {
		t.Fatalf("import: %d %s", code, b)
	}
	fresh.WaitDrained(t)
	got := fmt.Sprint(fresh.Rows(t, q, nil))
	if got != want || len(got) < 100 {
		t.Fatalf("replayed rows differ:\n got %s\nwant %s", got, want)
	}
}
