package plugin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"

	"github.com/alertlens/alertlens/grafana-plugin/internal/servertest"
	"github.com/alertlens/alertlens/grafana-plugin/pkg/plugin"
)

// update refreshes the golden frame files; review their diff.
var update = os.Getenv("UPDATE_GOLDEN") == "1"

func service(t *testing.T) *servertest.Server {
	t.Helper()
	svc := servertest.Start(t)
	svc.Import(t, servertest.Testdata("lookup.ndjson"))
	return svc
}

func datasource(t *testing.T, url, token string) *plugin.Datasource {
	t.Helper()
	inst, err := plugin.NewDatasource(context.Background(), backend.DataSourceInstanceSettings{URL: url, DecryptedSecureJSONData: map[string]string{"token": token}})
	if err != nil {
		t.Fatal(err)
	}
	return inst.(*plugin.Datasource)
}

var window = backend.TimeRange{From: time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC), To: time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC)}

func TestEveryQueryTypeAnswersFrames(t *testing.T) {
	svc := service(t)
	ds := datasource(t, svc.URL, "")
	queries := map[string]string{
		"episodes":                  `{"queryType":"episodes","match":"{alertname=~\"A|B\"}"}`,
		"timeline":                  `{"queryType":"timeline","fingerprint":"aaaaaaaaaaaaaaaa","source":"prod"}`,
		"flapping":                  `{"queryType":"flapping","minFlaps":1}`,
		"inhibitions_failed":        `{"queryType":"inhibitions_failed"}`,
		"inhibitions_loops":         `{"queryType":"inhibitions_loops"}`,
		"silences_stale":            `{"queryType":"silences_stale"}`,
		"noise":                     `{"queryType":"noise","by":"severity"}`,
		"silences_top":              `{"queryType":"silences_top","limit":5}`,
		"sources":                   `{"queryType":"sources"}`,
		"receivers":                 `{"queryType":"receivers"}`,
		"label_names":               `{"queryType":"label_names"}`,
		"label_values":              `{"queryType":"label_values","name":"severity"}`,
		"suggestions_inhibit_rules": `{"queryType":"suggestions_inhibit_rules"}`,
		"suggestions_group_by":      `{"queryType":"suggestions_group_by"}`,
		"handover":                  `{"queryType":"handover"}`,
		"weekly_review":             `{"queryType":"weekly_review","week":"2026-W45"}`,
		"state_timeline":            `{"queryType":"state_timeline","source":"prod"}`,
		"notifications_series":      `{"queryType":"notifications_series","by":"alertname","step":"30m"}`,
	}
	if got := strings.Join(plugin.QueryTypes(), ","); len(queries) != len(plugin.QueryTypes()) {
		t.Fatalf("query types %s: the test covers %d", got, len(queries))
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{RefID: "A", JSON: json.RawMessage(q), TimeRange: window}}})
			if err != nil {
				t.Fatal(err)
			}
			dr := resp.Responses["A"]
			if dr.Error != nil {
				t.Fatalf("%s: %v", name, dr.Error)
			}
			if len(dr.Frames) == 0 {
				t.Fatalf("%s: no frames", name)
			}
			experimental.CheckGoldenJSONResponse(t, "testdata", name, &dr, update)
		})
	}
}

func TestQueryErrorsArePerQueryAndMarkedAsUserErrors(t *testing.T) {
	svc := service(t)
	ds := datasource(t, svc.URL, "")
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		{RefID: "bad-matcher", JSON: json.RawMessage(`{"queryType":"episodes","match":"{a=~\"(\"}"}`), TimeRange: window},
		{RefID: "bad-type", JSON: json.RawMessage(`{"queryType":"nope"}`), TimeRange: window},
		{RefID: "bad-json", JSON: json.RawMessage(`{`), TimeRange: window},
		{RefID: "unknown-receiver", JSON: json.RawMessage(`{"queryType":"noise","receiver":"nobody"}`), TimeRange: window},
		{RefID: "no-fingerprint", JSON: json.RawMessage(`{"queryType":"timeline"}`), TimeRange: window},
		{RefID: "good", JSON: json.RawMessage(`{"queryType":"episodes"}`), TimeRange: window},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"bad-matcher", "bad-type", "bad-json", "unknown-receiver", "no-fingerprint"} {
		r := resp.Responses[ref]
		if r.Error == nil || r.ErrorSource != backend.ErrorSourceDownstream || r.Status != backend.StatusBadRequest {
			t.Errorf("%s: error %v, source %q, status %v; want a downstream (user) 400", ref, r.Error, r.ErrorSource, r.Status)
		}
	}
	if !strings.Contains(resp.Responses["bad-matcher"].Error.Error(), "parameter match") {
		t.Errorf("bad matcher error %q should carry alertlens's message", resp.Responses["bad-matcher"].Error)
	}
	if r := resp.Responses["good"]; r.Error != nil || len(r.Frames) != 1 || r.Frames[0].Rows() != 4 {
		t.Errorf("the good query next to bad ones: %v, %d frames", r.Error, len(r.Frames))
	}
}

func TestCheckHealth(t *testing.T) {
	svc := servertest.Start(t, servertest.Env("api_auth_bearer_token", "s3cret"))
	for _, c := range []struct {
		name, url, token string
		status           backend.HealthStatus
		msg              string
	}{
		{"ready", svc.URL, "s3cret", backend.HealthStatusOk, "alertlens is Ready."},
		{"wrong token", svc.URL, "nope", backend.HealthStatusError, "its API refused the query"},
		{"down", "http://127.0.0.1:1", "", backend.HealthStatusError, "is not ready"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := datasource(t, c.url, c.token).CheckHealth(context.Background(), &backend.CheckHealthRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != c.status || !strings.Contains(res.Message, c.msg) {
				t.Fatalf("status %v %q, want %v containing %q", res.Status, res.Message, c.status, c.msg)
			}
		})
	}
	if _, err := plugin.NewDatasource(context.Background(), backend.DataSourceInstanceSettings{URL: "localhost:9095"}); err == nil {
		t.Fatal("a URL without a scheme was accepted")
	}
}

