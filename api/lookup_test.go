package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// startWith imports a recording from testdata into a fresh service.
func startWith(t *testing.T, recording string) *apptest.Service {
	t.Helper()
	return startWithPollInterval(t, recording, "")
}

// startWithPollInterval is startWith with the poll interval the recording
// was made with (it matters to failed inhibitions).
func startWithPollInterval(t *testing.T, recording, interval string) *apptest.Service {
	t.Helper()
	cfg := apptest.Config(t)
	if interval != "" {
		d, err := config.ParseDuration(interval)
		if err != nil {
			t.Fatal(err)
		}
		cfg.PollInterval = d
	}
	return startWithConfig(t, recording, cfg)
}

// startWithConfig imports a recording into a fresh service made with cfg.
func startWithConfig(t *testing.T, recording string, cfg config.Config) *apptest.Service {
	t.Helper()
	svc := apptest.Start(t, cfg)
	body, err := os.ReadFile(filepath.Join("testdata", recording))
	if err != nil {
		t.Fatal(err)
	}
	importLines(t, svc, string(body))
	return svc
}

// importLines imports a recording's lines and waits until they are stored.
func importLines(t *testing.T, svc *apptest.Service, lines string) {
	t.Helper()
	if code, resp := svc.Post(t, "/api/v1/import", "application/x-ndjson", []byte(lines)); code != 200 {
		t.Fatalf("import: %d %s", code, resp)
	}
	// The writer commits its cursor only after the store took the rows, so
	// an empty queue means everything imported is stored. (Counting rows
	// would not do: silences collapse versions seen twice.)
	svc.WaitDrained(t)
}

