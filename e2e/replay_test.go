package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
)

// TestRecordThenImportGivesTheSameHistory records a live session against a
// real Alertmanager (serve --record), imports the recording into a fresh
// database, and compares every stored row.
func TestRecordThenImportGivesTheSameHistory(t *testing.T) {
	amPort := freePort(t)
	rec := filepath.Join(t.TempDir(), "session.ndjson")
	cfg := apptest.Config(t)
	cfg.Sources = []config.Source{{Name: "prod", URL: fmt.Sprintf("http://127.0.0.1:%d", amPort)}}
	cfg.Listen = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cfg.Record = rec
	live := apptest.Start(t, cfg)

	am := newProcess(t, "prometheus-alertmanager", amPort)
	am.args = amArgs(t, t.TempDir(), amPort, fmt.Sprintf(amConfig, live.URL))
	am.start()
	now := time.Now().UTC().Truncate(time.Millisecond)
	crit := map[string]string{"alertname": "DiskFull", "severity": "critical", "cluster": "a"}
	warn := map[string]string{"alertname": "DiskSlow", "severity": "warning", "cluster": "a"}
	postJSON(t, am.url+"/api/v2/silences", map[string]any{
		"matchers": []map[string]any{{"name": "cluster", "value": "b|c", "isRegex": true, "isEqual": true}},
		"startsAt": now, "endsAt": now.Add(time.Hour), "createdBy": "bob", "comment": "regex silence",
	})
	postJSON(t, am.url+"/api/v2/alerts", []amAlert{{Labels: crit, StartsAt: now}, {Labels: warn, StartsAt: now}})
	live.WaitCount(t, store.TableNotifications, "status = 'firing'", 1)
	live.WaitCount(t, store.TableAlertStates, "inhibited_by != []", 1)
	postJSON(t, am.url+"/api/v2/alerts", []amAlert{{Labels: crit, StartsAt: now, EndsAt: time.Now().UTC()}})
	live.WaitCount(t, store.TableNotifications, "status = 'resolved'", 1)
	live.WaitCount(t, store.TableAlertStates, "kind = 'resolved'", 1)
	am.stop()
	failed := live.Count(t, store.TablePolls, "NOT ok")
	eventually(t, "a failed poll", 20*time.Second, func() bool { return live.Count(t, store.TablePolls, "NOT ok") > failed })

	// Stop the live service: the writer drains everything it acknowledged.
	tables := []struct{ name, cols, order string }{
		{store.TableNotifications, "*", "received_at, fingerprint, status"},
		{store.TableAlertStates, "*", "observed_at, fingerprint, kind"},
		{store.TableSilences, "*", "id, updated_at"},
		{store.TableAlertmanagerStatus, "*", "observed_at"},
		// The recording does not carry how long a poll took.
		{store.TablePolls, "* EXCEPT duration_seconds", "polled_at"},
	}
	want := map[string][]map[string]any{}
	for _, tb := range tables {
		want[tb.name] = live.Rows(t, fmt.Sprintf("SELECT %s FROM {{db}}.%s ORDER BY %s", tb.cols, tb.name, tb.order), nil)
	}
	live.Stop(t)

	body, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	replay := apptest.Start(t, apptest.Config(t))
	code, resp := replay.Post(t, "/api/v1/import", "application/x-ndjson", body)
	if code != 200 {
		t.Fatalf("import: %d %s", code, resp)
	}
	for _, tb := range tables {
		n := len(want[tb.name])
		if n == 0 && tb.name != store.TableSilences {
			t.Fatalf("live session stored no %s rows: the test would prove nothing", tb.name)
		}
		replay.WaitCount(t, tb.name, "", n)
		got := replay.Rows(t, fmt.Sprintf("SELECT %s FROM {{db}}.%s ORDER BY %s", tb.cols, tb.name, tb.order), nil)
		if !reflect.DeepEqual(got, want[tb.name]) {
			t.Errorf("%s after import differs from live:\n got %v\nwant %v", tb.name, got, want[tb.name])
		}
	}
}
