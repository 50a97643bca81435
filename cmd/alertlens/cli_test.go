package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "alertlens-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "alertlens")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building alertlens: %v\n%s", err, out)
		os.Exit(1)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	storetest.Main(m)
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runEnv(t, nil, args...)
}

func TestImportCommand(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	good, bad := filepath.Join("testdata", "good.ndjson"), filepath.Join("testdata", "bad-line2.ndjson")
	recorder := filepath.Join("..", "..", "events", "testdata", "alertmanager-0.34.2.jsonl")
	cases := []struct {
		name      string
		args      []string
		stdout    string
		stderrHas string
		code      int
	}{
		{"one file", []string{"import", "--url", svc.URL, good}, good + ": 3 lines, 3 rows\n", "", 0},
		{"two files", []string{"import", "--url", svc.URL, good, good},
			good + ": 3 lines, 3 rows\n" + good + ": 3 lines, 3 rows\ntotal: 2 files, 6 lines, 6 rows\n", "", 0},
		{"bad line", []string{"import", "--url", svc.URL, bad}, "", `alertlens import: testdata/bad-line2.ndjson: server answered 400: line 2: poll line without "alerts"`, 1},
		{"missing file", []string{"import", "--url", svc.URL, "testdata/nope.ndjson"}, "", "no such file or directory", 1},
		{"no file", []string{"import", "--url", svc.URL}, "", "no recording given", 1},
		{"server down", []string{"import", "--url", "http://127.0.0.1:1", good}, "", "connection refused", 1},
		{"unknown command", []string{"frobnicate"}, "", `expected command but got "frobnicate"`, 2},
		// The recorder's own file from a real Alertmanager 0.34.2: five
		// events (start, created, grouped, one notification of one alert,
		// stop), one row each.
		{"recorder file", []string{"import", "--url", svc.URL, "--events", "--source", "prod", recorder}, recorder + ": 5 lines, 5 rows\n", "", 0},
		{"recorder file without source", []string{"import", "--url", svc.URL, "--events", recorder}, "", "--events needs --source NAME", 1},
		{"source without events", []string{"import", "--url", svc.URL, "--source", "prod", good}, "", "--source goes with --events", 1},
		{"recording as events", []string{"import", "--url", svc.URL, "--events", "--source", "prod", good}, "", "server answered 400: line 1: not an event recorder event", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := run(t, c.args...)
			if code != c.code || out != c.stdout || !strings.Contains(errOut, c.stderrHas) {
				t.Fatalf("exit %d, stdout %q, stderr %q\nwant exit %d, stdout %q, stderr containing %q", code, out, errOut, c.code, c.stdout, c.stderrHas)
			}
		})
	}
	// Three imports of the same recording store it once: the later ones are
	// recognized by their content and answer with the first one's counts.
	if n := svc.WaitCount(t, store.TableNotifications, "", 1); n != 1 {
		t.Fatalf("%d notifications after three imports of one recording", n)
	}
}

