package app_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/models"
)

// delivery is one webhook of receiver "team", group "g", with one alert.
func delivery(alertname, fingerprint, status, startsAt, endsAt string) string {
	return fmt.Sprintf(`{"version":"4","receiver":"team","status":%q,"groupKey":"g","truncatedAlerts":0,"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"",`+
		`"alerts":[{"status":%q,"labels":{"alertname":%q},"annotations":{},"startsAt":%q,"endsAt":%q,"generatorURL":"","fingerprint":%q}]}`,
		status, status, alertname, startsAt, endsAt, fingerprint)
}

// noiseByAlertname returns notifications per alertname in [from, to).
func noiseByAlertname(t *testing.T, svc *apptest.Service, from, to string) map[string]int {
	t.Helper()
	return noiseBy(t, svc, "alertname", from, to)
}

// noiseBy returns notifications per value of the label by in [from, to).
func noiseBy(t *testing.T, svc *apptest.Service, by, from, to string) map[string]int {
	t.Helper()
	code, body := svc.Get(t, "/api/v1/noise?by="+by+"&from="+url.QueryEscape(from)+"&to="+url.QueryEscape(to))
	if code != 200 {
		t.Fatalf("noise: %d %s", code, body)
	}
	var ans models.Noise
	if err := json.Unmarshal(body, &ans); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range ans.Rows {
		out[r.Key] = r.Notifications
	}
	return out
}

// Two alertlens replicas write one store (two complete services — HTTP,
// queue, writer, dedup memory — on one database; the embedded engine lets
// only one OS process open a data directory, so they share this test's
// process) and one of them restarts. An HA pair of Alertmanagers delivers
// each notification to both replicas, as a load balancer would spread it.
// Each notification counts once; a delivery of the same key after the
// dedup window counts again.
func TestHADuplicatesCountOnceAcrossReplicasAndRestarts(t *testing.T) {
	cfg := apptest.Config(t)
	a, b := replicas(t, cfg)

	// Live: peer 1's delivery reaches replica A, peer 2's the same one
	// reaches replica B a moment later (well within the 1-minute window).
	now := time.Now().UTC()
	started := now.Add(-10 * time.Minute).Format(time.RFC3339)
	firing := delivery("Live", "00000000000000a1", "firing", started, "0001-01-01T00:00:00Z")
	for _, svc := range []*apptest.Service{a, b} {
		if code, body := svc.Post(t, "/webhook", "application/json", []byte(firing)); code != 200 {
			t.Fatalf("webhook: %d %s", code, body)
		}
	}
	a.WaitCount(t, "notifications", "alertname = 'Live'", 2)
	// Each replica saw only one delivery, so neither marked a duplicate:
	// only the store can tell.
	if n := a.Count(t, "notifications", "alertname = 'Live' AND ha_duplicate = 1"); n != 0 {
		t.Fatalf("a replica marked %d deliveries duplicate; the test needs both unmarked", n)
	}
	// Replica A restarts (its dedup memory is gone) and the pair delivers
	// the same notification once more.
	a.Stop(t)
	a = apptest.Start(t, cfg)
	if code, body := a.Post(t, "/webhook", "application/json", []byte(firing)); code != 200 {
		t.Fatalf("webhook after restart: %d %s", code, body)
	}
	a.WaitCount(t, "notifications", "alertname = 'Live'", 3)
	// Three stored deliveries of one key, the last two within a minute of
	// the first: 1 notification. Both replicas answer the same.
	from, to := now.Add(-time.Hour).Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339)
	for name, svc := range map[string]*apptest.Service{"A": a, "B": b} {
		if got := noiseByAlertname(t, svc, from, to)["Live"]; got != 1 {
			t.Errorf("replica %s counts %d notifications of Live, want 1", name, got)
		}
	}

	// The chain, from a recording (received times fixed), split between
	// the replicas (see importChain). By hand, window 60 s: +0 counts; +30
	// (30 after +0) and +59 (59) do not; +61 counts (61 ≥ 60 after +0);
	// +100 does not (39 after +61); +125 counts (64 after +61); +200
	// counts (75 after +125), once: 4. (Each replica alone would have
	// counted +0, +100 and +200, and +30, +125 and +200: 6.)
	importChain(t, a, b)
	got := noiseByAlertname(t, b, "2026-11-02T09:00:00Z", "2026-11-02T11:00:00Z")
	if got["Chain"] != 4 {
		t.Errorf("Chain counts %d notifications, want 4 (+0, +61, +125, +200)", got["Chain"])
	}
	// By a label other than alertname (read from the labels, not the
	// alertname column): Chain has no "team" label, so the same four count
	// under the empty value.
	if got := noiseBy(t, b, "team", "2026-11-02T09:00:00Z", "2026-11-02T11:00:00Z"); got[""] != 4 {
		t.Errorf("by team, Chain's empty value counts %v, want 4", got)
	}
	// A delivery exactly the window after the last that counted counts:
	// Edge at +0 and +60 s is 2 notifications.
	importDeliveries(t, a, "Edge", "00000000000000c2", 0, 60)
	if got := noiseByAlertname(t, b, "2026-11-02T09:00:00Z", "2026-11-02T11:00:00Z")["Edge"]; got != 2 {
		t.Errorf("Edge counts %d notifications, want 2 (+0, +60)", got)
	}
	// A chain over a midnight: Midnight at 23:59:30 and, the next day, at
	// 00:00:20 (+50,370 s and +50,420 s after 10:00). The second comes 50 s
	// after the first, within the window: 1 notification, though each day
	// alone would count its own delivery (2).
	importDeliveries(t, a, "Midnight", "00000000000000c3", 50370, 50420)
	if got := noiseByAlertname(t, b, "2026-11-02T09:00:00Z", "2026-11-03T11:00:00Z")["Midnight"]; got != 1 {
		t.Errorf("Midnight counts %d notifications, want 1 (23:59:30; 00:00:20 is 50 s later)", got)
	}
	// Then 00:01:10 (+50,470 s), imported by the other replica (a summary
	// of that day of its own): 100 s after 23:59:30, so it counts: 2. (A
	// fold that left this summary out would count 1; one that folded each
	// day alone, 00:00:20 and not 00:01:10, 50 s after it: 2 as well,
	// which the step above tells apart.)
	importDeliveries(t, b, "Midnight", "00000000000000c3", 50470)
	if got := noiseByAlertname(t, b, "2026-11-02T09:00:00Z", "2026-11-03T11:00:00Z")["Midnight"]; got != 2 {
		t.Errorf("Midnight counts %d notifications, want 2 (23:59:30, 00:01:10)", got)
	}
	// Dawn: 23:59:00 and 00:00:05 from one replica, 00:01:00 from the other
	// (+50,340, +50,405 and +50,460 s). 00:00:05 is 65 s after 23:59:00 and
	// counts; 00:01:00 is 55 s after it and does not: 2. (The second day's
	// two summaries folded apart from each other, 00:01:00 would count: 3.)
	importDeliveries(t, a, "Dawn", "00000000000000c4", 50340, 50405)
	importDeliveries(t, b, "Dawn", "00000000000000c4", 50460)
	if got := noiseByAlertname(t, b, "2026-11-02T09:00:00Z", "2026-11-03T11:00:00Z")["Dawn"]; got != 2 {
		t.Errorf("Dawn counts %d notifications, want 2 (23:59:00, 00:00:05)", got)
	}
	// One alert's timeline reads its rows alone (another form of the same
	// counting): the same four.
	code, body := b.Get(t, "/api/v1/alerts/00000000000000c1/timeline?source=prod&from=2026-11-02T09:00:00Z&to=2026-11-02T11:00:00Z")
	if code != 200 {
		t.Fatalf("timeline: %d %s", code, body)
	}
	var tl models.Timeline
	if err := json.Unmarshal(body, &tl); err != nil {
		t.Fatal(err)
	}
	var notified []string
	for _, e := range tl.Events {
		if e.Kind == "notification" {
			notified = append(notified, e.At.Format("15:04:05"))
		}
	}
	if want := "10:00:00 10:01:01 10:02:05 10:03:20"; strings.Join(notified, " ") != want {
		t.Errorf("Chain's timeline notifications %v, want %s", notified, want)
	}
	// The window's edge: asking from +61 s on still sees +61, +125 and +200
	// as counted (the chain is followed back before the window): 3.
	if got := noiseByAlertname(t, a, "2026-11-02T10:01:01Z", "2026-11-02T11:00:00Z")["Chain"]; got != 3 {
		t.Errorf("Chain from +61 s counts %d, want 3", got)
	}
}

