package app_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
)

// An import asked for progress (Accept: application/x-ndjson) answers a
// line when each phase starts and ends with the result; a bad recording
// ends with "failed" and the status the plain answer has (400), naming the
// line, and stores nothing.
func TestImportStreamsItsProgress(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	good := `{"kind":"webhook","at":"2026-11-02T10:00:05Z","source":"prod","payload":` + delivery("P", "00000000000000e1", "firing", "2026-11-02T10:00:00Z", "0001-01-01T00:00:00Z") + "}\n"
	post := func(body string) []map[string]any {
		req, err := http.NewRequest(http.MethodPost, svc.URL+"/api/v1/import", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-ndjson")
		req.Header.Set("Accept", "application/x-ndjson")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var lines []map[string]any
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("%q: %v", sc.Text(), err)
			}
			lines = append(lines, m)
		}
		return lines
	}
	// Two lines: validating starts at 0 of 2, replaying at 0 of 2; then the
	// result (2 lines, 2 rows, readable).
	got := post(good + strings.Replace(good, "e1", "e2", 2))
	phases := []string{}
	for _, l := range got {
		phases = append(phases, l["phase"].(string))
	}
	if p := strings.Join(phases, ","); !strings.HasPrefix(p, "validating,replaying,") || !strings.HasSuffix(p, ",done") {
		t.Errorf("phases %s", p)
	}
	if last, _ := json.Marshal(got[len(got)-1]); string(last) != `{"phase":"done","result":{"already_imported":false,"lines":2,"readable":true,"rows":2}}` {
		t.Errorf("last line %s", last)
	}
	bad := post(good + "{not json}\n")
	if last, _ := json.Marshal(bad[len(bad)-1]); !strings.Contains(string(last), `"phase":"failed"`) || !strings.Contains(string(last), `"status":400`) || !strings.Contains(string(last), "line 2") {
		t.Errorf("bad recording ends with %s", last)
	}
	if n := svc.Count(t, "notifications", "alertname = 'P'"); n != 2 {
		t.Errorf("%d rows stored, want the good import's 2", n)
	}
}
