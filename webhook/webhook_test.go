package webhook_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// payload returns a valid Alertmanager 0.25 webhook body with one alert,
// edited by mut (a JSON map of the payload and its first alert).
func payload(mut func(p, a map[string]any)) []byte {
	a := map[string]any{
		"status": "firing", "labels": map[string]any{"alertname": "DiskFull", "severity": "critical", "instance": "db-1"},
		"annotations": map[string]any{"summary": "disk full"}, "startsAt": "2026-11-02T10:00:00.123Z", "endsAt": "0001-01-01T00:00:00Z",
		"generatorURL": "http://prometheus:9090/graph?g0.expr=x", "fingerprint": "0a1b2c3d4e5f6a7b",
	}
	p := map[string]any{
		"receiver": "team-db", "status": "firing", "alerts": []any{a},
		"groupLabels": map[string]any{"alertname": "DiskFull"}, "commonLabels": map[string]any{}, "commonAnnotations": map[string]any{},
		"externalURL": "http://alertmanager:9093", "version": "4", "groupKey": `{}:{alertname="DiskFull"}`, "truncatedAlerts": 0,
	}
	if mut != nil {
		mut(p, a)
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}

func manyLabels(n int) map[string]any {
	m := map[string]any{"alertname": "Many"}
	for i := range n {
		m[fmt.Sprintf("l%05d", i)] = "v"
	}
	return m
}

func TestHostileInputs(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	cases := []struct {
		name   string
		ctype  string
		body   []byte
		code   int
		errHas string
	}{
		{"empty body", "application/json", nil, 400, "empty body"},
		{"truncated JSON", "application/json", payload(nil)[:40], 400, "truncated"},
		{"not JSON", "application/json", []byte("receiver=x&status=firing"), 400, "malformed JSON"},
		{"JSON array", "application/json", []byte(`[{"version":"4"}]`), 400, "malformed JSON"},
		{"JSON null", "application/json", []byte(`null`), 400, "no receiver"},
		{"JSON string", "application/json", []byte(`"hello"`), 400, "malformed JSON"},
		{"trailing garbage", "application/json", append(payload(nil), []byte(`{"x":1}`)...), 400, "after the payload"},
		{"version 3", "application/json", payload(func(p, _ map[string]any) { p["version"] = "3" }), 400, `version "3"`},
		{"version missing", "application/json", payload(func(p, _ map[string]any) { delete(p, "version") }), 400, `version ""`},
		{"version as number", "application/json", payload(func(p, _ map[string]any) { p["version"] = 4 }), 400, `"version"`},
		{"receiver missing", "application/json", payload(func(p, _ map[string]any) { delete(p, "receiver") }), 400, "receiver is missing"},
		{"groupKey missing", "application/json", payload(func(p, _ map[string]any) { delete(p, "groupKey") }), 400, "groupKey is missing"},
		{"bad status", "application/json", payload(func(p, _ map[string]any) { p["status"] = "burning" }), 400, `status "burning"`},
		{"no alerts", "application/json", payload(func(p, _ map[string]any) { p["alerts"] = []any{} }), 400, "alerts is empty"},
		{"alerts null", "application/json", payload(func(p, _ map[string]any) { p["alerts"] = nil }), 400, "alerts is empty"},
		{"alerts not a list", "application/json", payload(func(p, _ map[string]any) { p["alerts"] = "many" }), 400, `"alerts"`},
		{"alert status missing", "application/json", payload(func(_, a map[string]any) { delete(a, "status") }), 400, "alerts[0].status"},
		{"fingerprint missing", "application/json", payload(func(_, a map[string]any) { delete(a, "fingerprint") }), 400, "alerts[0].fingerprint is missing"},
		{"fingerprint upper case", "application/json", payload(func(_, a map[string]any) { a["fingerprint"] = "0A1B2C3D4E5F6A7B" }), 400, "16 lowercase hex"},
		{"fingerprint short", "application/json", payload(func(_, a map[string]any) { a["fingerprint"] = "abc" }), 400, "16 lowercase hex"},
		{"fingerprint SQL", "application/json", payload(func(_, a map[string]any) { a["fingerprint"] = "'; DROP TABLE x--" }), 400, "16 lowercase hex"},
		{"labels empty", "application/json", payload(func(_, a map[string]any) { a["labels"] = map[string]any{} }), 400, "labels is empty"},
		{"labels as list", "application/json", payload(func(_, a map[string]any) { a["labels"] = []any{"a", "b"} }), 400, "labels"},
		{"10,000 labels", "application/json", payload(func(_, a map[string]any) { a["labels"] = manyLabels(10000) }), 400, "over the limit of 256"},
		{"huge label value", "application/json", payload(func(_, a map[string]any) {
			a["labels"].(map[string]any)["big"] = strings.Repeat("x", 100_000)
		}), 400, "webhook.max_label_bytes"},
		{"huge annotation", "application/json", payload(func(_, a map[string]any) {
			a["annotations"].(map[string]any)["description"] = strings.Repeat("y", 20_000)
		}), 400, "webhook.max_label_bytes"},
		{"empty label name", "application/json", payload(func(_, a map[string]any) { a["labels"].(map[string]any)[""] = "v" }), 400, "empty name"},
		{"invalid UTF-8", "application/json", bytes.Replace(payload(nil), []byte("disk full"), []byte("disk \xff\xfe full"), 1), 400, "not valid UTF-8"},
		{"startsAt year 0", "application/json", payload(func(_, a map[string]any) { a["startsAt"] = "0000-01-01T00:00:00Z" }), 400, "startsAt"},
		{"startsAt year 9999", "application/json", payload(func(_, a map[string]any) { a["startsAt"] = "9999-12-31T23:59:59Z" }), 400, "outside the storable range"},
		{"endsAt year 9999", "application/json", payload(func(_, a map[string]any) { a["endsAt"] = "9999-12-31T23:59:59Z" }), 400, "alerts[0].endsAt"},
		{"startsAt missing", "application/json", payload(func(_, a map[string]any) { delete(a, "startsAt") }), 400, "startsAt is missing"},
		{"startsAt not a time", "application/json", payload(func(_, a map[string]any) { a["startsAt"] = "yesterday" }), 400, "malformed JSON"},
		{"too many alerts", "application/json", payload(func(p, a map[string]any) {
			var as []any
			for range 5001 {
				as = append(as, a)
			}
			p["alerts"] = as
		}), 400, "webhook.max_alerts"},
		{"deeply nested", "application/json", []byte(strings.Repeat(`{"a":[`, 20000) + strings.Repeat(`]}`, 20000)), 400, "malformed JSON"},
		{"text/plain", "text/plain", payload(nil), 400, "not application/json"},
		{"form content type", "application/x-www-form-urlencoded", payload(nil), 400, "not application/json"},
		{"body over 10 MiB", "application/json", bytes.Repeat([]byte(" "), 11<<20), 413, "webhook.max_body_bytes"},
		{"truncatedAlerts overflow", "application/json", payload(func(p, _ map[string]any) { p["truncatedAlerts"] = uint64(1) << 40 }), 400, "truncatedAlerts"},
	}
	if len(cases) < 30 {
		t.Fatalf("only %d hostile inputs", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := svc.Post(t, "/webhook/prod", c.ctype, c.body)
			if code != c.code {
				t.Fatalf("status %d, want %d; body %s", code, c.code, body)
			}
			var e struct{ Error string }
			if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
				t.Fatalf("body %q is not {\"error\": \"...\"}", body)
			}
			if !strings.Contains(e.Error, c.errHas) {
				t.Fatalf("error %q does not mention %q", e.Error, c.errHas)
			}
		})
	}
	// Faithfully stored, however odd.
	odd := []struct {
		name  string
		body  []byte
		check string // SQL condition that must hold for the stored row
	}{
		{"SQL in label values", payload(func(_, a map[string]any) {
			a["fingerprint"] = "1000000000000001"
			a["labels"].(map[string]any)["service"] = "x'); DROP TABLE notifications; --"
		}), `labels['service'] = 'x\'); DROP TABLE notifications; --'`},
		{"NUL byte", payload(func(_, a map[string]any) {
			a["fingerprint"] = "1000000000000002"
			a["labels"].(map[string]any)["nul"] = "a\u0000b"
		}), `labels['nul'] = 'a\0b'`},
		{"emoji and UTF-8 label names", payload(func(_, a map[string]any) {
			a["fingerprint"] = "1000000000000003"
			a["labels"].(map[string]any)["équipe 🚨"] = "Zürich"
		}), `labels['équipe 🚨'] = 'Zürich'`},
		{"256 labels, at the limit", payload(func(_, a map[string]any) {
			a["fingerprint"] = "1000000000000004"
			a["labels"] = manyLabels(255)
		}), `length(labels) = 256`},
		{"newer optional fields", payload(func(p, a map[string]any) {
			a["fingerprint"] = "1000000000000005"
			p["notification_reason"] = "new_alerts"
			p["routeLabels"] = map[string]any{"team": "db"}
			p["truncatedAlerts"] = 7
			p["someFutureField"] = map[string]any{"x": 1}
		}), `notification_reason = 'new_alerts' AND route_labels['team'] = 'db' AND truncated_alerts = 7`},
		{"resolved with endsAt", payload(func(p, a map[string]any) {
			a["fingerprint"] = "1000000000000006"
			p["status"], a["status"], a["endsAt"] = "resolved", "resolved", "2026-11-02T10:05:00.5Z"
		}), `status = 'resolved' AND ends_at = toDateTime64('2026-11-02 10:05:00.500', 3, 'UTC')`},
		{"no content type", payload(func(_, a map[string]any) { a["fingerprint"] = "1000000000000007" }), `1`},
	}
	for _, c := range odd {
		t.Run(c.name, func(t *testing.T) {
			ct := "application/json; charset=utf-8"
			if c.name == "no content type" {
				ct = ""
			}
			code, body := svc.Post(t, "/webhook/prod", ct, c.body)
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
		})
	}
	if got := svc.WaitCount(t, store.TableNotifications, "", len(odd)); got != len(odd) {
		t.Fatalf("%d notifications stored, want exactly the %d accepted ones (nothing of the rejected payloads)", got, len(odd))
	}
	for i, c := range odd {
		fp := fmt.Sprintf("100000000000000%d", i+1)
		if n := svc.Count(t, store.TableNotifications, fmt.Sprintf("fingerprint = '%s' AND (%s)", fp, c.check)); n != 1 {
			t.Errorf("%s: stored row does not satisfy %s", c.name, c.check)
		}
	}
	if n := svc.Count(t, store.TableNotifications, "source = 'prod' AND receiver = 'team-db' AND alertname = 'DiskFull' AND severity = 'critical' AND starts_at = toDateTime64('2026-11-02 10:00:00.123', 3, 'UTC') AND ends_at IS NULL AND generator_url = 'http://prometheus:9090/graph?g0.expr=x' AND external_url = 'http://alertmanager:9093' AND group_key = '{}:{alertname=\"DiskFull\"}' AND group_labels['alertname'] = 'DiskFull' AND annotations['summary'] = 'disk full'"); n < 4 {
		t.Errorf("only %d rows carry every field of the payload", n)
	}
	if code, _ := svc.Get(t, "/-/healthy"); code != 200 {
		t.Fatalf("service unhealthy after hostile inputs: %d", code)
	}
	if code, _ := svc.Get(t, "/-/ready"); code != 200 {
		t.Fatalf("service not ready after hostile inputs: %d", code)
	}
}

