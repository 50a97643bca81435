package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// No Docker engine runs on these machines, so the image and the compose
// stack are checked statically, with the ecosystem's own code: the
// Dockerfile with BuildKit's parser and its build checks (what `docker
// build --check` runs on instructions), the compose file with compose-go's
// loader (what `docker compose config` runs: the compose specification's
// schema, interpolation, paths); then what they promise: every mounted file
// exists (or is a make target's output), Prometheus's and Alertmanager's
// configs pass their own checkers, and the services agree on each other's
// addresses.

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestDockerfile(t *testing.T) {
	root := repoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	ast, err := parser.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Dockerfile does not parse: %v", err)
	}
	var warnings []string
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		warnings = append(warnings, fmt.Sprintf("line %d: %s: %s", line, rule, msg))
	}})
	stages, _, err := instructions.Parse(ast.AST, lint)
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	for _, w := range append(warnings, parseWarnings(ast)...) {
		t.Errorf("build check: %s", w)
	}
	names := map[string]bool{}
	for _, s := range stages {
		// Every base image tagged with a version or a release, never latest.
		if m := regexp.MustCompile(`^[a-z0-9./-]+:([0-9A-Za-z.-]+)$`).FindStringSubmatch(s.BaseName); m == nil || m[1] == "latest" {
			t.Errorf("stage %q: base image %q is not pinned to a version", s.Name, s.BaseName)
		}
		for _, c := range s.Commands {
			if cp, ok := c.(*instructions.CopyCommand); ok && cp.From != "" && !names[cp.From] {
				t.Errorf("stage %q copies from %q, which is not an earlier stage", s.Name, cp.From)
			}
		}
		names[s.Name] = true
	}
	final := stages[len(stages)-1]
	var user string
	var entry, cmd *instructions.ShellDependantCmdLine
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.EntrypointCommand:
			entry = &c.ShellDependantCmdLine
		case *instructions.CmdCommand:
			cmd = &c.ShellDependantCmdLine
		}
	}
	if user == "" || user == "root" || user == "0" {
		t.Errorf("the image runs as %q: want an unprivileged user", user)
	}
	if entry == nil || entry.PrependShell || strings.Join(entry.CmdLine, " ") != "/usr/local/bin/alertlens" {
		t.Errorf("ENTRYPOINT should be the binary, in exec form: %+v", entry)
	}
	// The default command serves the embedded store on the volume.
	if cmd == nil || !slices.Contains(cmd.CmdLine, "serve") || !slices.Contains(cmd.CmdLine, "--data-dir=/var/lib/alertlens") {
		t.Errorf("CMD should serve the embedded store in /var/lib/alertlens: %+v", cmd)
	}
	// The engine the image carries is the one the suite tests.
	script, _ := os.ReadFile(filepath.Join(root, "scripts", "install-chdb.sh"))
	m := regexp.MustCompile(`(?m)^version=(\S+)$`).FindSubmatch(script)
	if m == nil || !strings.Contains(string(b), "ARG CHDB_VERSION="+string(m[1])+"\n") {
		t.Errorf("the Dockerfile's CHDB_VERSION differs from scripts/install-chdb.sh's version")
	}
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	for _, big := range []string{".git", ".chdb", ".tools", "**/node_modules", "data", "bin"} {
		if !slices.Contains(strings.Split(string(ignore), "\n"), big) {
			t.Errorf(".dockerignore does not leave out %s", big)
		}
	}
}

// parseWarnings are the parser's own (e.g. empty continuation lines).
func parseWarnings(r *parser.Result) []string {
	var out []string
	for _, w := range r.Warnings {
		out = append(out, fmt.Sprintf("line %d: %s", w.Location.Start.Line, w.Short))
	}
	return out
}

// buildOutputs are mounted paths a make target creates.
var buildOutputs = map[string]string{"grafana-plugin/dist": "plugin"}

