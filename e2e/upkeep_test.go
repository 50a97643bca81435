package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
)

var (
	cliOnce sync.Once
	cliPath string
	errCLI  error
)

// cli builds the alertlens binary once for the tests that run it.
func cli(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "alertlens-e2e-")
		if err != nil {
			errCLI = err
			return
		}
		cliPath = filepath.Join(dir, "alertlens")
		if out, err := exec.Command("go", "build", "-o", cliPath, "../cmd/alertlens").CombinedOutput(); err != nil {
			errCLI = fmt.Errorf("%w: %s", err, out)
		}
	})
	if errCLI != nil {
		t.Fatal(errCLI)
	}
	return cliPath
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(cli(t), args...).CombinedOutput()
	return string(out), err
}

type amSilence struct {
	ID       string    `json:"id"`
	Comment  string    `json:"comment"`
	EndsAt   time.Time `json:"endsAt"`
	Status   struct{ State string }
	Matchers []struct{ Name, Value string }
}

func amSilences(t *testing.T, amURL string) map[string]amSilence {
	t.Helper()
	resp, err := http.Get(amURL + "/api/v2/silences")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var list []amSilence
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	out := map[string]amSilence{}
	for _, s := range list {
		out[s.ID] = s
	}
	return out
}

// TestSilenceUpkeep runs alertlens silences expire --stale and extend
// against a real Alertmanager (0.25 and 0.34.2): a dry run changes nothing;
// --apply expires exactly the silences alertlens finds stale and extends
// exactly the one that ends soon while silencing a firing alert, noting it
// in their comments; an unreachable Alertmanager is a clear error.
func TestSilenceUpkeep(t *testing.T) {
	for _, am := range alertmanagers(t) {
		t.Run(am.version, func(t *testing.T) { silenceUpkeep(t, am) })
	}
}

