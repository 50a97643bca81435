package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// No Docker engine runs on these machines, so the compose stack is checked
// statically: it parses, every mounted file exists (or is a build output of
// a make target), Prometheus's and Alertmanager's configs pass their own
// checkers, and the addresses the services use for each other agree.
type compose struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       string            `yaml:"build"`
		Command     []string          `yaml:"command"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
		Environment map[string]string `yaml:"environment"`
	} `yaml:"services"`
}

// buildOutputs are mounted paths a make target creates.
var buildOutputs = map[string]string{"./grafana-plugin/dist": "plugin"}

func TestComposeStack(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, s := range []string{"prometheus", "alertmanager", "clickhouse", "alertlens", "grafana"} {
		if _, ok := c.Services[s]; !ok {
			t.Fatalf("service %s missing", s)
		}
	}
	makefile, _ := os.ReadFile(filepath.Join(root, "Makefile"))
	mounts := map[string]string{} // container path -> host path
	for name, s := range c.Services {
		for _, v := range s.Volumes {
			parts := strings.Split(v, ":")
			host, ctr := parts[0], parts[1]
			mounts[ctr] = filepath.Join(root, host)
			if target, ok := buildOutputs[host]; ok {
				if !strings.Contains(string(makefile), "\n"+target+":") {
					t.Errorf("%s mounts %s, built by `make %s`, which the Makefile lacks", name, host, target)
				}
				continue
			}
			if _, err := os.Stat(filepath.Join(root, host)); err != nil {
				t.Errorf("%s mounts %s: %v", name, host, err)
			}
		}
	}
	if c.Services["alertlens"].Build != "." {
		t.Errorf("alertlens should build from the repository's Dockerfile")
	}
	if _, err := os.Stat(filepath.Join(root, "Dockerfile")); err != nil {
		t.Error(err)
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
	alertlensCmd := strings.Join(c.Services["alertlens"].Command, " ")
	checks := []struct{ what, text, want string }{
		{"Alertmanager's webhook", string(am), "http://alertlens:9095/webhook/"},
		{"Prometheus's Alertmanager", string(prom), `"alertmanager:9093"`},
		{"Grafana's datasource", string(ds), "url: http://alertlens:9095"},
		{"Grafana's datasource type", string(ds), "type: alertlens-datasource"},
		{"alertlens listens", alertlensCmd, "--listen=:9095"},
		{"alertlens polls", alertlensCmd, "--alertmanager=demo=http://alertmanager:9093"},
		{"alertlens stores", alertlensCmd, "@clickhouse:9000/alertlens"},
		{"Grafana allows the plugin", c.Services["grafana"].Environment["GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"], "alertlens-datasource"},
	}
	for _, ch := range checks {
		if !strings.Contains(ch.text, ch.want) {
			t.Errorf("%s: %q not found", ch.what, ch.want)
		}
	}
	for svc, port := range map[string]string{"alertlens": "9095:9095", "alertmanager": "9093:9093", "clickhouse": "9000:9000", "grafana": "3000:3000"} {
		if !strings.Contains(strings.Join(c.Services[svc].Ports, " "), port) {
			t.Errorf("%s does not publish %s", svc, port)
		}
	}
	if ch := c.Services["clickhouse"].Environment; ch["CLICKHOUSE_DB"] != "alertlens" || !strings.Contains(alertlensCmd, "clickhouse://"+ch["CLICKHOUSE_USER"]+":"+ch["CLICKHOUSE_PASSWORD"]+"@") {
		t.Errorf("alertlens's DSN does not match ClickHouse's user, password and database")
	}
}
