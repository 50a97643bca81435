package dashboards_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/alertlens/alertlens/grafana-plugin/dashboards"
	"github.com/alertlens/alertlens/grafana-plugin/internal/servertest"
	"github.com/alertlens/alertlens/grafana-plugin/pkg/plugin"
)

const dir = "../../grafana-dashboards"

type variable struct {
	Name, Type string
	Query      any
	Datasource map[string]string
	IncludeAll bool
	Multi      bool
}

type dash struct {
	UID        string `json:"uid"`
	Title      string `json:"title"`
	Templating struct {
		List []variable `json:"list"`
	} `json:"templating"`
	Panels []struct {
		Title      string            `json:"title"`
		Datasource map[string]string `json:"datasource"`
		TimeFrom   string            `json:"timeFrom"`
		Targets    []map[string]any  `json:"targets"`
	} `json:"panels"`
}

func load(t *testing.T) map[string]dash {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards in %s: %v", dir, err)
	}
	out := map[string]dash{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dash
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s is not valid JSON: %v", f, err)
		}
		out[filepath.Base(f)] = d
	}
	return out
}

func TestCommittedDashboardsMatchTheirSource(t *testing.T) {
	want, err := dashboards.Build()
	if err != nil {
		t.Fatal(err)
	}
	got := load(t)
	if len(got) != len(want) {
		t.Fatalf("%d dashboards committed, %d built (run `go run ./cmd/gen-dashboards` in grafana-plugin/)", len(got), len(want))
	}
	for name, b := range want {
		committed, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(committed, b) {
			t.Errorf("%s drifted from grafana-plugin/dashboards (run `go run ./cmd/gen-dashboards` in grafana-plugin/)", name)
		}
	}
}

func TestDashboards(t *testing.T) {
	uids, titles := map[string]bool{}, map[string]bool{}
	for name, d := range load(t) {
		if d.UID == "" || uids[d.UID] || d.Title == "" || titles[d.Title] {
			t.Errorf("%s: uid %q / title %q missing or not unique", name, d.UID, d.Title)
		}
		uids[d.UID], titles[d.Title] = true, true
		if !slices.ContainsFunc(d.Templating.List, func(v variable) bool {
			return v.Name == "datasource" && v.Type == "datasource" && v.Query == dashboards.PluginType
		}) {
			t.Errorf("%s: no datasource variable of type %s", name, dashboards.PluginType)
		}
		// Sources and receivers are multi-select dropdowns of what
		// alertlens saw, asked through the plugin, with "All".
		for vname, queryType := range map[string]string{"source": "sources", "receiver": "receivers"} {
			if !slices.ContainsFunc(d.Templating.List, func(v variable) bool {
				q, _ := v.Query.(map[string]any)
				return v.Name == vname && v.Type == "query" && v.IncludeAll && v.Multi && v.Datasource["uid"] == "${datasource}" && q["queryType"] == queryType
			}) {
				t.Errorf("%s: variable %s is not a %s query through the plugin", name, vname, queryType)
			}
		}
		for _, p := range d.Panels {
			if p.Datasource["uid"] != "${datasource}" {
				t.Errorf("%s / %s: datasource uid %q is not the variable", name, p.Title, p.Datasource["uid"])
			}
			if len(p.Targets) == 0 {
				t.Errorf("%s / %s: no targets", name, p.Title)
			}
			for _, tg := range p.Targets {
				if ds, _ := tg["datasource"].(map[string]any); ds["uid"] != "${datasource}" {
					t.Errorf("%s / %s: target datasource %v is not the variable", name, p.Title, ds)
				}
				if qt, _ := tg["queryType"].(string); !slices.Contains(plugin.QueryTypes(), qt) {
					t.Errorf("%s / %s: query type %q unknown to the plugin", name, p.Title, qt)
				}
			}
		}
	}
	if len(uids) < 8 {
		t.Errorf("%d dashboards, want the 8 the design names", len(uids))
	}
}

// TestEveryPanelTargetAnswers runs every target of every dashboard through
// the plugin against an in-process alertlens with a recording imported.
func TestEveryPanelTargetAnswers(t *testing.T) {
	svc := servertest.Start(t)
	svc.Import(t, servertest.Testdata("lookup.ndjson"))
	inst, err := plugin.NewDatasource(context.Background(), backend.DataSourceInstanceSettings{URL: svc.URL})
	if err != nil {
		t.Fatal(err)
	}
	ds := inst.(*plugin.Datasource)
	// Grafana replaces template variables before the query reaches the
	// plugin: here, empty filters and the recording's week.
	vars := strings.NewReplacer("$source", "", "$receiver", "", "$match", "", "$week", "2026-W45")
	to := time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC)
	for name, d := range load(t) {
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				b, _ := json.Marshal(tg)
				q := vars.Replace(string(b))
				from := to.Add(-90 * time.Minute)
				if p.TimeFrom != "" {
					days := strings.TrimSuffix(p.TimeFrom, "d")
					n := 0
					for _, c := range days {
						n = n*10 + int(c-'0')
					}
					from = to.Add(-time.Duration(n) * 24 * time.Hour)
				}
				resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
					{RefID: "A", JSON: json.RawMessage(q), TimeRange: backend.TimeRange{From: from, To: to}}}})
				if err != nil {
					t.Fatal(err)
				}
				r := resp.Responses["A"]
				if r.Error != nil || len(r.Frames) == 0 {
					t.Errorf("%s / %s: error %v, %d frames", name, p.Title, r.Error, len(r.Frames))
					continue
				}
				for _, f := range r.Frames {
					if len(f.Fields) == 0 {
						t.Errorf("%s / %s: frame %s has no fields", name, p.Title, f.Name)
					}
				}
			}
		}
	}
}