// getJSON fetches path, which must answer 200, and decodes its JSON into v.
func getJSON(t *testing.T, svc *apptest.Service, path string, v any) {
	t.Helper()
	code, body := svc.Get(t, path)
	if code != 200 {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// stateRow is a poller row of prod for insertStates: the alert fp with
// labels (its alertname among them), seen at at, started then, routed to
// team, muted by nothing. Callers set what their row is about.
func stateRow(at store.Time, fp string, labels map[string]string) store.AlertState {
	return store.AlertState{ObservedAt: at, Source: "prod", Fingerprint: fp, Alertname: labels["alertname"], Labels: labels,
		Annotations: map[string]string{}, SilencedBy: []string{}, InhibitedBy: []string{}, MutedBy: []string{},
		Receivers: []string{"team"}, StartsAt: at}
}

// insertStates stores poller rows directly, in the order given, under an
// insert token: rows a recording cannot make (another writer's order).
func insertStates(t *testing.T, svc *apptest.Service, token string, rows ...store.AlertState) {
	t.Helper()
	b, err := store.EncodeRows(nil, rows)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Store.Insert(t.Context(), store.TableAlertStates, b, token); err != nil {
		t.Fatal(err)
	}
}

// checkJSON fetches path and compares its JSON with want (written by hand).
func checkJSON(t *testing.T, svc *apptest.Service, path, want string) {
	t.Helper()
	code, body := svc.Get(t, path)
	if code != 200 {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	sameJSON(t, "GET "+path, body, want)
}

// sameJSON compares JSON values, not their spelling.
func sameJSON(t *testing.T, what string, body []byte, want string) {
	t.Helper()
	var got, exp any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad expected JSON: %v", err)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("%s\n got %s\nwant %s", what, body, strings.Join(strings.Fields(want), " "))
	}
}

// The recording (testdata/lookup.ndjson), all on 2026-11-02, source prod
// unless said:
//
//	D  firing 08:00:05 (startsAt 08:00), resolved 08:30:05 (endsAt 08:30)
//	C  firing 09:00:05 (startsAt 09:00), never resolved
//	A  firing 10:00:05 and again at 10:00:20 from an HA peer (startsAt 10:00);
//	   polls: 10:00:15 active, 10:05:15 silenced by s1, 10:08:15 active,
//	   10:10:15 gone; resolved notification 10:10:05 (endsAt 10:10:00)
//	B  only in polls: 10:05:15 inhibited by A (startsAt 10:02, receiver
//	   oncall), gone at 10:08:15
//	A  in source eu: firing 10:30:05 (startsAt 10:30)
//
// By the definitions: A/prod ends at 10:10:00 (its resolved notification's
// endsAt comes before the 10:10:15 poll), has 2 notifications (the HA
// duplicate does not count; the resolved one does), and was silenced from
// 10:05:15 to 10:08:15 = 180 s. B ends at the first poll without it, 10:08:15,
// and was inhibited 10:05:15–10:08:15 = 180 s. D ended before 09:30.
const (
	epC     = `{"fingerprint":"cccccccccccccccc","alertname":"C","labels":{"alertname":"C","severity":"P3"},"source":"prod","starts_at":"2026-11-02T09:00:00Z","ends_at":null,"notifications":1,"silenced_seconds":0,"inhibited_seconds":0}`
	epA     = `{"fingerprint":"aaaaaaaaaaaaaaaa","alertname":"A","labels":{"alertname":"A","severity":"P2"},"source":"prod","starts_at":"2026-11-02T10:00:00Z","ends_at":"2026-11-02T10:10:00Z","notifications":2,"silenced_seconds":180,"inhibited_seconds":0}`
	epB     = `{"fingerprint":"bbbbbbbbbbbbbbbb","alertname":"B","labels":{"alertname":"B","severity":"P1"},"source":"prod","starts_at":"2026-11-02T10:02:00Z","ends_at":"2026-11-02T10:08:15Z","notifications":0,"silenced_seconds":0,"inhibited_seconds":180}`
	epAeu   = `{"fingerprint":"aaaaaaaaaaaaaaaa","alertname":"A","labels":{"alertname":"A","severity":"P2"},"source":"eu","starts_at":"2026-11-02T10:30:00Z","ends_at":null,"notifications":1,"silenced_seconds":0,"inhibited_seconds":0}`
	window  = "from=2026-11-02T09:30:00Z&to=2026-11-02T11:00:00Z"
	episode = "/api/v1/alerts?"
)

func TestAlertsEpisodes(t *testing.T) {
	svc := startWith(t, "lookup.ndjson")
	q := url.QueryEscape
	cases := []struct{ name, query, want string }{
		{"whole window, C crosses its start", window, `{"episodes":[` + epC + `,` + epA + `,` + epB + `,` + epAeu + `],"first_fired":{"fingerprint":"cccccccccccccccc","alertname":"C","source":"prod","starts_at":"2026-11-02T09:00:00Z"}}`},
		{"window ending mid-episode keeps the real end", "from=2026-11-02T09:30:00Z&to=2026-11-02T10:05:00Z&match=" + q(`{alertname=~"A|B"}`), `{"episodes":[` + epA + `,` + epB + `],"first_fired":{"fingerprint":"aaaaaaaaaaaaaaaa","alertname":"A","source":"prod","starts_at":"2026-11-02T10:00:00Z"}}`},
		{"one source", window + "&source=eu", `{"episodes":[` + epAeu + `],"first_fired":{"fingerprint":"aaaaaaaaaaaaaaaa","alertname":"A","source":"eu","starts_at":"2026-11-02T10:30:00Z"}}`},
		{"negative matcher", window + "&match=" + q(`{severity!="P2"}`), `{"episodes":[` + epC + `,` + epB + `],"first_fired":{"fingerprint":"cccccccccccccccc","alertname":"C","source":"prod","starts_at":"2026-11-02T09:00:00Z"}}`},
		// Repeated source and receiver parameters mean any of them (a
		// dashboard's multi-select): prod and eu are every source; B is
		// the only episode routed to oncall, Aeu the only one in eu.
		{"two sources", window + "&source=prod&source=eu", `{"episodes":[` + epC + `,` + epA + `,` + epB + `,` + epAeu + `],"first_fired":{"fingerprint":"cccccccccccccccc","alertname":"C","source":"prod","starts_at":"2026-11-02T09:00:00Z"}}`},
		{"two receivers in one source", window + "&receiver=oncall&receiver=team&source=eu", `{"episodes":[` + epAeu + `],"first_fired":{"fingerprint":"aaaaaaaaaaaaaaaa","alertname":"A","source":"eu","starts_at":"2026-11-02T10:30:00Z"}}`},
		{"one receiver in two sources", window + "&receiver=oncall&source=eu&source=prod", `{"episodes":[` + epB + `],"first_fired":{"fingerprint":"bbbbbbbbbbbbbbbb","alertname":"B","source":"prod","starts_at":"2026-11-02T10:02:00Z"}}`},
		{"receiver from the poller", window + "&receiver=oncall", `{"episodes":[` + epB + `],"first_fired":{"fingerprint":"bbbbbbbbbbbbbbbb","alertname":"B","source":"prod","starts_at":"2026-11-02T10:02:00Z"}}`},
		{"regex is anchored", window + "&match=" + q(`{alertname=~"."}`), `{"episodes":[` + epC + `,` + epA + `,` + epB + `,` + epAeu + `],"first_fired":{"fingerprint":"cccccccccccccccc","alertname":"C","source":"prod","starts_at":"2026-11-02T09:00:00Z"}}`},
		{"regex partial does not match", window + "&match=" + q(`{severity=~"P"}`), `{"episodes":[],"first_fired":null}`},
		{"ended before the window", "from=2026-11-02T08:10:00Z&to=2026-11-02T08:20:00Z", `{"episodes":[{"fingerprint":"dddddddddddddddd","alertname":"D","labels":{"alertname":"D","severity":"P3"},"source":"prod","starts_at":"2026-11-02T08:00:00Z","ends_at":"2026-11-02T08:30:00Z","notifications":2,"silenced_seconds":0,"inhibited_seconds":0}],"first_fired":{"fingerprint":"dddddddddddddddd","alertname":"D","source":"prod","starts_at":"2026-11-02T08:00:00Z"}}`},
		{"empty window", "from=2026-11-01T00:00:00Z&to=2026-11-01T01:00:00Z", `{"episodes":[],"first_fired":null}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkJSON(t, svc, episode+c.query, c.want) })
	}
	// Every receiver of a list is checked: the unknown one is named.
	if code, body := svc.Get(t, episode+window+"&receiver=team&receiver=nobody"); code != 400 || !strings.Contains(string(body), `parameter receiver: \"nobody\" is unknown`) {
		t.Errorf("a list with an unknown receiver: %d %s", code, body)
	}
}

// testdata/muted_tail.ndjson, source prod, 2026-11-03: T and U fire from
// 10:00 (notified 10:00:05 and 10:00:06); the poller sees both active at
// 10:00:30, and at 10:01:00 T silenced by s1 and U inhibited by T; it
// polls no more. U's resolved notification (10:02:05) says it ended at
// 10:02:00, T's (10:03:05) at 10:03:00.
//
// Neither alert has a poller row after 10:01:00, so that row's state holds
// until its episode's end: T silenced 10:01:00–10:03:00 = 120 s, U
// inhibited 10:01:00–10:02:00 = 60 s. Each has 2 notifications (a firing
// and a resolved one). T is listed first (same start, smaller
// fingerprint).
func TestMutedUntilTheEpisodeEnds(t *testing.T) {
	svc := startWith(t, "muted_tail.ndjson")
	checkJSON(t, svc, episode+"from=2026-11-03T09:00:00Z&to=2026-11-03T11:00:00Z", `{"episodes":[
		{"fingerprint":"1212121212121212","alertname":"T","labels":{"alertname":"T"},"source":"prod","starts_at":"2026-11-03T10:00:00Z","ends_at":"2026-11-03T10:03:00Z","notifications":2,"silenced_seconds":120,"inhibited_seconds":0},
		{"fingerprint":"3434343434343434","alertname":"U","labels":{"alertname":"U"},"source":"prod","starts_at":"2026-11-03T10:00:00Z","ends_at":"2026-11-03T10:02:00Z","notifications":2,"silenced_seconds":0,"inhibited_seconds":60}],
		"first_fired":{"fingerprint":"1212121212121212","alertname":"T","source":"prod","starts_at":"2026-11-03T10:00:00Z"}}`)
}

func TestTimeline(t *testing.T) {
	svc := startWith(t, "lookup.ndjson")
	checkJSON(t, svc, "/api/v1/alerts/aaaaaaaaaaaaaaaa/timeline?source=prod&"+window, `{"fingerprint":"aaaaaaaaaaaaaaaa","events":[
		{"at":"2026-11-02T10:00:05Z","kind":"notification","status":"firing","receiver":"team","silenced_by":[],"inhibited_by":[]},
		{"at":"2026-11-02T10:00:15Z","kind":"state","state":"active","receiver":"team","silenced_by":[],"inhibited_by":[]},
		{"at":"2026-11-02T10:05:15Z","kind":"state","state":"suppressed","receiver":"team","silenced_by":["s1"],"inhibited_by":[]},
		{"at":"2026-11-02T10:08:15Z","kind":"state","state":"active","receiver":"team","silenced_by":[],"inhibited_by":[]},
		{"at":"2026-11-02T10:10:05Z","kind":"notification","status":"resolved","receiver":"team","silenced_by":[],"inhibited_by":[]},
		{"at":"2026-11-02T10:10:15Z","kind":"state","state":"resolved","receiver":"team","silenced_by":[],"inhibited_by":[]}],
		"alert":{"source":"prod","alertname":"A","labels":{"alertname":"A","severity":"P2"},"annotations":{},
			"generator_url":"http://prom/g","external_url":"http://am:9093"}}`)
	// B was only polled: what the poller saw, and no Alertmanager URL (the
	// poller's rows do not carry one).
	code, body := svc.Get(t, "/api/v1/alerts/bbbbbbbbbbbbbbbb/timeline?"+window)
	var tl struct{ Alert json.RawMessage }
	if err := json.Unmarshal(body, &tl); code != 200 || err != nil {
		t.Fatalf("%d %s", code, body)
	}
	sameJSON(t, "B's alert", tl.Alert, `{"source":"prod","alertname":"B","labels":{"alertname":"B","severity":"P1"},"annotations":{},
		"generator_url":"http://prom/g","external_url":""}`)
	// D's rows (notified 08:00:05 and 08:30:05) all come before the window:
	// no events, and what was last seen of it is read from before the
	// window.
	checkJSON(t, svc, "/api/v1/alerts/dddddddddddddddd/timeline?"+window, `{"fingerprint":"dddddddddddddddd","events":[],
		"alert":{"source":"prod","alertname":"D","labels":{"alertname":"D","severity":"P3"},"annotations":{},
			"generator_url":"http://prom/g","external_url":"http://am:9093"}}`)
	// In 10:08–10:09 A has only the poll of 10:08:15, which carries no
	// Alertmanager URL; its notifications before the window do
	// (http://am:9093, the latest at 10:00:20), and that is the URL.
	checkJSON(t, svc, "/api/v1/alerts/aaaaaaaaaaaaaaaa/timeline?from=2026-11-02T10:08:00Z&to=2026-11-02T10:09:00Z", `{"fingerprint":"aaaaaaaaaaaaaaaa","events":[
		{"at":"2026-11-02T10:08:15Z","kind":"state","state":"active","receiver":"team","silenced_by":[],"inhibited_by":[]}],
		"alert":{"source":"prod","alertname":"A","labels":{"alertname":"A","severity":"P2"},"annotations":{},
			"generator_url":"http://prom/g","external_url":"http://am:9093"}}`)
	// An alert never seen has no alert.
	checkJSON(t, svc, "/api/v1/alerts/0123456789abcdef/timeline?"+window, `{"fingerprint":"0123456789abcdef","events":[],"alert":null}`)
}

func TestBadParameters(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	for _, c := range []struct{ path, param string }{
		{"/api/v1/alerts?from=yesterday", "parameter from"},
		{"/api/v1/alerts?to=2026-13-01T00:00:00Z", "parameter to"},
		{"/api/v1/alerts?from=now&to=now-1h", "parameter from"},
		{"/api/v1/alerts?match=" + url.QueryEscape(`{a=~"("}`), "parameter match"},
		{"/api/v1/alerts?match=" + url.QueryEscape(`{a="b"`), "parameter match"},
		{"/api/v1/alerts?source=" + url.QueryEscape("a'b"), "parameter source"},
		{"/api/v1/alerts/XYZ/timeline", "parameter fingerprint"},
		// A parameter that takes one value, given twice, is refused rather
		// than read as its first.
		{"/api/v1/alerts?from=now-1h&from=now-2h", "parameter from: given 2 times"},
		{"/api/v1/flapping?flap_gap=1h&flap_gap=2h", "parameter flap_gap: given 2 times"},
		{"/api/v1/explain?fingerprint=0123456789abcdef&source=a&source=b", "parameter source: given 2 times"},
		{"/api/v1/alerts?source=prod&source=" + url.QueryEscape("a'b"), "parameter source"},
	} {
		code, body := svc.Get(t, c.path)
		if code != 400 || !strings.Contains(string(body), c.param) {
			t.Errorf("GET %s: %d %s, want 400 naming %q", c.path, code, body, c.param)
		}
	}
	if code, body := svc.Get(t, "/api/v1/alerts?from=now-7d&to=now"); code != 200 || string(body) != "{\"episodes\":[],\"first_fired\":null}\n" {
		t.Errorf("relative times on an empty store: %d %s", code, body)
	}
}

func TestResultLimit(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.API.MaxRows = 2
	svc := apptest.Start(t, cfg)
	body, _ := os.ReadFile(filepath.Join("testdata", "lookup.ndjson"))
	if code, b := svc.Post(t, "/api/v1/import", "application/x-ndjson", body); code != 200 {
		t.Fatal(code, string(b))
	}
	svc.WaitCount(t, store.TablePolls, "", 4)
	svc.WaitCount(t, store.TableNotifications, "", 7)
	code, b := svc.Get(t, episode+window)
	if code != 400 || !strings.Contains(string(b), "api.max_rows") {
		t.Fatalf("4 episodes with max_rows 2: %d %s, want 400 naming api.max_rows", code, b)
	}
}

func TestReadAPIAuth(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.API.Auth.Username, cfg.API.Auth.Password = "oncall", "pw"
	cfg.Webhook.Auth.BearerToken = "hook-only"
	svc := apptest.Start(t, cfg)
	for _, p := range []string{"/api/v1/alerts", "/api/v1/flapping", "/api/v1/inhibitions/failed", "/api/v1/inhibitions/loops",
		"/api/v1/silences/stale", "/api/v1/noise", "/api/v1/alerts/0123456789abcdef/timeline"} {
		if code, _ := svc.Get(t, p); code != 401 {
			t.Errorf("GET %s without credentials: %d, want 401", p, code)
		}
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, svc.URL+p, nil)
		req.SetBasicAuth("oncall", "pw")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s with credentials: %d", p, resp.StatusCode)
		}
	}
	// The webhook's token does not open the API, and the health endpoints
	// stay open for probes.
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, svc.URL+"/api/v1/alerts", nil)
	req.Header.Set("Authorization", "Bearer hook-only")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("API with the webhook's token: %d, want 401", resp.StatusCode)
	}
	for _, p := range []string{"/-/healthy", "/-/ready", "/metrics"} {
		if code, _ := svc.Get(t, p); code != 200 {
			t.Errorf("GET %s: %d", p, code)
		}
	}
}