// TestFrontendListIsGenerated keeps the query editor's list
// (src/analyses.gen.ts) what the descriptors say; UPDATE_GOLDEN=1 rewrites it.
func TestFrontendListIsGenerated(t *testing.T) {
	path := filepath.Join("..", "..", plugin.FrontendFile)
	want := plugin.Frontend()
	if update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s is out of date with the analysis descriptors: run 'go run ./cmd/gen-frontend' in grafana-plugin/", plugin.FrontendFile)
	}
	for _, qt := range plugin.QueryTypes() {
		if !strings.Contains(string(got), "value: '"+qt+"'") {
			t.Errorf("query type %s missing from %s", qt, plugin.FrontendFile)
		}
	}
}

// TestFrameValues checks frames against values worked out by hand from
// api/testdata/lookup.ndjson (see api/lookup_test.go for its story), next to
// the golden files, which record the whole frames.
func TestFrameValues(t *testing.T) {
	svc := service(t)
	ds := datasource(t, svc.URL, "")
	cases := []struct {
		query, frame, field string
		want                []string
	}{
		{`{"queryType":"episodes","match":"{alertname=~\"A|B\"}"}`, "episodes", "alertname", []string{"A", "B", "A"}},
		{`{"queryType":"episodes","match":"{alertname=~\"A|B\"}"}`, "episodes", "notifications", []string{"2", "0", "1"}},
		{`{"queryType":"episodes","match":"{alertname=~\"A|B\"}"}`, "episodes", "silenced_seconds", []string{"180", "0", "0"}},
		{`{"queryType":"episodes","match":"{alertname=~\"A|B\"}"}`, "episodes", "inhibited_seconds", []string{"0", "180", "0"}},
		{`{"queryType":"episodes","match":"{alertname=~\"A|B\"}"}`, "episodes", "labels", []string{`{alertname="A", severity="P2"}`, `{alertname="B", severity="P1"}`, `{alertname="A", severity="P2"}`}},
		// A: firing (notification 10:00:05, poll 10:00:15), silenced 10:05:15,
		// firing 10:08:15, resolved 10:10:05 and 10:10:15; B: nothing until
		// inhibited at 10:05:15, resolved at 10:08:15.
		// Multi-select variables arrive as lists (the frontend's
		// interpolation): A fired in prod and in eu, B (routed to oncall,
		// the others to team) only in prod; the empty list is "All".
		{`{"queryType":"episodes","match":"{alertname=~\"A|B\"}","source":["eu"]}`, "episodes", "source", []string{"eu"}},
		{`{"queryType":"episodes","match":"{alertname=~\"A|B\"}","source":[]}`, "episodes", "alertname", []string{"A", "B", "A"}},
		{`{"queryType":"episodes","match":"{alertname=~\"A|B\"}","source":["eu","prod"],"receiver":["oncall"]}`, "episodes", "alertname", []string{"B"}},
		{`{"queryType":"episodes","match":"{alertname=~\"A|B\"}","receiver":["team","oncall"]}`, "episodes", "alertname", []string{"A", "B", "A"}},
		{`{"queryType":"episodes","match":"{alertname=~\"A|B\"}","receiver":["team"]}`, "episodes", "source", []string{"prod", "eu"}},
		{`{"queryType":"state_timeline","source":"prod"}`, "state_timeline", "A (prod, aaaaaaaa)", []string{"firing", "firing", "silenced", "firing", "resolved", "resolved"}},
		{`{"queryType":"state_timeline","source":"prod"}`, "state_timeline", "B (prod, bbbbbbbb)", []string{"<nil>", "<nil>", "inhibited", "resolved", "resolved", "resolved"}},
		{`{"queryType":"notifications_series","step":"30m"}`, "notifications", "A", []string{"2", "1"}},
		// In 09:30–11:00: A's three deliveries (P2); C's only one (P3) came at
		// 09:00:05, before the window; B (P1) never paged. P1 and P3 tie at
		// 0 notifications and 1 episode, so they sort by key.
		{`{"queryType":"noise","by":"severity"}`, "noise", "key", []string{"P2", "P1", "P3"}},
		{`{"queryType":"noise","by":"severity"}`, "noise", "notifications", []string{"3", "0", "0"}},
		{`{"queryType":"noise","by":"severity"}`, "noise", "episodes", []string{"2", "1", "1"}},
	}
	for _, c := range cases {
		resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{RefID: "A", JSON: json.RawMessage(c.query), TimeRange: window}}})
		if err != nil {
			t.Fatal(err)
		}
		r := resp.Responses["A"]
		if r.Error != nil {
			t.Fatalf("%s: %v", c.query, r.Error)
		}
		var got []string
		for _, f := range r.Frames {
			if f.Name != c.frame {
				continue
			}
			field, _ := f.FieldByName(c.field)
			if field == nil {
				t.Fatalf("%s: frame %s has no field %q", c.query, c.frame, c.field)
			}
			for i := range field.Len() {
				v, ok := field.ConcreteAt(i)
				if !ok {
					v = nil
				}
				got = append(got, fmt.Sprint(v))
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %s.%s = %v, want %v", c.query, c.frame, c.field, got, c.want)
		}
	}
}
