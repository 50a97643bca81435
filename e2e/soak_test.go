package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alertlens/alertlens/store/storetest"
)

// soakDuration is how long TestSoak runs: ALERTLENS_SOAK (e.g. 5m, what
// `make soak` uses) or 20 s in the ordinary suite.
func soakDuration(t *testing.T) time.Duration {
	s := os.Getenv("ALERTLENS_SOAK")
	if s == "" {
		return 20 * time.Second
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("ALERTLENS_SOAK=%q: %v", s, err)
	}
	return d
}

// soakWriter is one client sending webhooks of 10 new alerts each. What it
// sent (acknowledged or not) and what was acknowledged are counted on the
// client side: the independent count the reads are compared with.
type soakWriter struct {
	sent, acked atomic.Int64
}

// TestSoak runs the real binary under webhook load and reads, killing it
// with SIGKILL every few seconds and starting it again on the same data.
// Every read is compared with the clients' own counts: per writer w, a
// read may never show more notifications than w sent (a phantom row) nor
// more episodes than notifications, and at the end every acknowledged
// alert is stored, once (one notification per fingerprint: notifications
// = episodes).
func TestSoak(t *testing.T) {
	duration := soakDuration(t)
	const writers, perHook = 4, 10
	port := freePort(t)
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "alertlens.yml")
	cfg := fmt.Sprintf("listen: 127.0.0.1:%d\nstore:\n  data_dir: %s\n  chdb_lib: %s\n  min_free_bytes: 0\nqueue:\n  flush_interval: 100ms\n  min_backoff: 50ms\n  max_backoff: 1s\n",
		port, filepath.Join(dir, "data"), storetest.LibPath())
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	svc := newProcess(t, cli(t), port, "serve", "--config", cfgFile)
	svc.start()

	started := time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
	window := url.Values{"by": {"w"}, "from": {started.Add(-time.Hour).Format(time.RFC3339)}, "to": {started.Add(24 * time.Hour).Format(time.RFC3339)}}
	ws := make([]*soakWriter, writers)
	for i := range ws {
		ws[i] = &soakWriter{}
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		phantoms  []string
		reads     atomic.Int64
		wg        sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := 0; ; seq++ {
				select {
				case <-stop:
					return
				default:
				}
				var alerts []string
				for i := range perHook {
					fp := fmt.Sprintf("%02x%06x%08x", w, seq, i)
					alerts = append(alerts, fmt.Sprintf(`{"status":"firing","labels":{"alertname":"Soak","w":"w%d","fp":%q},"annotations":{},"startsAt":%q,"endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":%q}`,
						w, fp, started.Format(time.RFC3339), fp))
				}
				body := `{"version":"4","receiver":"team","status":"firing","groupKey":"g","truncatedAlerts":0,"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"","alerts":[` + strings.Join(alerts, ",") + `]}`
				ws[w].sent.Add(perHook) // before the request: it may be stored even if the answer is lost
				t0 := time.Now()
				resp, err := client.Post(svc.url+"/webhook", "application/json", strings.NewReader(body))
				if err != nil {
					time.Sleep(50 * time.Millisecond) // the service is restarting
					continue
				}
				_ = resp.Body.Close()
				if resp.StatusCode == 200 {
					ws[w].acked.Add(perHook)
					mu.Lock()
					latencies = append(latencies, time.Since(t0))
					mu.Unlock()
				}
			}
		}()
	}
	// stored reads notifications and episodes per writer.
	stored := func() (map[string][2]int, error) {
		resp, err := client.Get(svc.url + "/api/v1/noise?" + window.Encode())
		if err != nil {
			return nil, err
		}
		defer func() { _ = resp.Body.Close() }()
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(resp.Body); err != nil {
			return nil, err
		}
		if resp.StatusCode != 200 {
			return nil, fmt.Errorf("noise: %d %s", resp.StatusCode, buf.String())
		}
		var ans struct {
			Rows []struct {
				Key                     string
				Notifications, Episodes int
			}
		}
		if err := json.Unmarshal(buf.Bytes(), &ans); err != nil {
			return nil, err
		}
		out := map[string][2]int{}
		for _, r := range ans.Rows {
			out[r.Key] = [2]int{r.Notifications, r.Episodes}
		}
		return out, nil
	}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				got, err := stored()
				if err != nil {
					time.Sleep(50 * time.Millisecond) // restarting
					continue
				}
				// What was sent by the time the read ended bounds what it
				// may show (counted before the request goes out). A read
				// running while a batch is written may count the batch's
				// notifications before its episodes (the day summaries
				// episodes come from land a moment after the raw rows), never
				// an episode without its notification; the last read, after
				// the writes, must find them equal.
				var bound [writers]int64
				for w := range ws {
					bound[w] = ws[w].sent.Load()
				}
				reads.Add(1)
				for key, v := range got {
					w, err := strconv.Atoi(strings.TrimPrefix(key, "w"))
					if err != nil || w < 0 || w >= writers || int64(v[0]) > bound[w] || v[1] > v[0] {
						mu.Lock()
						phantoms = append(phantoms, fmt.Sprintf("%s: %d notifications, %d episodes, %v sent", key, v[0], v[1], bound))
						mu.Unlock()
					}
				}
			}
		}()
	}

	var kills int
	var hwm int64
	deadline := time.Now().Add(duration)
	for time.Now().Before(deadline) {
		time.Sleep(min(4*time.Second, time.Until(deadline)))
		if time.Until(deadline) < time.Second {
			break
		}
		hwm = max(hwm, vmHWM(svc.cmd.Process.Pid))
		_ = svc.cmd.Process.Signal(syscall.SIGKILL)
		_ = svc.cmd.Wait()
		kills++
		svc.start()
	}
	close(stop)
	wg.Wait()
	hwm = max(hwm, vmHWM(svc.cmd.Process.Pid))
	svc.stop() // drains the queue
	svc.start()

	// The last read checks what was stored, not how fast: a long soak
	// (`make soak`) leaves over a million single-notification episodes,
	// which take the noise query well past the reads' 10 s.
	client.Timeout = 5 * time.Minute
	final, err := stored()
	if err != nil {
		t.Fatal(err)
	}
	var acked, sent, have int64
	for w, sw := range ws {
		v := final[fmt.Sprintf("w%d", w)]
		acked, sent, have = acked+sw.acked.Load(), sent+sw.sent.Load(), have+int64(v[0])
		if int64(v[0]) < sw.acked.Load() || int64(v[0]) > sw.sent.Load() || v[0] != v[1] {
			t.Errorf("writer %d: %d notifications in %d episodes stored; %d acknowledged, %d sent", w, v[0], v[1], sw.acked.Load(), sw.sent.Load())
		}
	}
	if len(phantoms) > 0 {
		t.Errorf("%d reads showed rows nobody sent (or counted twice), e.g. %s", len(phantoms), phantoms[0])
	}
	slices.Sort(latencies)
	p99 := time.Duration(0)
	if len(latencies) > 0 {
		p99 = latencies[len(latencies)*99/100]
	}
	t.Logf("soak %s: %d kill -9, %d alerts sent, %d acknowledged, %d stored (%d sent without an answer and stored anyway); %d reads checked, %d phantom; ack p99 %s; peak RSS %d MiB",
		duration, kills, sent, acked, have, have-acked, reads.Load(), len(phantoms), p99.Round(time.Millisecond), hwm>>10)
	if kills == 0 || reads.Load() == 0 || acked == 0 {
		t.Errorf("the soak did not exercise anything: %d kills, %d reads, %d acknowledged", kills, reads.Load(), acked)
	}
}

// vmHWM is a process's peak resident set, in KiB.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}