func TestServeRejectsBadConfig(t *testing.T) {
	_, errOut, code := run(t, "serve", "--store", "sqlite", "--poll-interval", "1s")
	if code != 1 || !strings.Contains(errOut, "store.kind:") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	// A flag's value the flag itself refuses is a mistake on the command
	// line: exit 2.
	_, errOut, code = run(t, "serve", "--alertmanager", "prod")
	if code != 2 || !strings.Contains(errOut, "want NAME=URL") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestReadCommands(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	importRecording(t, svc, "lookup.ndjson")
	win := []string{"--url", svc.URL, "--source", "prod", "--from", "2026-11-02T09:30:00Z", "--to", "2026-11-02T11:00:00Z"}
	lookup := func(extra ...string) []string {
		return append(append(append([]string{"lookup"}, win...), extra...), `{alertname=~"A|B"}`)
	}

	out, errOut, code := run(t, lookup("--output", "markdown")...)
	want := `| STARTS AT | ENDS AT | ALERTNAME | FINGERPRINT | SOURCE | LABELS | NOTIFICATIONS | SILENCED | INHIBITED |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 2026-11-02T10:00:00Z | 2026-11-02T10:10:00Z | A | aaaaaaaaaaaaaaaa | prod | {alertname="A", severity="P2"} | 2 | 3m0s | 0s |
| 2026-11-02T10:02:00Z | 2026-11-02T10:08:15Z | B | bbbbbbbbbbbbbbbb | prod | {alertname="B", severity="P1"} | 0 | 0s | 3m0s |
`
	if code != 0 || out != want {
		t.Fatalf("lookup --output markdown: exit %d, stderr %q\n got:\n%s\nwant:\n%s", code, errOut, out, want)
	}

	out, _, code = run(t, lookup()...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || strings.Join(strings.Fields(lines[1]), " ") != `2026-11-02T10:00:00Z 2026-11-02T10:10:00Z A aaaaaaaaaaaaaaaa prod {alertname="A", severity="P2"} 2 3m0s 0s` {
		t.Fatalf("lookup table: exit %d\n%s", code, out)
	}

	out, _, code = run(t, lookup("--output", "json")...)
	q := url.Values{"source": {"prod"}, "from": {"2026-11-02T09:30:00Z"}, "to": {"2026-11-02T11:00:00Z"}, "match": {`{alertname=~"A|B"}`}}
	_, api := svc.Get(t, "/api/v1/alerts?"+q.Encode())
	if code != 0 || out != string(api) {
		t.Fatalf("--output json must be the API's answer as is:\n got %s\nwant %s", out, api)
	}

	for _, c := range []struct {
		args      []string
		stderrHas string
		code      int // 1: the command failed; 2: the command line is wrong
	}{
		{[]string{"lookup", "--url", svc.URL, `{alertname=~"("}`}, "alertlens lookup: server answered 400: parameter match:", 1},
		{[]string{"flapping", "--url", svc.URL, "--from", "yesterday"}, "alertlens flapping: server answered 400: parameter from:", 1},
		{[]string{"silences", "stale", "--url", svc.URL, "--idle", "0s"}, "alertlens silences stale: server answered 400: parameter idle:", 1},
		{[]string{"noise", "--url", svc.URL, "--output", "yaml"}, `enum value must be one of table,json,markdown, got 'yaml'`, 2},
		{[]string{"inhibitions", "failed", "--url", "http://127.0.0.1:1"}, "connection refused", 1},
		{[]string{"lookup", "--url", svc.URL, "--receiver", "nobdoy", "{}"}, `alertlens lookup: server answered 400: parameter receiver: "nobdoy" is unknown`, 1},
		{[]string{"handover", "--url", svc.URL, "--to", "2026-02-30T00:00:00Z"}, "alertlens handover: server answered 400: parameter to:", 1},
		// As amtool: a bare first word is the alertname, the rest matchers;
		// "b" is no matcher.
		{[]string{"lookup", "--url", svc.URL, "a", "b"}, "alertlens lookup: server answered 400: parameter match:", 1},
		{[]string{"explain", "--url", svc.URL, "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"}, `unexpected arguments ["aaaaaaaaaaaaaaaa" "bbbbbbbbbbbbbbbb"]: give one fingerprint, or matchers`, 1},
		{[]string{"flapping", "--url", "localhost:9095"}, `--url needs http:// or https:// (got "localhost:9095")`, 1},
	} {
		if _, errOut, code := run(t, c.args...); code != c.code || !strings.Contains(errOut, c.stderrHas) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut, c.code, c.stderrHas)
		}
	}
	if out, _, code := run(t, "inhibitions", "loops", "--url", svc.URL, "--from", "2026-11-02T09:30:00Z", "--to", "2026-11-02T11:00:00Z"); code != 0 || out != "(none)\n" {
		t.Errorf("inhibitions loops with none: exit %d, %q", code, out)
	}
}

func TestExplainCommand(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	importRecording(t, svc, "lookup.ndjson")
	out, errOut, code := run(t, "explain", "--url", svc.URL, "--at", "2026-11-02T10:06:00Z", "bbbbbbbbbbbbbbbb")
	want := `At 2026-11-02T10:06:00Z, B was firing but inhibited by A (aaaaaaaaaaaaaaaa), so Alertmanager did not notify.

  state: inhibited
  notified: false
  inhibited by A (aaaaaaaaaaaaaaaa) {alertname="A", severity="P2"}
`
	if code != 0 || out != want {
		t.Fatalf("explain: exit %d, stderr %q\n got:\n%s\nwant:\n%s", code, errOut, out, want)
	}
	if _, errOut, code := run(t, "explain", "--url", svc.URL, "--fingerprint", "nothex"); code != 1 || !strings.Contains(errOut, "parameter fingerprint") {
		t.Fatalf("bad fingerprint: exit %d, %q", code, errOut)
	}
	// Not a fingerprint as an argument: an alertname, like lookup's.
	if _, errOut, code := run(t, "explain", "--url", svc.URL, "nothex"); code != 1 || !strings.Contains(errOut, `no alert matches {alertname="nothex"}`) {
		t.Fatalf("an unknown alertname: exit %d, %q", code, errOut)
	}
}

