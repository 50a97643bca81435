package api_test

import (
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
)

// A read that needs more engine memory than api.max_query_memory allows
// fails cleanly: 503 naming the setting and what to narrow, never the
// engine's own text, and the service keeps answering. 400,000 notifications
// with a distinct pod label each, grouped by pod with their episodes, need
// far more than the 16 MiB allowed here.
func TestQueryMemoryLimit(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.API.MaxQueryMemory = 16 << 20
	cfg.API.MaxRows = 10_000_000
	svc := apptest.Start(t, cfg)
	if err := svc.Store.Exec(t.Context(), `INSERT INTO {{db}}.notifications (received_at, source, receiver, group_key, status, fingerprint, alertname, labels, starts_at)
		SELECT toDateTime64('2026-11-02 10:00:00', 3, 'UTC') + number / 1000, 'prod', 'team', 'g', 'firing', lower(hex(cityHash64(number))), 'PodDown',
		       map('alertname', 'PodDown', 'pod', concat('api-', toString(cityHash64(number, 7)))), toDateTime64('2026-11-02 10:00:00', 3, 'UTC')
		FROM numbers(400000)`); err != nil {
		t.Fatal(err)
	}
	code, body := svc.Get(t, "/api/v1/noise?by=pod&from=2026-11-02T09:00:00Z&to=2026-11-02T12:00:00Z")
	if code != 503 || !strings.Contains(string(body), "api.max_query_memory") || strings.Contains(string(body), "DB::Exception") || strings.Contains(string(body), "/") && strings.Contains(string(body), "clickhouse") {
		t.Fatalf("%d %s, want 503 naming api.max_query_memory without the engine's text", code, body)
	}
	if code, _ := svc.Get(t, "/-/ready"); code != 200 {
		t.Fatalf("ready after the failed read: %d", code)
	}
	// (Any read over all these notifications needs more than 16 MiB:
	// episodes are read past the window to find their ends. One alert's
	// timeline reads that alert's rows only.)
	code, body = svc.Get(t, "/api/v1/alerts/"+firstAlert+"/timeline?from=2026-11-02T09:00:00Z&to=2026-11-02T12:00:00Z")
	if code != 200 || !strings.Contains(string(body), `"kind":"notification"`) {
		t.Fatalf("another read after it: %d %s", code, body)
	}
}