// Episodes end at an alert_resolved event, and an episode with no end seen
// ends where the alert's next episode (a new startsAt) begins.
//
// testdata/inhibitions_events.ndjson: NodeDown I (…11) was created with
// startsAt 10:00:00 and never resolved: open. NodeDown I2 (…12) was created
// with startsAt 10:04:00 and resolved by the event at 10:05:29.951. Neither
// was notified by webhook. The inline recording below notifies R firing
// with startsAt 12:00, again with startsAt 12:20 and with 12:40, never
// resolved: the first episode ends at 12:20, the second at 12:40, the
// third is open.
func TestEpisodesEndAtResolvedEventsAndNewStarts(t *testing.T) {
	svc := startWith(t, "inhibitions_events.ndjson")
	checkJSON(t, svc, "/api/v1/alerts?source=ev&from=2026-11-03T09:00:00Z&to=2026-11-03T11:00:00Z&match=%7Balertname%3D%22NodeDown%22%7D", `{"episodes":[
		{"fingerprint":"0000000000000011","alertname":"NodeDown","labels":{"alertname":"NodeDown","instance":"a"},"source":"ev","starts_at":"2026-11-03T10:00:00Z","ends_at":null,"notifications":0,"silenced_seconds":0,"inhibited_seconds":0},
		{"fingerprint":"0000000000000012","alertname":"NodeDown","labels":{"alertname":"NodeDown","instance":"d"},"source":"ev","starts_at":"2026-11-03T10:04:00Z","ends_at":"2026-11-03T10:05:29.951Z","notifications":0,"silenced_seconds":0,"inhibited_seconds":0}],
		"first_fired":{"fingerprint":"0000000000000011","alertname":"NodeDown","source":"ev","starts_at":"2026-11-03T10:00:00Z"}}`)
	hook := func(at, starts string) string {
		return `{"kind":"webhook","at":"2026-11-03T` + at + `Z","source":"ev","payload":{"version":"4","receiver":"team","status":"firing","groupKey":"g","truncatedAlerts":0,` +
			`"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am","alerts":[{"status":"firing","labels":{"alertname":"R"},` +
			`"annotations":{},"startsAt":"2026-11-03T` + starts + `Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"00000000000000ee"}]}}` + "\n"
	}
	importLines(t, svc, hook("12:00:05", "12:00:00")+hook("12:20:05", "12:20:00")+hook("12:40:05", "12:40:00"))
	checkJSON(t, svc, "/api/v1/alerts?from=2026-11-03T11:00:00Z&to=2026-11-03T13:00:00Z&match=%7Balertname%3D%22R%22%7D", `{"episodes":[
		{"fingerprint":"00000000000000ee","alertname":"R","labels":{"alertname":"R"},"source":"ev","starts_at":"2026-11-03T12:00:00Z","ends_at":"2026-11-03T12:20:00Z","notifications":1,"silenced_seconds":0,"inhibited_seconds":0},
		{"fingerprint":"00000000000000ee","alertname":"R","labels":{"alertname":"R"},"source":"ev","starts_at":"2026-11-03T12:20:00Z","ends_at":"2026-11-03T12:40:00Z","notifications":1,"silenced_seconds":0,"inhibited_seconds":0},
		{"fingerprint":"00000000000000ee","alertname":"R","labels":{"alertname":"R"},"source":"ev","starts_at":"2026-11-03T12:40:00Z","ends_at":null,"notifications":1,"silenced_seconds":0,"inhibited_seconds":0}],
		"first_fired":{"fingerprint":"00000000000000ee","alertname":"R","source":"ev","starts_at":"2026-11-03T12:00:00Z"}}`)
	// A window ending before the next start: only the first episode is in
	// it, and it still ends where the next one starts (12:20, after the
	// window; not the later 12:40), not open.
	checkJSON(t, svc, "/api/v1/alerts?from=2026-11-03T11:00:00Z&to=2026-11-03T12:10:00Z&match=%7Balertname%3D%22R%22%7D", `{"episodes":[
		{"fingerprint":"00000000000000ee","alertname":"R","labels":{"alertname":"R"},"source":"ev","starts_at":"2026-11-03T12:00:00Z","ends_at":"2026-11-03T12:20:00Z","notifications":1,"silenced_seconds":0,"inhibited_seconds":0}],
		"first_fired":{"fingerprint":"00000000000000ee","alertname":"R","source":"ev","starts_at":"2026-11-03T12:00:00Z"}}`)
}