func TestHandoverCommand(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	importRecording(t, svc, "lookup.ndjson")
	// A table for the terminal: the sections, no Markdown and no links.
	// oncall only got B (10:02–10:08:15, never notified).
	out, errOut, code := run(t, "handover", "--url", svc.URL, "--receiver", "oncall", "--from", "2026-11-02T09:30:00Z", "--to", "2026-11-02T10:20:00Z")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 6 || lines[0] != "FIRED" || strings.Join(strings.Fields(lines[2]), " ") != "B 1 1 0 2026-11-02T10:02:00Z 2026-11-02T10:02:00Z 6m15s 0" ||
		lines[4] != "STILL FIRING" || lines[5] != "(none)" || strings.Contains(out, "http") {
		t.Fatalf("handover as a table: exit %d, stderr %q\n%s", code, errOut, out)
	}
	out, errOut, code = run(t, "handover", "--url", svc.URL, "--receiver", "oncall", "--from", "2026-11-02T09:30:00Z", "--to", "2026-11-02T10:20:00Z", "-o", "markdown")
	if code != 0 || !strings.HasPrefix(out, "# Handover: oncall, 2026-11-02 09:30 – 2026-11-02 10:20 UTC\n\n## What fired (1 alertnames, 0 notifications)\n") ||
		!strings.Contains(out, "| [B](http://prom/g) | 1 | 1 | 0 | 2026-11-02 10:02 | 2026-11-02 10:02 | 6m15s | 0 |\n") {
		t.Fatalf("handover: exit %d, stderr %q\n%s", code, errOut, out)
	}
	_, api := svc.Get(t, "/api/v1/handover?receiver=oncall&from=2026-11-02T09%3A30%3A00Z&to=2026-11-02T10%3A20%3A00Z")
	out, _, code = run(t, "handover", "--url", svc.URL, "--receiver", "oncall", "--from", "2026-11-02T09:30:00Z", "--to", "2026-11-02T10:20:00Z", "--output", "json")
	if code != 0 || out != string(api) {
		t.Fatalf("handover --output json differs from the API:\n%s\n%s", out, api)
	}
	if _, errOut, code := run(t, "handover", "--url", svc.URL, "--since", "12h", "--from", "now-1h"); code != 1 || !strings.Contains(errOut, "--since and --from") {
		t.Fatalf("--since with --from: exit %d %q", code, errOut)
	}
	if _, errOut, code := run(t, "handover", "--url", svc.URL, "--since", "soon"); code != 1 || !strings.Contains(errOut, "parameter from") {
		t.Fatalf("--since soon: exit %d %q", code, errOut)
	}
}

func TestReportWeeklyCommand(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	importRecording(t, svc, "weekly.ndjson")
	// The service's working hours are UTC here: W43 is Monday 10-19 00:00
	// UTC to 10-26 00:00 UTC, and the Sunday 10-18 notifications belong to
	// the week before.
	out, errOut, code := run(t, "report", "weekly", "--url", svc.URL, "--week", "2026-W43")
	if code != 0 || !strings.HasPrefix(out, "# On-call review 2026-W43: all receivers\n\n2026-10-19 00:00 – 2026-10-26 00:00 (UTC)\n") ||
		!strings.Contains(out, "| Notifications | 4 | 4 | 0 |\n") {
		t.Fatalf("report weekly: exit %d, stderr %q\n%s", code, errOut, out)
	}
	if _, errOut, code := run(t, "report", "weekly", "--url", svc.URL, "--week", "W43"); code != 1 || !strings.Contains(errOut, "parameter week") {
		t.Fatalf("bad week: exit %d %q", code, errOut)
	}
}

// importRecording imports one of api/testdata's recordings with the real
// binary and waits until the writer stored all of it.
func importRecording(t *testing.T, svc *apptest.Service, name string) {
	t.Helper()
	if _, errOut, code := run(t, "import", "--url", svc.URL, filepath.Join("..", "..", "api", "testdata", name)); code != 0 {
		t.Fatalf("import %s: %s", name, errOut)
	}
	svc.WaitDrained(t)
}

