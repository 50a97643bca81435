package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
)

// TestSeveralSources polls two Alertmanagers at once; the same alert (same
// fingerprint) in both is kept apart by source.
func TestSeveralSources(t *testing.T) {
	ports := []int{freePort(t), freePort(t)}
	cfg := apptest.Config(t)
	cfg.Sources = []config.Source{{Name: "eu", URL: fmt.Sprintf("http://127.0.0.1:%d", ports[0])}, {Name: "us", URL: fmt.Sprintf("http://127.0.0.1:%d", ports[1])}}
	cfg.Listen = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	svc := apptest.Start(t, cfg)
	labels := map[string]string{"alertname": "Shared", "severity": "warning", "cluster": "x"}
	for i := range ports {
		am := newProcess(t, "prometheus-alertmanager", ports[i])
		am.args = amArgs(t, t.TempDir(), ports[i], fmt.Sprintf(amConfig, svc.URL))
		am.start()
		postJSON(t, am.url+"/api/v2/alerts", []amAlert{{Labels: labels, StartsAt: time.Now().UTC()}})
	}
	fp := fingerprint(labels)
	for _, name := range []string{"eu", "us"} {
		if n := svc.WaitCount(t, store.TableAlertStates, fmt.Sprintf("source = '%s' AND fingerprint = '%s' AND kind = 'appeared'", name, fp), 1); n != 1 {
			t.Errorf("source %s: %d appeared rows for %s", name, n, fp)
		}
		if n := svc.WaitCount(t, store.TablePolls, fmt.Sprintf("source = '%s' AND ok", name), 2); n < 2 {
			t.Errorf("source %s: %d successful polls", name, n)
		}
	}
}