// The timeline shows the recorder's events next to notifications:
// testdata/inhibitions_events.ndjson, T4 (…24): inhibited by I2 at
// 10:05:01, notified by webhook at 10:05:30 and, the same moment, the
// notification event (firing, to team). Same time: sorted by kind.
func TestTimelineShowsEvents(t *testing.T) {
	svc := startWith(t, "inhibitions_events.ndjson")
	checkJSON(t, svc, "/api/v1/alerts/0000000000000024/timeline?from=2026-11-03T10:00:00Z&to=2026-11-03T11:00:00Z", `{"events":[
		{"at":"2026-11-03T10:05:01Z","kind":"event","event":"inhibition_muted_alert","receiver":"","silenced_by":[],"inhibited_by":["0000000000000012"]},
		{"at":"2026-11-03T10:05:30Z","kind":"event","status":"firing","event":"notification","receiver":"team","silenced_by":[],"inhibited_by":[]},
		{"at":"2026-11-03T10:05:30Z","kind":"notification","status":"firing","receiver":"team","silenced_by":[],"inhibited_by":[]}],
		"fingerprint":"0000000000000024","alert":{"source":"ev","alertname":"TargetDown","labels":{"alertname":"TargetDown","instance":"d"},
		"annotations":{},"generator_url":"http://prom/g","external_url":"http://am"}}`)
}

