package importer_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const hook = `{"kind":"webhook","at":"2026-11-02T10:00:03Z","source":"prod","payload":{"version":"4","receiver":"r","status":"firing","groupKey":"g","alerts":[{"status":"firing","labels":{"alertname":"X"},"startsAt":"2026-11-02T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"0123456789abcdef"}]}}`
const poll = `{"kind":"poll","at":"2026-11-02T10:00:15Z","source":"prod","alerts":[{"fingerprint":"0123456789abcdef","startsAt":"2026-11-02T10:00:00Z","endsAt":"2026-11-02T11:00:00Z","updatedAt":"2026-11-02T10:00:00Z","status":{"state":"active","silencedBy":[],"inhibitedBy":[]},"labels":{"alertname":"X"},"annotations":{},"receivers":[{"name":"r"}]}],"silences":[]}`
const pollEmpty = `{"kind":"poll","at":"2026-11-02T10:00:30Z","source":"prod","alerts":[],"silences":[]}`
const pollErr = `{"kind":"poll_error","at":"2026-11-02T10:00:45Z","source":"prod","error":"context deadline exceeded"}`

func TestImportHostileRecordings(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.API.MaxImportBytes = 1 << 20
	svc := apptest.Start(t, cfg)
	cases := []struct {
		name, body string
		code       int
		errHas     string
	}{
		{"malformed line", hook + "\n{\"kind\":", 400, "line 2: malformed JSON"},
		{"bad payload inside a webhook line", hook + "\n" + strings.Replace(hook, `"version":"4"`, `"version":"3"`, 1), 400, `line 2: payload: version "3"`},
		{"bad fingerprint in payload", strings.Replace(hook, "0123456789abcdef", "XYZ", 1), 400, "line 1: payload: alerts[0].fingerprint"},
		{"unknown kind", `{"kind":"metrics","at":"2026-11-02T10:00:03Z","source":"prod"}`, 400, `line 1: kind "metrics"`},
		{"hostile source", strings.Replace(pollErr, `"prod"`, `"prod'; DROP TABLE polls; --"`, 1), 400, "line 1: source"},
		{"time in year 0", strings.Replace(pollErr, "2026-11-02T10:00:45Z", "0000-01-01T00:00:00Z", 1), 400, `line 1: "at"`},
		{"poll without alerts", `{"kind":"poll","at":"2026-11-02T10:00:15Z","source":"prod"}`, 400, `line 1: poll line without "alerts"`},
		{"alert without state", strings.Replace(poll, `"state":"active",`, "", 1), 400, "line 1: alerts[0]: status.state"},
		{"invalid UTF-8 in a payload", strings.Replace(hook, `"alertname":"X"`, "\"alertname\":\"X\xff\"", 1), 400, "line 1"},
		{"NUL line", "\x00\x00\x00", 400, "line 1"},
		{"over the size limit", strings.Repeat(pollErr+"\n", 20000), 413, "api.max_import_bytes"},
		// Poll lines are checked like webhook alerts (the values a earlier
		// version stored without a word):
		{"polled fingerprint not hex", strings.Replace(poll, `"0123456789abcdef"`, `"NOT-A-FINGERPRINT!"`, 1), 400, "line 1: alerts[0].fingerprint"},
		{"polled startsAt in year 1", strings.Replace(poll, `"startsAt":"2026-11-02T10:00:00Z"`, `"startsAt":"0001-01-01T00:00:01Z"`, 1), 400, "line 1: alerts[0].startsAt"},
		{"polled startsAt in year 9999", strings.Replace(poll, `"startsAt":"2026-11-02T10:00:00Z"`, `"startsAt":"9999-01-01T00:00:00Z"`, 1), 400, "line 1: alerts[0].startsAt"},
		{"polled label value of 20 KB", strings.Replace(poll, `"alertname":"X"`, `"alertname":"`+strings.Repeat("x", 20000)+`"`, 1), 400, "webhook.max_label_bytes"},
		{"polled alert with 302 labels", strings.Replace(poll, `"labels":{"alertname":"X"}`, `"labels":{`+manyLabels(302)+`}`, 1), 400, "webhook.max_labels"},
		{"polled label with an empty name", strings.Replace(poll, `"labels":{"alertname":"X"}`, `"labels":{"":"x"}`, 1), 400, "empty name"},
		{"polled endsAt before startsAt", strings.Replace(poll, `"endsAt":"2026-11-02T11:00:00Z"`, `"endsAt":"2026-11-02T09:00:00Z"`, 1), 400, "endsAt is before its startsAt"},
		{"webhook endsAt before startsAt", strings.Replace(strings.Replace(hook, `"status":"firing","labels"`, `"status":"resolved","labels"`, 1), `"endsAt":"0001-01-01T00:00:00Z"`, `"endsAt":"2026-11-02T09:00:00Z"`, 1), 400, "before its startsAt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := svc.Post(t, "/api/v1/import", "application/x-ndjson", []byte(c.body))
			var e struct{ Error string }
			_ = json.Unmarshal(body, &e)
			if code != c.code || !strings.Contains(e.Error, c.errHas) {
				t.Fatalf("got %d %s, want %d with an error containing %q", code, body, c.code, c.errHas)
			}
		})
	}
	// A good recording imports; none of the rejected ones left anything.
	code, body := svc.Post(t, "/api/v1/import", "application/x-ndjson", []byte(strings.Join([]string{poll, hook, pollEmpty, pollErr, ""}, "\n")))
	if code != 200 {
		t.Fatalf("good import: %d %s", code, body)
	}
	var res struct{ Lines, Rows int }
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	// 4 lines; rows: 1 notification, appeared + resolved states, 3 poll rows.
	if res.Lines != 4 || res.Rows != 6 {
		t.Fatalf("answer %s, want 4 lines and 6 rows", body)
	}
	svc.WaitCount(t, store.TablePolls, "", 3)
	for table, want := range map[string]int{store.TableNotifications: 1, store.TableAlertStates: 2, store.TablePolls: 3, store.TableSilences: 0} {
		if n := svc.Count(t, table, ""); n != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}
	// Poll lines are diffed in time order even when the file is not sorted:
	// the webhook line (10:00:03) is processed before the first poll (10:00:15).
	if n := svc.Count(t, store.TableAlertStates, "kind = 'resolved' AND observed_at = toDateTime64('2026-11-02 10:00:30', 3, 'UTC')"); n != 1 {
		t.Errorf("the alert should resolve at the 10:00:30 poll")
	}
	if n := svc.Count(t, store.TablePolls, "NOT ok AND error = 'context deadline exceeded'"); n != 1 {
		t.Errorf("the poll_error line should be a failed poll row")
	}
}

