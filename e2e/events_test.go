package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
)

// The recorder posts batches to alertlens and writes the same events to a
// file. Slow alerts go to a route that waits an hour before its first
// notification.
const amEventsConfig = `
route:
  receiver: alertlens
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: [alertname="Slow"]
      receiver: alertlens
      group_wait: 1h
receivers:
  - name: alertlens
    webhook_configs:
      - url: %[1]s/webhook/prod
        send_resolved: true
inhibit_rules:
  - name: crit-mutes-warn
    source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
event_recorder:
  file_outputs:
    - path: %[2]s
  webhook_outputs:
    - url: %[1]s/events/prod
      batch: true
      batch_flush_interval: 200ms
`

type explanation struct {
	State       string `json:"state"`
	Basis       string `json:"basis"`
	InhibitedBy []struct {
		Fingerprint string `json:"fingerprint"`
	} `json:"inhibited_by"`
	InhibitRules []struct {
		Name string `json:"name"`
	} `json:"inhibit_rules"`
	SilencedBy []struct {
		ID        string `json:"id"`
		CreatedBy string `json:"created_by"`
	} `json:"silenced_by"`
	LastNotification *struct {
		Receiver    string `json:"receiver"`
		Integration string `json:"integration"`
		Reason      string `json:"reason"`
	} `json:"last_notification"`
}

