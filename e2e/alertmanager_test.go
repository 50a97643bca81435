package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
)

type amAlert struct {
	Labels   map[string]string `json:"labels"`
	StartsAt time.Time         `json:"startsAt"`
	EndsAt   time.Time         `json:"endsAt,omitzero"`
}

func fingerprint(labels map[string]string) string {
	return toModel(labels).Fingerprint().String()
}

func toModel(m map[string]string) model.LabelSet {
	ls := model.LabelSet{}
	for k, v := range m {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	return ls
}

const amConfig = `
route:
  receiver: alertlens
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: alertlens
    webhook_configs:
      - url: %s/webhook/prod
        send_resolved: true
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
`

// TestCaptureFromAlertmanager drives a real Alertmanager (Debian's 0.25
// and 0.34.2) through firing, inhibition, silencing, expiry, resolution and
// restarts of both sides, and checks what alertlens stored at each step.
func TestCaptureFromAlertmanager(t *testing.T) {
	for _, am := range alertmanagers(t) {
		t.Run(am.version, func(t *testing.T) { captureFromAlertmanager(t, am) })
	}
}

func captureFromAlertmanager(t *testing.T, build alertmanager) {
	amPort := freePort(t)
	cfg := apptest.Config(t)
	cfg.Sources = []config.Source{{Name: "prod", URL: fmt.Sprintf("http://127.0.0.1:%d", amPort)}}
	cfg.PollInterval = config.Duration(time.Second)
	cfg.Listen = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	svc := apptest.Start(t, cfg)

	am := newProcess(t, build.bin, amPort)
	amDir := t.TempDir()
	am.args = amArgs(t, amDir, amPort, fmt.Sprintf(amConfig, svc.URL))
	am.start()

	now := time.Now().UTC().Truncate(time.Millisecond)
	critical := map[string]string{"alertname": "DiskFull", "severity": "critical", "cluster": "a"}
	warning := map[string]string{"alertname": "DiskSlow", "severity": "warning", "cluster": "a"}
	other := map[string]string{"alertname": "Other", "severity": "warning", "cluster": "b"}
	fpCrit, fpWarn, fpOther := fingerprint(critical), fingerprint(warning), fingerprint(other)
	send := func(alerts ...amAlert) { postJSON(t, am.url+"/api/v2/alerts", alerts) }

	silenceID := createSilence(t, am.url, "Other", now, now.Add(time.Hour), "maintenance of b")
	send(amAlert{Labels: critical, StartsAt: now}, amAlert{Labels: warning, StartsAt: now}, amAlert{Labels: other, StartsAt: now})

	// Firing alert: notified. Inhibited and silenced ones: seen by the
	// poller with their inhibitor and silence, never notified.
	svc.WaitCount(t, store.TableNotifications, fmt.Sprintf("fingerprint = '%s' AND status = 'firing'", fpCrit), 1)
	inhibited := fmt.Sprintf("fingerprint = '%s' AND state = 'suppressed' AND inhibited_by = ['%s'] AND silenced_by = []", fpWarn, fpCrit)
	silenced := fmt.Sprintf("fingerprint = '%s' AND state = 'suppressed' AND silenced_by = ['%s'] AND inhibited_by = []", fpOther, silenceID)
	if svc.WaitCount(t, store.TableAlertStates, inhibited, 1) < 1 {
		t.Fatalf("no alert_states row shows %s inhibited by %s; rows: %v", fpWarn, fpCrit, svc.Rows(t, "SELECT fingerprint, kind, state, inhibited_by, silenced_by FROM {{db}}.alert_states ORDER BY observed_at", nil))
	}
	if svc.WaitCount(t, store.TableAlertStates, silenced, 1) < 1 {
		t.Fatalf("no alert_states row shows %s silenced by %s", fpOther, silenceID)
	}
	if n := svc.WaitCount(t, store.TableSilences, fmt.Sprintf("id = '%s' AND created_by = 'alice' AND comment = 'maintenance of b' AND state = 'active' AND matchers = [('alertname', 'Other', false, true)]", silenceID), 1); n != 1 {
		t.Fatalf("silence not stored faithfully: %v", svc.Rows(t, "SELECT * FROM {{db}}.silences", nil))
	}
	if n := svc.WaitCount(t, store.TableAlertmanagerStatus, "source = 'prod' AND config LIKE '%inhibit_rules%' AND version != ''", 1); n != 1 {
		t.Fatalf("%d status rows with the config", n)
	}

	// What differs between the versions: 0.32 and later say why they
	// notified; 0.34 takes UTF-8 label names (0.25 refuses them).
	reasons := svc.Count(t, store.TableNotifications, fmt.Sprintf("fingerprint = '%s' AND notification_reason != ''", fpCrit))
	if (build.version == "0.25") != (reasons == 0) {
		t.Errorf("Alertmanager %s: %d notifications with a notification_reason", build.version, reasons)
	}
	// Alerts Prometheus would re-send after an Alertmanager restart.
	resend := []amAlert{{Labels: warning, StartsAt: now}, {Labels: other, StartsAt: now}}
	if build.version != "0.25" {
		utf := map[string]string{"alertname": "Utf8Names", "service.name": "db", "équipe": "stockage"}
		send(amAlert{Labels: utf, StartsAt: now})
		resend = append(resend, amAlert{Labels: utf, StartsAt: now})
		if n := svc.WaitCount(t, store.TableNotifications, fmt.Sprintf("fingerprint = '%s' AND labels['service.name'] = 'db' AND labels['équipe'] = 'stockage'", fingerprint(utf)), 1); n != 1 {
			t.Fatalf("UTF-8 label names: %v", svc.Rows(t, "SELECT fingerprint, labels FROM {{db}}.notifications", nil))
		}
		svc.WaitCount(t, store.TableAlertStates, fmt.Sprintf("fingerprint = '%s' AND labels['équipe'] = 'stockage'", fingerprint(utf)), 1)
	}

	_, metrics := svc.Get(t, "/metrics")
	for _, want := range []string{`alertlens_alertmanager_up{source="prod"} 1`, `alertlens_alertmanager_poll_errors_total{source="prod"}`,
		`alertlens_alertmanager_poll_duration_seconds_count{source="prod"}`, `alertlens_alertmanager_collect_cycles_total{source="prod"}`,
		`alertlens_webhook_requests_total{code="200"}`, `alertlens_alerts_received_total{source="prod",status="firing"}`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// Expire the silence: Other becomes active and is notified.
	req, _ := http.NewRequest(http.MethodDelete, am.url+"/api/v2/silence/"+silenceID, nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("expiring silence: %v %v", resp, err)
	}
	svc.WaitCount(t, store.TableSilences, fmt.Sprintf("id = '%s' AND state = 'expired'", silenceID), 1)
	svc.WaitCount(t, store.TableAlertStates, fmt.Sprintf("fingerprint = '%s' AND kind = 'changed' AND state = 'active' AND silenced_by = []", fpOther), 1)
	svc.WaitCount(t, store.TableNotifications, fmt.Sprintf("fingerprint = '%s' AND status = 'firing'", fpOther), 1)

	// Resolve the critical alert: a resolved notification, a resolved state,
	// and the warning it inhibited is released and notified.
	resolvedAt := time.Now().UTC()
	send(amAlert{Labels: critical, StartsAt: now, EndsAt: resolvedAt})
	svc.WaitCount(t, store.TableNotifications, fmt.Sprintf("fingerprint = '%s' AND status = 'resolved' AND ends_at IS NOT NULL", fpCrit), 1)
	svc.WaitCount(t, store.TableAlertStates, fmt.Sprintf("fingerprint = '%s' AND kind = 'resolved'", fpCrit), 1)
	svc.WaitCount(t, store.TableNotifications, fmt.Sprintf("fingerprint = '%s' AND status = 'firing'", fpWarn), 1)
	// While inhibited, the warning was never notified.
	if n := svc.Count(t, store.TableNotifications, fmt.Sprintf("fingerprint = '%s' AND received_at < toDateTime64('%s', 3, 'UTC')", fpWarn, resolvedAt.Format("2006-01-02 15:04:05.000"))); n != 0 {
		t.Fatalf("%d notifications of the warning while it was inhibited", n)
	}

	// Restart Alertmanager. Polls while it is down fail and resolve nothing;
	// the alerts Prometheus would re-send (same startsAt) come back without
	// a fake "appeared".
	transitions := func() int {
		return svc.Count(t, store.TableAlertStates, "kind IN ('appeared', 'resolved')")
	}
	before := transitions()
	failedBefore := svc.Count(t, store.TablePolls, "NOT ok")
	am.stop()
	eventually(t, "failed polls while Alertmanager is down", 20*time.Second, func() bool {
		return svc.Count(t, store.TablePolls, "NOT ok") >= failedBefore+2
	})
	if got := transitions(); got != before {
		t.Fatalf("Alertmanager down: %d appeared/resolved rows, had %d: a failed poll must not resolve anything", got, before)
	}
	am.start()
	send(resend...)
	okAfter := svc.Count(t, store.TablePolls, "ok")
	eventually(t, "successful polls after the restart", 20*time.Second, func() bool {
		return svc.Count(t, store.TablePolls, "ok") >= okAfter+3
	})
	if got := transitions(); got != before {
		t.Fatalf("after an Alertmanager restart: %v", svc.Rows(t, "SELECT observed_at, fingerprint, kind, state FROM {{db}}.alert_states WHERE kind IN ('appeared','resolved') ORDER BY observed_at", nil))
	}
	if n := svc.Count(t, store.TableAlertmanagerStatus, ""); n != 2 {
		t.Fatalf("%d status rows, want 2 (the restart changes uptime)", n)
	}

	// Restart alertlens on the same database and queue: it resumes from the
	// stored state and records no transitions.
	rowsBefore := svc.Count(t, store.TableAlertStates, "")
	svc.Stop(t)
	svc2 := apptest.Start(t, cfg)
	okBefore := svc2.Count(t, store.TablePolls, "ok")
	eventually(t, "polls after the alertlens restart", 20*time.Second, func() bool {
		return svc2.Count(t, store.TablePolls, "ok") >= okBefore+3
	})
	if n := svc2.Count(t, store.TableAlertStates, ""); n != rowsBefore {
		t.Fatalf("alertlens restart added %d alert_states rows: %v", n-rowsBefore,
			svc2.Rows(t, "SELECT observed_at, fingerprint, kind, state FROM {{db}}.alert_states ORDER BY observed_at DESC LIMIT 5", nil))
	}
}