// An episode that ends exactly at the window's start overlaps the window
// (its end is not before it) and is listed with everything its rows hold;
// one that ends a millisecond earlier is not. By hand, window 12:00–14:00
// on 2026-11-09: G fired at 10:00 (notified at 10:00:05 and again 30 minutes
// later, past the 1-minute dedup window: two firing notifications) and was
// resolved with endsAt 12:00:00.000 (a third notification, another status);
// H the same but with endsAt 11:59:59.999: not in the window. P fired at
// 10:05 (one notification at 10:05:05), was seen by the 11:00 poll and was
// gone at the 12:00 poll: it ended at 12:00:00.000, in the window too.
// Checked as stored and after the engine merged each episode's day
// summaries into one (what a store holds once its parts are merged).
func TestEpisodeEndingAtTheWindowStart(t *testing.T) {
	svc := startWith(t, "window_edge.ndjson")
	check := func() {
		t.Helper()
		checkJSON(t, svc, episode+"from=2026-11-09T12:00:00Z&to=2026-11-09T14:00:00Z",
			`{"episodes":[{"fingerprint":"abababababababab","alertname":"G","labels":{"alertname":"G"},"source":"prod","starts_at":"2026-11-09T10:00:00Z","ends_at":"2026-11-09T12:00:00Z","notifications":3,"silenced_seconds":0,"inhibited_seconds":0},`+
				`{"fingerprint":"efefefefefefefef","alertname":"P","labels":{"alertname":"P"},"source":"prod","starts_at":"2026-11-09T10:05:00Z","ends_at":"2026-11-09T12:00:00Z","notifications":1,"silenced_seconds":0,"inhibited_seconds":0}],`+
				`"first_fired":{"fingerprint":"abababababababab","alertname":"G","source":"prod","starts_at":"2026-11-09T10:00:00Z"}}`)
	}
	check()
	if err := svc.Store.Exec(t.Context(), "OPTIMIZE TABLE {{db}}.episode_days FINAL"); err != nil {
		t.Fatal(err)
	}
	check()
}

