package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/store"
)

// TestPrometheusRuleReachesAlertlens is the smoke test of the whole chain: a
// real Prometheus 2.42 evaluates a rule, sends the alert to a real
// Alertmanager, whose webhook reaches alertlens.
func TestPrometheusRuleReachesAlertlens(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	amPort := freePort(t)
	am := newProcess(t, "prometheus-alertmanager", amPort)
	am.args = amArgs(t, t.TempDir(), amPort, fmt.Sprintf(amConfig, svc.URL))
	am.start()

	dir := t.TempDir()
	rules := `groups:
  - name: smoke
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1) > 0
        labels: {severity: warning, cluster: smoke}
        annotations: {summary: "always firing"}
`
	promCfg := fmt.Sprintf(`global:
  evaluation_interval: 1s
rule_files: [%q]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:%d"]
`, filepath.Join(dir, "rules.yml"), amPort)
	for name, body := range map[string]string{"rules.yml": rules, "prometheus.yml": promCfg} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	promPort := freePort(t)
	prom := newProcess(t, "prometheus", promPort,
		"--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", promPort), fmt.Sprintf("--web.external-url=http://127.0.0.1:%d", promPort),
		"--rules.alert.resend-delay=1s")
	prom.start()

	cond := fmt.Sprintf("alertname = 'AlwaysFiring' AND status = 'firing' AND severity = 'warning' AND annotations['summary'] = 'always firing' AND startsWith(generator_url, 'http://127.0.0.1:%d/')", promPort)
	if n := svc.WaitCount(t, store.TableNotifications, cond, 1); n < 1 {
		t.Fatalf("no notification from the Prometheus rule reached alertlens: %v", svc.Rows(t, "SELECT alertname, status, generator_url FROM {{db}}.notifications", nil))
	}
}
