package app_test

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
)

// /metrics passes promtool's lint and carries, before anything happened,
// the series alert rules rely on: build info, per-source poll errors (0,
// not absent) and per-endpoint API request counts.
func TestMetricsAreLintedAndPresentFromTheStart(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Sources = []config.Source{{Name: "prod", URL: "http://127.0.0.1:1"}}
	svc := apptest.Start(t, cfg)
	code, body := svc.Get(t, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`alertlens_build_info{goversion="go`,
		`alertlens_alertmanager_poll_errors_total{source="prod"}`,
		`alertlens_api_requests_total{code="200",endpoint="flapping"} 0`,
		`alertlens_api_requests_total{code="400",endpoint="explain"} 0`,
		`alertlens_compaction_failures_total 0`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code, _ := svc.Get(t, "/api/v1/flapping?min_flaps=zero"); code != 400 {
		t.Fatalf("bad request: %d", code)
	}
	if _, after := svc.Get(t, "/metrics"); !bytes.Contains(after, []byte(`alertlens_api_requests_total{code="400",endpoint="flapping"} 1`)) {
		t.Error("a 400 of flapping was not counted")
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool (Debian's prometheus package, which make test installs): %v", err)
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.CombinedOutput()
	// promtool also lints the Go and process collectors' own names; only
	// alertlens's are ours to answer for.
	var ours []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "alertlens_") {
			ours = append(ours, l)
		}
	}
	if len(ours) > 0 {
		t.Fatalf("promtool check metrics (%v):\n%s", err, strings.Join(ours, "\n"))
	}
}