// A listener that cannot serve (here: a certificate that is no
// certificate) stops the process with an error naming the setting, instead
// of leaving it up and deaf.
func TestServeStopsWhenTheListenerCannotServe(t *testing.T) {
	dir := t.TempDir()
	cert := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(cert, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"))
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "ALERTLENS_TLS_CERT_FILE="+cert, "ALERTLENS_TLS_KEY_FILE="+cert)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 || !strings.Contains(stderr.String(), "tls.cert_file") {
			t.Fatalf("exit %v, stderr %q; want a failure naming tls.cert_file", err, stderr.String())
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("alertlens still running 60s after a bad certificate; stderr %q", stderr.String())
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(wd, "..", "..")
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		out, errOut, code := run(t, arg)
		if code != 0 || !strings.HasPrefix(out, "alertlens, version ") || errOut != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", arg, code, out, errOut)
		}
	}
}

// whatif in a terminal: every figure of the answer on its own line (the
// values are TestWhatIf's, derived there).
func TestWhatIfCommand(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	body, err := os.ReadFile(filepath.Join("..", "..", "api", "testdata", "whatif.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	if code, b := svc.Post(t, "/api/v1/import", "application/x-ndjson", body); code != 200 {
		t.Fatalf("import: %d %s", code, b)
	}
	out, errOut, code := run(t, "whatif", "--url", svc.URL, "--from", "2026-11-02T00:00:00Z", "--to", "2026-11-03T00:00:00Z", "--for", "5m")
	want := `after notifications: 4
after episodes: 2
after out of hours: 0
after sleep hours: 0
before notifications: 8
before episodes: 4
before out of hours: 2
before sleep hours: 2
delayed episodes: 2
delayed max delay seconds: 300
for seconds: 300
keep firing for seconds: 0
merged: 0
`
	if code != 0 || out != want {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}
}

// The habits of amtool and promtool: flags after arguments, -o, several
// matcher arguments with a bare first word as the alertname, --help on
// stdout with exit 0, and a clear word when --url is not alertlens.
func TestCLIHabits(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	importRecording(t, svc, "lookup.ndjson")
	q := url.Values{"source": {"prod"}, "from": {"2026-11-02T09:30:00Z"}, "to": {"2026-11-02T11:00:00Z"}, "match": {`{alertname="A",severity=~"P1|P2"}`}}
	_, api := svc.Get(t, "/api/v1/alerts?"+q.Encode())
	out, errOut, code := run(t, "lookup", "A", `severity=~"P1|P2"`, "--url", svc.URL, "--source", "prod",
		"--from", "2026-11-02T09:30:00Z", "--to", "2026-11-02T11:00:00Z", "-o", "json")
	if code != 0 || out != string(api) || !strings.Contains(out, `"alertname":"A"`) {
		t.Fatalf("lookup A severity=~… -o json (flags last): exit %d, stderr %q\n got %s\nwant %s", code, errOut, out, api)
	}
	out, errOut, code = run(t, "flapping", "--help")
	if code != 0 || errOut != "" || !strings.Contains(out, "usage: alertlens flapping") || !regexp.MustCompile(`\(default\s+1h\)`).MatchString(out) {
		t.Fatalf("--help: exit %d, stderr %q, stdout %q", code, errOut, out)
	}
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>Alertmanager</html>"))
	}))
	defer plain.Close()
	if _, errOut, code := run(t, "flapping", "--url", plain.URL); code != 1 || !strings.Contains(errOut, "is not an alertlens server") {
		t.Fatalf("--url at something else: exit %d, stderr %q", code, errOut)
	}
}

// rules suggest over api/testdata/flapping.ndjson: Flappy flapped (4 flaps
// in 5 episodes; for 660 s = 11m and keep_firing_for 3060 s = 51m, derived in
// api/flapping_test.go), Hesitant did not (1 flap, under min_flaps 2). The
// diff, applied with patch, raises Flappy's for: from 5m to 11m and adds
// keep_firing_for: 51m; every other line, comments and blank lines included,
// stays; promtool accepts the result; --apply writes the same.
func TestRulesSuggest(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	importRecording(t, svc, "flapping.ndjson")
	for _, mode := range []string{"diff", "apply"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			src, err := os.ReadFile(filepath.Join("testdata", "rules", "alerts.yml"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "alerts.yml"), src, 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{"rules", "suggest", "--rules", "*.yml", "--url", svc.URL, "--from", "2026-11-02T10:00:00Z", "--to", "2026-11-02T14:00:00Z"}
			if mode == "apply" {
				args = append(args, "--apply")
			}
			cmd := exec.Command(binary, args...)
			cmd.Dir = dir
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v: %s", err, errOut.String())
			}
			if mode == "diff" {
				if !strings.HasPrefix(out.String(), "# alertlens: Flappy: for 11m (4 flaps in 5 episodes)\n# alertlens: Flappy: keep_firing_for 51m") {
					t.Fatalf("patch header:\n%s", out.String())
				}
				p := exec.Command("patch", "-p1", "-d", dir)
				p.Stdin = &out
				if b, err := p.CombinedOutput(); err != nil {
					t.Fatalf("patch: %v\n%s", err, b)
				}
			} else if !strings.Contains(out.String(), "alerts.yml: patched") {
				t.Fatalf("--apply: %s", out.String())
			}
			got, _ := os.ReadFile(filepath.Join(dir, "alerts.yml"))
			want, _ := os.ReadFile(filepath.Join("testdata", "rules", "expected.yml"))
			if string(got) != string(want) {
				t.Fatalf("patched file:\n%s\nwant:\n%s", got, want)
			}
			if b, err := exec.Command("promtool", "check", "rules", filepath.Join(dir, "alerts.yml")).CombinedOutput(); err != nil {
				t.Fatalf("promtool check rules: %v\n%s", err, b)
			}
		})
	}
}