func TestComposeStack(t *testing.T) {
	root := repoRoot(t)
	path := filepath.Join(root, "docker-compose.yml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir: root, ConfigFiles: []types.ConfigFile{{Filename: path, Content: b}}, Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName("alertlens", true) })
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	svc := func(name string) types.ServiceConfig {
		s, ok := project.Services[name]
		if !ok {
			t.Fatalf("service %s missing", name)
		}
		return s
	}
	for _, s := range []string{"prometheus", "alertmanager", "clickhouse", "alertlens", "grafana"} {
		if svc(s).Restart != "unless-stopped" {
			t.Errorf("%s: restart %q, want unless-stopped", s, svc(s).Restart)
		}
	}
	makefile, _ := os.ReadFile(filepath.Join(root, "Makefile"))
	mounts := map[string]string{} // container path -> host path
	for name, s := range project.Services {
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			mounts[v.Target] = v.Source
			rel, _ := filepath.Rel(root, v.Source)
			if target, ok := buildOutputs[rel]; ok {
				if !strings.Contains(string(makefile), "\n"+target+":") {
					t.Errorf("%s mounts %s, built by `make %s`, which the Makefile lacks", name, rel, target)
				}
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("%s mounts %s: %v", name, rel, err)
			}
		}
	}
	al := svc("alertlens")
	if al.Build == nil || al.Build.Context != root {
		t.Errorf("alertlens should build from the repository's Dockerfile: %+v", al.Build)
	}
	// The queue survives a restart of the container.
	if !slices.ContainsFunc(al.Volumes, func(v types.ServiceVolumeConfig) bool {
		return v.Type == types.VolumeTypeVolume && v.Target == "/var/lib/alertlens"
	}) {
		t.Errorf("alertlens's data directory (its queue) is not on a volume")
	}
	// alertlens starts once ClickHouse answers, not merely once it started.
	if d := al.DependsOn["clickhouse"]; d.Condition != types.ServiceConditionHealthy {
		t.Errorf("alertlens depends on clickhouse with condition %q, want service_healthy", d.Condition)
	}
	if hc := svc("clickhouse").HealthCheck; hc == nil || len(hc.Test) == 0 || !strings.Contains(strings.Join(hc.Test, " "), "SELECT 1") {
		t.Errorf("clickhouse has no health check that queries it: %+v", hc)
	}
	// Only what a person opens in a browser is published: Grafana and
	// alertlens's own pages.
	published := map[string]string{}
	for name, s := range project.Services {
		for _, p := range s.Ports {
			published[name] += fmt.Sprintf("%s:%d ", p.Published, p.Target)
		}
	}
	if want := map[string]string{"alertlens": "9095:9095 ", "grafana": "3000:3000 "}; fmt.Sprint(published) != fmt.Sprint(want) {
		t.Errorf("published ports %v, want %v", published, want)
	}

	// Prometheus: the config with its rule file where the container sees it.
	dir := t.TempDir()
	prom, err := os.ReadFile(mounts["/etc/prometheus/prometheus.yml"])
	if err != nil {
		t.Fatal(err)
	}
	local := strings.ReplaceAll(string(prom), "/etc/prometheus/rules.yml", mounts["/etc/prometheus/rules.yml"])
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("promtool", "check", "config", filepath.Join(dir, "prometheus.yml")).CombinedOutput(); err != nil {
		t.Errorf("promtool check config: %v\n%s", err, out)
	}
	if out, err := exec.Command("promtool", "check", "rules", mounts["/etc/prometheus/rules.yml"]).CombinedOutput(); err != nil || !strings.Contains(string(out), "SUCCESS: 4 rules found") {
		t.Errorf("promtool check rules: %v\n%s", err, out)
	}
	if out, err := exec.Command("amtool", "check-config", mounts["/etc/alertmanager/alertmanager.yml"]).CombinedOutput(); err != nil {
		t.Errorf("amtool check-config: %v\n%s", err, out)
	}

	// The addresses the services use for each other.
	am, _ := os.ReadFile(mounts["/etc/alertmanager/alertmanager.yml"])
	ds, _ := os.ReadFile(mounts["/etc/grafana/provisioning/datasources/alertlens.yml"])
	alertlensCmd := strings.Join(al.Command, " ")
	env := func(s, k string) string {
		if v := svc(s).Environment[k]; v != nil {
			return *v
		}
		return ""
	}
	checks := []struct{ what, text, want string }{
		{"Alertmanager's webhook", string(am), "http://alertlens:9095/webhook/"},
		{"Prometheus's Alertmanager", string(prom), `"alertmanager:9093"`},
		{"Grafana's datasource", string(ds), "url: http://alertlens:9095"},
		{"Grafana's datasource type", string(ds), "type: alertlens-datasource"},
		{"alertlens listens", alertlensCmd, "--listen=:9095"},
		{"alertlens polls", alertlensCmd, "--alertmanager=demo=http://alertmanager:9093"},
		{"alertlens stores", alertlensCmd, "@clickhouse:9000/alertlens"},
		{"Grafana allows the plugin", env("grafana", "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"), "alertlens-datasource"},
	}
	for _, ch := range checks {
		if !strings.Contains(ch.text, ch.want) {
			t.Errorf("%s: %q not found", ch.what, ch.want)
		}
	}
	if env("clickhouse", "CLICKHOUSE_DB") != "alertlens" ||
		!strings.Contains(alertlensCmd, "clickhouse://"+env("clickhouse", "CLICKHOUSE_USER")+":"+env("clickhouse", "CLICKHOUSE_PASSWORD")+"@") {
		t.Errorf("alertlens's DSN does not match ClickHouse's user, password and database")
	}
}
