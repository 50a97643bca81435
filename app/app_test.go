package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app"
	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func hook(fp string) []byte {
	return fmt.Appendf(nil, `{"version":"4","receiver":"r","status":"firing","groupKey":"g","alerts":[{"status":"firing","labels":{"alertname":"X"},"startsAt":"2026-11-02T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"%s"}]}`, fp)
}

func TestOperatingEndpoints(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	for _, p := range []string{"/-/healthy", "/-/ready"} {
		if code, body := svc.Get(t, p); code != 200 {
			t.Fatalf("GET %s: %d %s", p, code, body)
		}
	}
	if code, _ := svc.Post(t, "/webhook", "application/json", hook("00000000000000aa")); code != 200 {
		t.Fatal(code)
	}
	svc.WaitCount(t, store.TableNotifications, "", 1)
	// The row is readable a moment before the writer's insert returns and
	// counts it: wait for the count.
	var metrics []byte
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		_, metrics = svc.Get(t, "/metrics")
		if strings.Contains(string(metrics), `alertlens_rows_written_total{table="notifications"} 1`) || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range []string{
		`alertlens_rows_queued_total{table="notifications"} 1`,
		`alertlens_rows_written_total{table="notifications"} 1`,
		`alertlens_webhook_requests_total{code="200"} 1`,
		`alertlens_alerts_received_total{source="default",status="firing"} 1`,
		"alertlens_store_write_retries_total 0",
		"alertlens_rows_dead_lettered_total",
		"alertlens_queue_bytes",
		"alertlens_queue_oldest_unwritten_age_seconds",
		"alertlens_store_write_duration_seconds_count",
		"go_goroutines",
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code, body := svc.Get(t, "/nope"); code != 404 || !strings.Contains(string(body), `"error"`) {
		t.Errorf("unknown path: %d %s, want a JSON 404", code, body)
	}
}

func TestReadyFailsWhenTheStoreIsGone(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	if err := svc.Store.Close(); err != nil {
		t.Fatal(err)
	}
	if code, body := svc.Get(t, "/-/ready"); code != 503 || !strings.Contains(string(body), "not ready") {
		t.Fatalf("ready with a closed store: %d %s", code, body)
	}
	if code, _ := svc.Get(t, "/-/healthy"); code != 200 {
		t.Fatalf("healthy: %d", code)
	}
}

// TestStopDrainsTheQueue: a clean stop writes everything acknowledged
// before it returns (HTTP first, then the queue is flushed).
func TestStopDrainsTheQueue(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Queue.FlushInterval = 1e9 * 3600 // nothing would flush by age during the test
	svc := apptest.Start(t, cfg)
	const n = 50
	for i := range n {
		if code, b := svc.Post(t, "/webhook", "application/json", hook(fmt.Sprintf("%016x", i))); code != 200 {
			t.Fatalf("%d %s", code, b)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := svc.App.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := store.New(storeBackend(t), store.Options{Database: cfg.Store.Database, Retention: 400 * 24 * time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := storetest.Count(t, st, store.TableNotifications, ""); got != n {
		t.Fatalf("%d rows stored after a clean stop, want all %d acknowledged", got, n)
	}
}

// The analyses get the configured seal span (the suites set 0, so a
// default lost on the way would go unseen there).
func TestAnalysisOptionsCarryTheSealSpan(t *testing.T) {
	cfg := config.Default()
	if got, want := app.AnalysisOptions(cfg).SealMinSpan, 7*24*time.Hour; got != want {
		t.Errorf("default seal span %v, want %v (a week)", got, want)
	}
	cfg.Store.SealMinSpan = config.Duration(21 * 24 * time.Hour)
	if got := app.AnalysisOptions(cfg).SealMinSpan; got != 21*24*time.Hour {
		t.Errorf("configured seal span %v, want 504h", got)
	}
}
