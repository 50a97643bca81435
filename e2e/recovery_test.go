package e2e

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
)

// TestPollerRecoversAtOnce stops a real Alertmanager long enough for the
// poller's backoff to grow past several poll intervals, starts it again,
// and checks from the stored polls that the first successful poll came
// well before the backoff would have ended: the poller probes /-/ready
// while it backs off. The bound compares stored timestamps with the wait
// the backoff itself implies (16 intervals here, against the probe's one),
// not the machine's speed.
func TestPollerRecoversAtOnce(t *testing.T) {
	amPort := freePort(t)
	cfg := apptest.Config(t)
	cfg.Sources = []config.Source{{Name: "prod", URL: fmt.Sprintf("http://127.0.0.1:%d", amPort)}}
	interval := time.Second
	cfg.PollInterval = config.Duration(interval)
	svc := apptest.Start(t, cfg)
	am := newProcess(t, "prometheus-alertmanager", amPort)
	am.args = amArgs(t, t.TempDir(), amPort, fmt.Sprintf(amConfig, svc.URL))
	am.start()
	svc.WaitCount(t, store.TablePolls, "ok", 2)
	failedBefore := svc.Count(t, store.TablePolls, "NOT ok") // while Alertmanager was starting
	am.stop()
	// Four failures in a row (1+2+4+8 s of backoff): the next wait is 2^4
	// intervals, 16 s.
	eventually(t, "four failed polls", 40*time.Second, func() bool { return svc.Count(t, store.TablePolls, "NOT ok") >= failedBefore+4 })
	am.start()
	eventually(t, "a successful poll after the restart", 30*time.Second, func() bool {
		return len(svc.Rows(t, "SELECT 1 FROM {{db}}.polls WHERE ok AND polled_at > (SELECT max(polled_at) FROM {{db}}.polls WHERE NOT ok)", nil)) > 0
	})
	rows := svc.Rows(t, `SELECT toUnixTimestamp64Milli(polled_at) AS ms, ok FROM {{db}}.polls ORDER BY polled_at`, nil)
	// The outage is the last run of failed polls; firstOK the poll after it.
	var lastFail, firstOK float64
	failures := 0
	for _, r := range rows {
		ms, _ := strconv.ParseFloat(fmt.Sprint(r["ms"]), 64)
		ok, _ := r["ok"].(bool)
		switch {
		case !ok && firstOK > 0: // a later outage: start over
			lastFail, failures, firstOK = ms, 1, 0
		case !ok:
			lastFail, failures = ms, failures+1
		case lastFail > 0 && firstOK == 0:
			firstOK = ms
		case firstOK == 0:
			failures = 0 // ok polls before the outage
		}
	}
	backoff := float64(interval.Milliseconds())
	for i := 0; i < failures && backoff < float64((5*time.Minute).Milliseconds()); i++ {
		backoff *= 2
	}
	if failures < 4 || firstOK == 0 || firstOK-lastFail >= backoff/2 {
		t.Fatalf("after %d failures the first good poll came %.0f ms after the last failed one; the backoff alone would wait %.0f ms: %v",
			failures, firstOK-lastFail, backoff, rows)
	}
	t.Logf("%d failures; recovered %.0f ms after the last failed poll (backoff would wait %.0f ms)", failures, firstOK-lastFail, backoff)
}
