// Package e2e runs alertlens against real Alertmanager and Prometheus
// processes (Debian's packages, started here on loopback with temporary
// data directories; `make test` installs them).
package e2e

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/alertlens/alertlens/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

// process is a started server we can stop and start again with the same
// arguments and data.
type process struct {
	t    *testing.T
	name string
	args []string
	url  string
	cmd  *exec.Cmd
	log  *os.File
	// readyCode is what /-/ready answers once the server is up (0: 200;
	// 401 behind basic auth).
	readyCode int
}

func (p *process) start() {
	p.t.Helper()
	bin, err := exec.LookPath(p.name)
	if err != nil {
		p.t.Fatalf("%s is not installed (make test installs it: Debian's packages, and Alertmanager 0.34.2 built by scripts/build-alertmanager.sh): %v", p.name, err)
	}
	p.cmd = exec.Command(bin, p.args...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(p.url + "/-/ready")
		if err == nil {
			_ = resp.Body.Close()
			if want := cmp.Or(p.readyCode, 200); resp.StatusCode == want {
				return
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(p.log.Name())
			p.t.Fatalf("%s not ready at %s:\n%s", p.name, p.url, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *process) stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	p.cmd = nil
}

func newProcess(t *testing.T, name string, port int, args ...string) *process {
	dir := t.TempDir()
	log, err := os.Create(filepath.Join(dir, filepath.Base(name)+".log"))
	if err != nil {
		t.Fatal(err)
	}
	p := &process{t: t, name: name, url: "http://127.0.0.1:" + strconv.Itoa(port), log: log, args: args}
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			t.Logf("%s log:\n%s", name, b)
		}
	})
	return p
}

func postJSON(t *testing.T, url string, v any) []byte {
	t.Helper()
	b, _ := json.Marshal(v)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, out)
	}
	return out
}

// createSilence creates alice's silence of alertname from start to end and
// returns its ID.
func createSilence(t *testing.T, amURL, alertname string, start, end time.Time, comment string) string {
	t.Helper()
	var res struct {
		SilenceID string `json:"silenceID"`
	}
	if err := json.Unmarshal(postJSON(t, amURL+"/api/v2/silences", map[string]any{
		"matchers": []map[string]any{{"name": "alertname", "value": alertname, "isRegex": false, "isEqual": true}},
		"startsAt": start, "endsAt": end, "createdBy": "alice", "comment": comment,
	}), &res); err != nil || res.SilenceID == "" {
		t.Fatalf("creating silence of %s: %v", alertname, err)
	}
	return res.SilenceID
}

func eventually(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func amArgs(t *testing.T, dir string, port int, config string) []string {
	t.Helper()
	cfg := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"--config.file=" + cfg, "--storage.path=" + filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port), "--cluster.listen-address=",
		fmt.Sprintf("--web.external-url=http://127.0.0.1:%d", port)}
}

// alertmanager is one Alertmanager build the end-to-end tests run against.
type alertmanager struct {
	version string
	bin     string // a name on PATH or an absolute path
}

// alertmanagers are Debian's (0.25) and a current one (0.34.2, built from
// its Go module into .tools/ by scripts/build-alertmanager.sh, which make
// test runs). A missing one fails the test: it is part of the lab.
func alertmanagers(t *testing.T) []alertmanager {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	current := filepath.Join(wd, "..", ".tools", "alertmanager-0.34.2", "alertmanager")
	if _, err := os.Stat(current); err != nil {
		t.Fatalf("Alertmanager 0.34.2 is missing (run scripts/build-alertmanager.sh, as make test does): %v", err)
	}
	return []alertmanager{{"0.25", "prometheus-alertmanager"}, {"0.34.2", current}}
}

// current is the Alertmanager with the event recorder (0.33+).
func current(t *testing.T) alertmanager { return alertmanagers(t)[1] }