// replicas starts two alertlens services on one store, each with its own
// queue: A made with cfg, B with cfg but a queue directory of its own.
func replicas(t *testing.T, cfg config.Config) (a, b *apptest.Service) {
	t.Helper()
	cfgB := cfg
	cfgB.Queue.Dir = t.TempDir()
	cfgB.Queue.DeadLetter = cfgB.Queue.Dir + "/dead-letter.ndjson"
	return apptest.Start(t, cfg), apptest.Start(t, cfgB)
}

// importChain imports, split between two replicas, deliveries of one key
// (alert Chain) at +0 s, +30 s, +59 s, +61 s, +100 s and +125 s after
// 2026-11-02 10:00, and +200 s to both replicas in the same millisecond:
// A gets +0, +59, +100, +200 and B +30, +61, +125, +200.
func importChain(t *testing.T, a, b *apptest.Service) {
	t.Helper()
	importDeliveries(t, a, "Chain", "00000000000000c1", 0, 59, 100, 200)
	importDeliveries(t, b, "Chain", "00000000000000c1", 30, 61, 125, 200)
}

// importDeliveries imports deliveries of one key (alert alertname) at secs
// seconds after 2026-11-02 10:00.
func importDeliveries(t *testing.T, svc *apptest.Service, alertname, fingerprint string, secs ...int) {
	t.Helper()
	base := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	var rec strings.Builder
	for _, sec := range secs {
		fmt.Fprintf(&rec, `{"kind":"webhook","at":%q,"source":"prod","payload":%s}`+"\n",
			base.Add(time.Duration(sec)*time.Second).Format(time.RFC3339),
			delivery(alertname, fingerprint, "firing", "2026-11-02T09:59:00Z", "0001-01-01T00:00:00Z"))
	}
	if code, body := svc.Post(t, "/api/v1/import", "application/x-ndjson", []byte(rec.String())); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
}

// With no dedup window (webhook.dedup_window: 0) every stored delivery
// counts: the chain's eight rows, the two at +200 s in the same
// millisecond included, are 8 notifications.
func TestWithoutADedupWindowEveryDeliveryCounts(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Webhook.DedupWindow = 0
	a, b := replicas(t, cfg)
	importChain(t, a, b)
	if got := noiseByAlertname(t, a, "2026-11-02T09:00:00Z", "2026-11-02T11:00:00Z")["Chain"]; got != 8 {
		t.Errorf("Chain counts %d notifications without a dedup window, want 8", got)
	}
	if got := noiseBy(t, a, "team", "2026-11-02T09:00:00Z", "2026-11-02T11:00:00Z")[""]; got != 8 {
		t.Errorf("by team, Chain counts %d notifications without a dedup window, want 8", got)
	}
}