func silenceUpkeep(t *testing.T, build alertmanager) {
	amPort := freePort(t)
	cfg := apptest.Config(t)
	cfg.Sources = []config.Source{{Name: "prod", URL: fmt.Sprintf("http://127.0.0.1:%d", amPort)}}
	cfg.PollInterval = config.Duration(time.Second)
	svc := apptest.Start(t, cfg)
	am := newProcess(t, build.bin, amPort)
	am.args = amArgs(t, t.TempDir(), amPort, fmt.Sprintf(amConfig, svc.URL))
	am.start()

	now := time.Now().UTC()
	create := func(alertname string, ends time.Duration) string {
		return createSilence(t, am.url, alertname, now, now.Add(ends), "for "+alertname)
	}
	nothing, busy, soon, soonIdle := create("Nothing", time.Hour), create("Busy", time.Hour), create("Soon", 2*time.Minute), create("Nobody", 2*time.Minute)
	postJSON(t, am.url+"/api/v2/alerts", []amAlert{{Labels: map[string]string{"alertname": "Busy"}, StartsAt: now}, {Labels: map[string]string{"alertname": "Soon"}, StartsAt: now}})

	// Stale with idle 2s: the two that silence nothing.
	base := []string{"--url", svc.URL, "--alertmanager", am.url, "--source", "prod"}
	eventually(t, "two stale silences", 30*time.Second, func() bool {
		out, err := runCLI(t, append([]string{"silences", "expire", "--stale", "--idle", "2s"}, base...)...)
		return err == nil && strings.Count(out, "would expire") == 2
	})
	out, err := runCLI(t, append([]string{"silences", "expire", "--stale", "--idle", "2s"}, base...)...)
	if err != nil || !strings.Contains(out, "would expire "+nothing+" (matches_nothing)") || !strings.Contains(out, "would expire "+soonIdle) {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	for id, s := range amSilences(t, am.url) {
		if s.Status.State != "active" {
			t.Fatalf("a dry run changed silence %s: %+v", id, s)
		}
	}
	if out, err := runCLI(t, append([]string{"silences", "expire", "--stale", "--idle", "2s", "--apply"}, base...)...); err != nil || strings.Count(out, "expired ") != 2 {
		t.Fatalf("--apply: %v\n%s", err, out)
	}
	after := amSilences(t, am.url)
	for _, id := range []string{nothing, soonIdle} {
		if s := after[id]; s.Status.State != "expired" || !strings.Contains(s.Comment, "expired as stale (matches_nothing) by alertlens") {
			t.Errorf("stale silence %s after --apply: %+v", id, s)
		}
	}
	for _, id := range []string{busy, soon} {
		if s := after[id]; s.Status.State != "active" {
			t.Errorf("silence %s that silences an alert was touched: %+v", id, s)
		}
	}

	// Extend: only Soon ends within 5 minutes while silencing a firing alert.
	out, err = runCLI(t, append([]string{"silences", "extend", "--within", "5m", "--by", "1h"}, base...)...)
	if err != nil || !strings.Contains(out, "would extend "+soon) || strings.Count(out, "would extend") != 1 {
		t.Fatalf("extend dry run: %v\n%s", err, out)
	}
	if got := amSilences(t, am.url)[soon]; got.EndsAt.After(now.Add(3 * time.Minute)) {
		t.Fatalf("the dry run extended %s: %+v", soon, got)
	}
	if out, err := runCLI(t, append([]string{"silences", "extend", "--within", "5m", "--by", "1h", "--apply"}, base...)...); err != nil || !strings.Contains(out, "extended "+soon) {
		t.Fatalf("extend --apply: %v\n%s", err, out)
	}
	extended := false
	for _, s := range amSilences(t, am.url) {
		if s.Status.State == "active" && len(s.Matchers) == 1 && s.Matchers[0].Value == "Soon" && s.EndsAt.After(now.Add(time.Hour)) &&
			strings.Contains(s.Comment, "extended by 1h0m0s while silencing 1 firing alerts by alertlens") {
			extended = true
		}
	}
	if !extended {
		t.Fatalf("no active Soon silence ends an hour later with the note: %+v", amSilences(t, am.url))
	}

	// A wrong address is a clear error.
	out, err = runCLI(t, "silences", "extend", "--url", svc.URL, "--alertmanager", "http://127.0.0.1:1", "--source", "prod")
	if err == nil || !strings.Contains(out, "reading silences from Alertmanager") || !strings.Contains(out, "connection refused") {
		t.Fatalf("unreachable Alertmanager: %v\n%s", err, out)
	}
}

// Silence upkeep against an Alertmanager behind basic auth (its
// --web.config.file, as exporter-toolkit reads it): the right credentials
// in a Prometheus http_config file work, a wrong password is a clear error
// that names the file to fix, and nothing changes.
func TestSilenceUpkeepAuth(t *testing.T) {
	for _, am := range alertmanagers(t) {
		t.Run(am.version, func(t *testing.T) {
			dir := t.TempDir()
			hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
			if err != nil {
				t.Fatal(err)
			}
			web := filepath.Join(dir, "web.yml")
			if err := os.WriteFile(web, []byte("basic_auth_users:\n  admin: "+string(hash)+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			port := freePort(t)
			svc := apptest.Start(t, apptest.Config(t))
			p := newProcess(t, am.bin, port)
			p.args = append(amArgs(t, t.TempDir(), port, fmt.Sprintf(amConfig, svc.URL)), "--web.config.file="+web)
			p.readyCode = http.StatusUnauthorized
			p.start()
			httpConfig := func(password string) string {
				f := filepath.Join(dir, password+".yml")
				if err := os.WriteFile(f, []byte("basic_auth:\n  username: admin\n  password: "+password+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				return f
			}
			base := []string{"silences", "extend", "--url", svc.URL, "--alertmanager", p.url, "--source", "prod"}
			out, err := runCLI(t, append(base, "--http-config-file", httpConfig("s3cret"))...)
			if err != nil || !strings.Contains(out, "no silence to extend") {
				t.Fatalf("with the right password: %v\n%s", err, out)
			}
			out, err = runCLI(t, append(base, "--http-config-file", httpConfig("wrong"), "--apply")...)
			if err == nil || !strings.Contains(out, "Alertmanager refused the credentials (401)") || !strings.Contains(out, "--http-config-file") {
				t.Fatalf("with a wrong password: %v\n%s", err, out)
			}
		})
	}
}