func TestSourceFromPath(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	for _, c := range []struct {
		path, source string
		code         int
	}{
		{"/webhook", config.DefaultSource, 200},
		{"/webhook/eu-west.prod_1", "eu-west.prod_1", 200},
		{"/webhook/" + strings.Repeat("x", 65), "", 400},
		{"/webhook/a%20b", "", 400},
	} {
		code, body := svc.Post(t, c.path, "application/json", payload(nil))
		if code != c.code {
			t.Errorf("POST %s: %d %s, want %d", c.path, code, body, c.code)
		}
		if c.code == 200 {
			if n := svc.WaitCount(t, store.TableNotifications, "source = '"+c.source+"'", 1); n != 1 {
				t.Errorf("POST %s: %d rows with source %q", c.path, n, c.source)
			}
		}
	}
}

func TestAuth(t *testing.T) {
	cases := []struct {
		name  string
		auth  config.Auth
		hdr   []string
		code  int
		basic [2]string
	}{
		{"bearer ok", config.Auth{BearerToken: "s3cret"}, []string{"Authorization", "Bearer s3cret"}, 200, [2]string{}},
		{"bearer wrong", config.Auth{BearerToken: "s3cret"}, []string{"Authorization", "Bearer nope"}, 401, [2]string{}},
		{"bearer missing", config.Auth{BearerToken: "s3cret"}, nil, 401, [2]string{}},
		{"basic ok", config.Auth{Username: "am", Password: "pw"}, nil, 200, [2]string{"am", "pw"}},
		{"basic wrong password", config.Auth{Username: "am", Password: "pw"}, nil, 401, [2]string{"am", "px"}},
		{"basic missing", config.Auth{Username: "am", Password: "pw"}, nil, 401, [2]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := apptest.Config(t)
			cfg.Webhook.Auth = c.auth
			svc := apptest.Start(t, cfg)
			req, _ := http.NewRequest(http.MethodPost, svc.URL+"/webhook", bytes.NewReader(payload(nil)))
			req.Header.Set("Content-Type", "application/json")
			for i := 0; i+1 < len(c.hdr); i += 2 {
				req.Header.Set(c.hdr[i], c.hdr[i+1])
			}
			if c.basic[0] != "" {
				req.SetBasicAuth(c.basic[0], c.basic[1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != c.code {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.code)
			}
			if c.code == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Fatal("401 without WWW-Authenticate")
			}
		})
	}
}

