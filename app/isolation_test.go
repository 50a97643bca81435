package app_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
)

// Reads run on their own engine connections: while every read connection
// is busy with a slow query, /-/ready still answers and a webhook is
// acknowledged and written to the store. With one connection for everything
// (as before), readiness and the writer waited for the reads.
func TestReadsDoNotStallIngestOrReadiness(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Store.ReadConnections = 2
	svc := apptest.Start(t, cfg)
	var done atomic.Int32
	for range 2 {
		go func() {
			// sleep(3) is the engine's longest single sleep: 3 s a read.
			_, _ = svc.Store.Query(context.Background(), "SELECT sleep(3) AS s", nil)
			done.Add(1)
		}()
	}
	pool := svc.Store.Backend().(*store.Embedded)
	for pool.ReadsInUse() < 2 { // both reads hold their connection
		if done.Load() != 0 {
			t.Fatal("a slow read ended before both had started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, body := svc.Get(t, "/-/ready"); code != 200 {
		t.Fatalf("/-/ready with every read connection busy: %d %s", code, body)
	}
	if done.Load() != 0 {
		t.Fatal("the slow reads ended before readiness was checked: the test proves nothing")
	}
	body := []byte(`{"version":"4","receiver":"r","status":"firing","groupKey":"g","truncatedAlerts":0,"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am",` +
		`"alerts":[{"status":"firing","labels":{"alertname":"A"},"annotations":{},"startsAt":"2026-11-02T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"00000000000000aa"}]}`)
	if code, b := svc.Post(t, "/webhook/prod", "application/json", body); code != 200 {
		t.Fatalf("webhook with every read connection busy: %d %s", code, b)
	}
	svc.WaitDrained(t) // the writer stored it
	if done.Load() != 0 {
		t.Fatal("the slow reads ended before the write: the test proves nothing")
	}
	if n := svc.Count(t, store.TableNotifications, ""); n != 1 {
		t.Fatalf("%d notifications stored", n)
	}
}

// A store that answers but cannot write (here: the table detached, as a
// full disk would refuse inserts) makes the service not ready once every
// write has failed for queue.not_ready_after; it keeps acknowledging into
// its queue, and is ready again by itself once a write succeeds, with
// nothing lost.
func TestNotReadyWhileTheStoreCannotWrite(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Queue.NotReadyAfter = config.Duration(time.Second)
	svc := apptest.Start(t, cfg)
	if err := svc.Store.Exec(t.Context(), "DETACH TABLE {{db}}.notifications"); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"version":"4","receiver":"r","status":"firing","groupKey":"g","truncatedAlerts":0,"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am",` +
		`"alerts":[{"status":"firing","labels":{"alertname":"A"},"annotations":{},"startsAt":"2026-11-02T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"00000000000000aa"}]}`)
	if code, b := svc.Post(t, "/webhook/prod", "application/json", body); code != 200 {
		t.Fatalf("webhook: %d %s", code, b)
	}
	var code int
	var ready []byte
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if code, ready = svc.Get(t, "/-/ready"); code == 503 {
			break
		}
	}
	if code != 503 || !strings.Contains(string(ready), "refused every write") {
		t.Fatalf("ready while no write succeeds: %d %s", code, ready)
	}
	if err := svc.Store.Exec(t.Context(), "ATTACH TABLE {{db}}.notifications"); err != nil {
		t.Fatal(err)
	}
	svc.WaitDrained(t)
	if code, ready = svc.Get(t, "/-/ready"); code != 200 {
		t.Fatalf("ready after the store took the rows: %d %s", code, ready)
	}
	if n := svc.Count(t, store.TableNotifications, ""); n != 1 {
		t.Fatalf("%d notifications after recovery, want the 1 acknowledged", n)
	}
}