// testdata/scan_edge.ndjson: alert E starts 2026-11-02 09:00 and is
// notified at 09:00:05 and 13:00:05 that day, at 09:00:05 on 11-03, and
// resolved at 13:00:05 on 11-09 (endsAt 13:00). Alert F starts 11-02 13:00,
// is notified at 13:00:05 and never again: still open. An episode's rows
// are read from the midnight (UTC) at or before a week before the window:
//
//   - from 11-09 12:00 that is 11-02 00:00, not 12:00: E's first delivery
//     is read too, 4 notifications; F has 1. Both are listed (E starts
//     first).
//   - from 11-09 23:59:59.999 (E has ended) still 11-02 00:00: F alone.
//   - from 11-10 00:00 it is 11-03 00:00: F's only row is before it, so F
//     is not found, and nothing is listed.
//
// The same answers come when alert_labels has lost both alerts (a crash
// between a batch's raw rows and the views' rows): their labels are read
// from their raw rows. (The same answers come from the raw rows alone:
// make test runs this suite both ways.)
func TestEpisodesAreReadFromTheScanStart(t *testing.T) {
	svc := startWith(t, "scan_edge.ndjson")
	const (
		e = `{"fingerprint":"eeeeeeeeeeeeeeee","alertname":"E","labels":{"alertname":"E"},"source":"prod","starts_at":"2026-11-02T09:00:00Z","ends_at":"2026-11-09T13:00:00Z","notifications":4,"silenced_seconds":0,"inhibited_seconds":0}`
		f = `{"fingerprint":"f0f0f0f0f0f0f0f0","alertname":"F","labels":{"alertname":"F"},"source":"prod","starts_at":"2026-11-02T13:00:00Z","ends_at":null,"notifications":1,"silenced_seconds":0,"inhibited_seconds":0}`
	)
	firstFired := func(fp, name, start string) string {
		return `"first_fired":{"fingerprint":"` + fp + `","alertname":"` + name + `","source":"prod","starts_at":"` + start + `"}}`
	}
	check := func() {
		t.Helper()
		checkJSON(t, svc, episode+"from=2026-11-09T12:00:00Z&to=2026-11-09T14:00:00Z",
			`{"episodes":[`+e+`,`+f+`],`+firstFired("eeeeeeeeeeeeeeee", "E", "2026-11-02T09:00:00Z"))
		checkJSON(t, svc, episode+"from=2026-11-09T23:59:59.999Z&to=2026-11-10T02:00:00Z",
			`{"episodes":[`+f+`],`+firstFired("f0f0f0f0f0f0f0f0", "F", "2026-11-02T13:00:00Z"))
		checkJSON(t, svc, episode+"from=2026-11-10T00:00:00Z&to=2026-11-10T02:00:00Z", `{"episodes":[],"first_fired":null}`)
	}
	check()
	// Every day summary twice, as a crash recovery that sums a batch up
	// again leaves them until the engine merges the parts (merges held
	// off here so the copies stay): each delivery is then read twice, and
	// counts once.
	summaries := svc.Count(t, store.TableEpisodeDays, "fingerprint = 'eeeeeeeeeeeeeeee'")
	for _, sql := range []string{
		"SYSTEM STOP MERGES {{db}}.episode_days",
		"INSERT INTO {{db}}.episode_days SELECT * FROM {{db}}.episode_days",
	} {
		if err := svc.Store.Exec(t.Context(), sql); err != nil {
			t.Fatal(err)
		}
	}
	if got := svc.Count(t, store.TableEpisodeDays, "fingerprint = 'eeeeeeeeeeeeeeee'"); got != 2*summaries || summaries == 0 {
		t.Fatalf("E's day summaries: %d after copying %d, want twice as many", got, summaries)
	}
	check()
	if err := svc.Store.Exec(t.Context(), "TRUNCATE TABLE {{db}}.alert_labels"); err != nil {
		t.Fatal(err)
	}
	check()
}