func TestImportRequiresAPIAuth(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.API.Auth.BearerToken = "tok"
	svc := apptest.Start(t, cfg)
	if code, _ := svc.Post(t, "/api/v1/import", "application/x-ndjson", []byte(pollErr)); code != 401 {
		t.Fatalf("import without token: %d, want 401", code)
	}
	if code, b := svc.Post(t, "/api/v1/import", "application/x-ndjson", []byte(pollErr), "Authorization", "Bearer tok"); code != 200 {
		t.Fatalf("import with token: %d %s", code, b)
	}
}

func manyLabels(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"l%03d":"v"`, i)
	}
	return strings.Join(parts, ",")
}

// An import the queue cannot take whole is refused whole: 503, nothing
// queued, nothing stored (before, 5,000 rows of a 100,000-line import had
// been queued when the 503 came, and a retry stored them twice).
func TestImportIsAllOrNothing(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Queue.MaxBytes = 64 << 10
	cfg.Queue.SegmentBytes = 16 << 10
	svc := apptest.Start(t, cfg)
	var lines []string
	for i := range 2000 { // about 300 KB of rows, over the 64 KiB budget
		lines = append(lines, strings.Replace(strings.Replace(hook, "0123456789abcdef", fmt.Sprintf("%016x", i), 1), "10:00:03Z", fmt.Sprintf("10:%02d:%02dZ", i/60%60, i%60), 1))
	}
	code, body := svc.Post(t, "/api/v1/import", "application/x-ndjson", []byte(strings.Join(lines, "\n")))
	if code != 503 || !strings.Contains(string(body), "disk budget") {
		t.Fatalf("%d %s, want 503 naming the disk budget", code, body)
	}
	if b := svc.Queue.Stats().Bytes; b != 0 {
		t.Fatalf("%d bytes queued by a refused import", b)
	}
	if n := svc.Count(t, "notifications", ""); n != 0 {
		t.Fatalf("%d notifications stored by a refused import", n)
	}
	// A smaller one fits, and is readable as soon as the import answers.
	code, body = svc.Post(t, "/api/v1/import", "application/x-ndjson", []byte(strings.Join(lines[:50], "\n")))
	if code != 200 || !strings.Contains(string(body), `"readable":true`) {
		t.Fatalf("%d %s", code, body)
	}
	if n := svc.Count(t, "notifications", ""); n != 50 {
		t.Fatalf("%d notifications readable right after the import answered, want 50", n)
	}
}

// The same recording imported twice is stored once; a different one is
// stored.
func TestImportTwiceStoresOnce(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	rec := []byte(strings.Join([]string{poll, hook, pollEmpty, pollErr, ""}, "\n"))
	for i, want := range []string{`"already_imported":false`, `"already_imported":true`} {
		code, body := svc.Post(t, "/api/v1/import", "application/x-ndjson", rec)
		if code != 200 || !strings.Contains(string(body), want) || !strings.Contains(string(body), `"lines":4`) {
			t.Fatalf("import %d: %d %s, want 200 with %s", i+1, code, body, want)
		}
	}
	if n := svc.Count(t, "notifications", ""); n != 1 {
		t.Fatalf("%d notifications after importing one recording twice", n)
	}
	other := strings.Replace(hook, "0123456789abcdef", "00000000000000ff", 1)
	if code, body := svc.Post(t, "/api/v1/import", "application/x-ndjson", []byte(other)); code != 200 || !strings.Contains(string(body), `"already_imported":false`) {
		t.Fatalf("another recording: %d %s", code, body)
	}
	if n := svc.Count(t, "notifications", ""); n != 2 {
		t.Fatalf("%d notifications after a second, different recording", n)
	}
}