func TestHADuplicatesCountOnce(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	// Two peers deliver the same notification; a third delivery of a
	// different status is its own notification.
	var answers []string
	for _, status := range []string{"firing", "firing", "resolved"} {
		body := payload(func(p, a map[string]any) {
			p["status"], a["status"] = status, status
			if status == "resolved" {
				a["endsAt"] = "2026-11-02T10:05:00Z"
			}
		})
		code, b := svc.Post(t, "/webhook/prod", "application/json", body)
		if code != 200 {
			t.Fatalf("%d %s", code, b)
		}
		answers = append(answers, string(b))
	}
	if !strings.Contains(answers[1], `"ha_duplicates":1`) || !strings.Contains(answers[0], `"ha_duplicates":0`) {
		t.Fatalf("answers %v: the second delivery should be the duplicate", answers)
	}
	if n := svc.WaitCount(t, store.TableNotifications, "", 3); n != 3 {
		t.Fatalf("%d rows stored, want all 3 deliveries", n)
	}
	if n := svc.Count(t, store.TableNotifications, "ha_duplicate = 0"); n != 2 {
		t.Fatalf("%d counted notifications, want 2", n)
	}
}

// TestQueueFullAnswers503 fills a tiny queue while the store is down: the
// webhook must say 503 (Alertmanager retries), never 4xx, and nothing it
// acknowledged may be lost when the store returns.
func TestQueueFullAnswers503(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Queue.MaxBytes = 16 << 10
	cfg.Queue.SegmentBytes = 8 << 10
	svc := apptest.Start(t, cfg)
	if err := svc.Store.Exec(t.Context(), "DETACH TABLE {{db}}.notifications"); err != nil {
		t.Fatal(err)
	}
	acked := 0
	var last int
	var lastBody []byte
	for i := range 100 {
		body := payload(func(_, a map[string]any) { a["fingerprint"] = fmt.Sprintf("%016x", i) })
		last, lastBody = svc.Post(t, "/webhook/prod", "application/json", body)
		if last != 200 {
			break
		}
		acked++
	}
	if last != http.StatusServiceUnavailable || !strings.Contains(string(lastBody), "disk budget") {
		t.Fatalf("after %d acknowledged payloads got %d %s, want 503 naming the disk budget", acked, last, lastBody)
	}
	if acked == 0 {
		t.Fatal("nothing was acknowledged before the queue filled")
	}
	if err := svc.Store.Exec(t.Context(), "ATTACH TABLE {{db}}.notifications"); err != nil {
		t.Fatal(err)
	}
	if n := svc.WaitCount(t, store.TableNotifications, "", acked); n != acked {
		t.Fatalf("%d rows stored after the store returned, want the %d acknowledged", n, acked)
	}
	// The rows are readable before their insert has returned (the
	// engine's views run after): the queue is empty once it has.
	svc.WaitDrained(t)
	if code, b := svc.Post(t, "/webhook/prod", "application/json", payload(nil)); code != 200 {
		t.Fatalf("after draining: %d %s", code, b)
	}
}