func explain(t *testing.T, svc *apptest.Service, fp string) explanation {
	t.Helper()
	code, body := svc.Get(t, "/api/v1/explain?source=prod&fingerprint="+fp)
	if code != 200 {
		t.Fatalf("explain %s: %d %s", fp, code, body)
	}
	var e explanation
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEventRecorderFromAlertmanager runs Alertmanager 0.34.2 with its event
// recorder posting to alertlens (batch mode) next to the webhook and the
// poller, and checks that explain answers from Alertmanager's own decisions;
// then imports the recorder's JSONL file into a fresh store and compares.
func TestEventRecorderFromAlertmanager(t *testing.T) {
	build := current(t)
	amPort := freePort(t)
	cfg := apptest.Config(t)
	cfg.Sources = []config.Source{{Name: "prod", URL: fmt.Sprintf("http://127.0.0.1:%d", amPort)}}
	cfg.PollInterval = config.Duration(time.Second)
	cfg.Listen = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	svc := apptest.Start(t, cfg)

	amDir := t.TempDir()
	eventsFile := filepath.Join(amDir, "events.jsonl")
	am := newProcess(t, build.bin, amPort)
	am.args = append(amArgs(t, amDir, amPort, fmt.Sprintf(amEventsConfig, svc.URL, eventsFile)), "--enable-feature=event-recorder")
	am.start()

	now := time.Now().UTC().Truncate(time.Millisecond)
	critical := map[string]string{"alertname": "DiskFull", "severity": "critical", "cluster": "a"}
	warning := map[string]string{"alertname": "DiskSlow", "severity": "warning", "cluster": "a"}
	other := map[string]string{"alertname": "Other", "severity": "warning", "cluster": "b"}
	slow := map[string]string{"alertname": "Slow", "severity": "info"}
	fpCrit, fpWarn, fpOther, fpSlow := fingerprint(critical), fingerprint(warning), fingerprint(other), fingerprint(slow)
	silenceID := createSilence(t, am.url, "Other", now, now.Add(time.Hour), "maintenance of b")
	postJSON(t, am.url+"/api/v2/alerts", []amAlert{{Labels: critical, StartsAt: now}, {Labels: warning, StartsAt: now}, {Labels: other, StartsAt: now}, {Labels: slow, StartsAt: now}})

	// The recorder's decimal fingerprints, stored in hex, are the webhook's
	// and the API's (computed here from the labels as Alertmanager does).
	svc.WaitCount(t, store.TableEvents, fmt.Sprintf("kind = 'inhibition_muted_alert' AND fingerprint = '%s' AND has(inhibiting, '%s')", fpWarn, fpCrit), 1)
	svc.WaitCount(t, store.TableEvents, fmt.Sprintf("kind = 'silence_muted_alert' AND fingerprint = '%s' AND silence_id = '%s'", fpOther, silenceID), 1)
	svc.WaitCount(t, store.TableEvents, fmt.Sprintf("kind = 'notification' AND fingerprint = '%s'", fpCrit), 1)
	svc.WaitCount(t, store.TableNotifications, fmt.Sprintf("fingerprint = '%s'", fpCrit), 1)
	svc.WaitCount(t, store.TableAlertStates, fmt.Sprintf("fingerprint = '%s'", fpWarn), 1)
	svc.WaitCount(t, store.TableEvents, fmt.Sprintf("kind IN ('alert_grouped', 'alert_created') AND fingerprint = '%s'", fpSlow), 1)

	if e := explain(t, svc, fpWarn); e.State != "inhibited" || e.Basis != "events" || len(e.InhibitRules) == 0 || e.InhibitRules[0].Name != "crit-mutes-warn" ||
		len(e.InhibitedBy) != 1 || e.InhibitedBy[0].Fingerprint != fpCrit {
		t.Errorf("explain of the inhibited alert: %+v", e)
	}
	if e := explain(t, svc, fpOther); e.State != "silenced" || e.Basis != "events" || len(e.SilencedBy) != 1 || e.SilencedBy[0].ID != silenceID || e.SilencedBy[0].CreatedBy != "alice" {
		t.Errorf("explain of the silenced alert: %+v", e)
	}
	if e := explain(t, svc, fpCrit); e.State != "firing" || e.Basis != "events" || e.LastNotification == nil ||
		e.LastNotification.Receiver != "alertlens" || e.LastNotification.Integration != "webhook" || e.LastNotification.Reason == "" {
		t.Errorf("explain of the notified alert: %+v %+v", e, e.LastNotification)
	}
	if e := explain(t, svc, fpSlow); e.State != "waiting" || e.Basis != "events" {
		t.Errorf("explain of the alert held by group_wait: %+v", e)
	}

	// Restart Alertmanager: its startup event is stored, and any failed
	// inhibition after it names the restart.
	am.stop()
	restartedAt := time.Now().UTC()
	am.start()
	postJSON(t, am.url+"/api/v2/alerts", []amAlert{{Labels: critical, StartsAt: now}, {Labels: warning, StartsAt: now}, {Labels: other, StartsAt: now}, {Labels: slow, StartsAt: now}})
	svc.WaitCount(t, store.TableEvents, fmt.Sprintf("kind = 'alertmanager_startup' AND at >= toDateTime64('%s', 3, 'UTC')", restartedAt.Format("2006-01-02 15:04:05.000")), 1)
	time.Sleep(3 * time.Second) // a few group intervals for any slip-through to arrive
	svc.WaitDrained(t)
	code, body := svc.Get(t, "/api/v1/inhibitions/failed?from="+restartedAt.Format(time.RFC3339)+"&to=now")
	if code != 200 {
		t.Fatalf("failed inhibitions: %d %s", code, body)
	}
	var failed struct {
		Failures []struct {
			Cause *string `json:"cause"`
			Basis string  `json:"basis"`
		} `json:"failures"`
	}
	if err := json.Unmarshal(body, &failed); err != nil {
		t.Fatal(err)
	}
	for _, f := range failed.Failures {
		if f.Cause == nil || *f.Cause != "restart" || f.Basis != "events" {
			t.Errorf("failure after the restart without cause restart from events: %s", body)
		}
	}
	t.Logf("%d failed inhibitions after the restart", len(failed.Failures))

	// The recorder's own file, imported into a fresh store, gives the same
	// rows as the live intake (all but received_at: the file has no
	// receive time, so each event is dated by its own timestamp).
	am.stop()
	svc.WaitDrained(t)
	cols := "at, instance, kind, fingerprint, alertname, labels, status, starts_at, ends_at, receiver, group_key, integration, reason, silence_id, silence_matchers, created_by, comment, rule_names, rule_source_matchers, rule_target_matchers, rule_equal, inhibiting, version"
	rowsOf := func(s *apptest.Service) []string {
		var out []string
		for _, r := range s.Rows(t, "SELECT "+cols+" FROM {{db}}.events WHERE source = 'prod'", nil) {
			b, _ := json.Marshal(r)
			out = append(out, string(b))
		}
		sort.Strings(out)
		return out
	}
	live := rowsOf(svc)
	file, err := os.ReadFile(eventsFile)
	if err != nil {
		t.Fatal(err)
	}
	fresh := apptest.Start(t, apptest.Config(t))
	code, body = fresh.Post(t, "/api/v1/import?format=events&source=prod", "application/x-ndjson", file)
	if code != 200 {
		t.Fatalf("importing the recorder's file: %d %s", code, body)
	}
	fresh.WaitDrained(t)
	imported := rowsOf(fresh)
	if len(live) == 0 || strings.Join(live, "\n") != strings.Join(imported, "\n") {
		t.Fatalf("live intake and imported file differ: %d live rows, %d imported\nlive:\n%s\nimported:\n%s", len(live), len(imported),
			strings.Join(live, "\n"), strings.Join(imported, "\n"))
	}
}