func runEnv(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// A CLI configuration file like amtool's names the server and the output;
// a flag on the command line wins over it; a key it cannot set is named,
// with the ones it can.
func TestCLIConfigFile(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	importRecording(t, svc, "lookup.ndjson")
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "cli.yml"), filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(good, []byte("url: "+svc.URL+"\noutput: json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("urll: "+svc.URL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := []string{"--from", "2026-11-02T09:30:00Z", "--to", "2026-11-02T11:00:00Z"}
	_, api := svc.Get(t, "/api/v1/sources?from=2026-11-02T09%3A30%3A00Z&to=2026-11-02T11%3A00%3A00Z")
	out, errOut, code := runEnv(t, []string{"ALERTLENS_CLI_CONFIG=" + good, "ALERTLENS_URL="}, append([]string{"sources"}, w...)...)
	if code != 0 || out != string(api) {
		t.Fatalf("sources with the file: exit %d, stderr %q\n got %s\nwant %s", code, errOut, out, api)
	}
	out, _, code = runEnv(t, []string{"ALERTLENS_CLI_CONFIG=" + good, "ALERTLENS_URL="}, append([]string{"sources", "-o", "table"}, w...)...)
	if code != 0 || strings.HasPrefix(out, "{") || !strings.Contains(out, "prod") {
		t.Fatalf("-o table over the file's json: exit %d, %q", code, out)
	}
	_, errOut, code = runEnv(t, []string{"ALERTLENS_CLI_CONFIG=" + bad}, "sources")
	if code != 1 || !strings.Contains(errOut, `"urll" is not a setting (it may set bearer-token, output, password, timeout, url, username)`) {
		t.Fatalf("a wrong key: exit %d, stderr %q", code, errOut)
	}
}

// Import on a terminal (a pty, through util-linux's script): the progress
// line follows the server's phases, and is cleared before the result, which
// stands on a clean line of its own.
func TestImportProgressOnATerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Fatalf("script (util-linux) runs the CLI on a pty: %v", err)
	}
	svc := apptest.Start(t, apptest.Config(t))
	rec := filepath.Join(t.TempDir(), "big.ndjson")
	var b strings.Builder
	const n = 30000
	for i := range n {
		fmt.Fprintf(&b, `{"kind":"webhook","at":"2026-11-02T10:%02d:%02dZ","source":"prod","payload":{"version":"4","receiver":"team","status":"firing","groupKey":"g","truncatedAlerts":0,"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"","alerts":[{"status":"firing","labels":{"alertname":"Big","n":"%d"},"annotations":{},"startsAt":"2026-11-02T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"%016x"}]}}`+"\n",
			i/60%60, i%60, i, i+1)
	}
	if err := os.WriteFile(rec, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(script, "-qec", binary+" import --url "+svc.URL+" "+rec, "/dev/null").CombinedOutput()
	if err != nil {
		t.Fatalf("import on a pty: %v\n%q", err, out)
	}
	text := string(out)
	result := fmt.Sprintf("%s: %d lines, %d rows", rec, n, n)
	// The phases the server went through, each on the status line.
	for _, phase := range []string{rec + ": validating ", rec + ": replaying "} {
		if !strings.Contains(text, "\r\x1b[K"+phase) {
			t.Errorf("no %q on the status line:\n%q", phase, text[:min(len(text), 2000)])
		}
	}
	// Cleared, then the result alone on its line, and nothing after it.
	if !strings.HasSuffix(strings.TrimRight(text, "\r\n"), "\r\x1b["+"K"+result) {
		t.Errorf("the output does not end with the cleared line and %q:\n%q", result, text[max(0, len(text)-500):])
	}
}
