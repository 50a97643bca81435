package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/workhours"
)

// testdata/noise.ndjson, window Monday 2026-11-02 00:00–24:00 UTC. Working
// hours: the default Mon–Fri 09:00–18:00 UTC; receiver night-team in
// Asia/Tokyo (09:00–18:00 there is 00:00–09:00 UTC).
//
//	Disk (team=db, receiver team): 08:00–08:03 (self-resolving; both
//	  notifications before 09:00: out of hours), 10:00–11:00 (an HA
//	  duplicate at 10:00:30 is not counted) -> 4 notifications, 2 episodes,
//	  180+3600 s, 1 self-resolving, 2 out of hours.
//	Cpu (night-team): 02:00–02:10 (11:00 in Tokyo: in hours), 12:00–open
//	  (21:00 in Tokyo: out of hours; fires until the window's end) ->
//	  3 notifications, 2 episodes, 600+43200 s, 0, 1.
//	Mem (team): Sunday 23:00 – Monday 00:30; only the resolved
//	  notification (00:30:05, out of hours) is in the window -> 1, 1,
//	  1800 s, 0, 1.
//	Silent: seen only by the poller, 12:59–13:05, routed only to "null" ->
//	  0 notifications, 1 episode, 360 s, and listed as unrouted.
const noiseWin = "from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z"

func TestNoise(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.WorkingHours.Receivers = map[string]workhours.Spec{"night-team": {Timezone: "Asia/Tokyo"}}
	svc := startWithConfig(t, "noise.ndjson", cfg)
	silent := `{"fingerprint":"5555555555555555","alertname":"Silent","labels":{"alertname":"Silent"},"source":"prod","starts_at":"2026-11-02T12:59:00Z","ends_at":"2026-11-02T13:05:00Z","notifications":0,"silenced_seconds":0,"inhibited_seconds":0,"receivers":["null"]}`
	checkJSON(t, svc, "/api/v1/noise?"+noiseWin, `{"by":"alertname","rows":[
		{"key":"Disk","notifications":4,"episodes":2,"firing_seconds":3780,"self_resolving":1,"out_of_hours":2},
		{"key":"Cpu","notifications":3,"episodes":2,"firing_seconds":43800,"self_resolving":0,"out_of_hours":1},
		{"key":"Mem","notifications":1,"episodes":1,"firing_seconds":1800,"self_resolving":0,"out_of_hours":1},
		{"key":"Silent","notifications":0,"episodes":1,"firing_seconds":360,"self_resolving":0,"out_of_hours":0}],
		"total_keys":4,"truncated":false,
		"unrouted":[`+silent+`],"long_running":[],"short_seconds":300,"long_running_seconds":604800}`)
	// Only the loudest key, and a word that there were four.
	checkJSON(t, svc, "/api/v1/noise?limit=1&"+noiseWin, `{"by":"alertname","rows":[
		{"key":"Disk","notifications":4,"episodes":2,"firing_seconds":3780,"self_resolving":1,"out_of_hours":2}],
		"total_keys":4,"truncated":true,
		"unrouted":[`+silent+`],"long_running":[],"short_seconds":300,"long_running_seconds":604800}`)
	// By another label: alerts without it share the empty key.
	checkJSON(t, svc, "/api/v1/noise?by=team&"+noiseWin, `{"by":"team","rows":[
		{"key":"","notifications":4,"episodes":4,"firing_seconds":45960,"self_resolving":0,"out_of_hours":2},
		{"key":"db","notifications":4,"episodes":2,"firing_seconds":3780,"self_resolving":1,"out_of_hours":2}],
		"total_keys":2,"truncated":false,
		"unrouted":[`+silent+`],"long_running":[],"short_seconds":300,"long_running_seconds":604800}`)
	// Cpu's open episode has fired 12 h by the window's end.
	checkJSON(t, svc, "/api/v1/noise?long_running=6h&match=%7Balertname%3D%22Cpu%22%7D&"+noiseWin, `{"by":"alertname","rows":[
		{"key":"Cpu","notifications":3,"episodes":2,"firing_seconds":43800,"self_resolving":0,"out_of_hours":1}],
		"total_keys":1,"truncated":false,"unrouted":[],"long_running":[{"fingerprint":"cccccccccccccccc","alertname":"Cpu","labels":{"alertname":"Cpu"},"source":"prod","starts_at":"2026-11-02T12:00:00Z","ends_at":null,"firing_seconds":43200}],
		"short_seconds":300,"long_running_seconds":21600}`)
	// For the receiver night-team: Cpu's two episodes only (Silent reached
	// null), its notifications to night-team at 02:00:05 (firing), 02:10:05
	// (resolved) and 12:00:05 (firing) -> 3; firing 02:00–02:10 and
	// 12:00–24:00 -> 600 + 43200 s; neither ended within 5 min; night-team
	// works 09:00–18:00 in Tokyo (UTC+9), where 12:00:05 is 21:00:05 -> one
	// out of hours.
	checkJSON(t, svc, "/api/v1/noise?receiver=night-team&"+noiseWin, `{"by":"alertname","rows":[
		{"key":"Cpu","notifications":3,"episodes":2,"firing_seconds":43800,"self_resolving":0,"out_of_hours":1}],
		"total_keys":1,"truncated":false,"unrouted":[],"long_running":[],"short_seconds":300,"long_running_seconds":604800}`)
}

// With "team" a receiver that notifies nobody, Disk's episodes reached only
// it and are listed as unrouted, each with its notifications (the fold
// over the few listed episodes): 08:00 fired at 08:00:05 and resolved at
// 08:03:05 -> 2; 10:00 fired at 10:00:05, again at 10:00:30 (an HA
// duplicate, 25 s later, within the 60 s window: not counted) and
// resolved at 11:00:05 -> 2.
func TestNoiseUnroutedCountsTheirNotifications(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.NullReceivers = []string{"null", "team"}
	svc := startWithConfig(t, "noise.ndjson", cfg)
	disk := func(starts, ends string) string {
		return `{"fingerprint":"dddddddddddddddd","alertname":"Disk","labels":{"alertname":"Disk","team":"db"},"source":"prod","starts_at":"` + starts +
			`","ends_at":"` + ends + `","notifications":2,"silenced_seconds":0,"inhibited_seconds":0,"receivers":["team"]}`
	}
	checkJSON(t, svc, "/api/v1/noise?match=%7Balertname%3D%22Disk%22%7D&"+noiseWin, `{"by":"alertname","rows":[
		{"key":"Disk","notifications":4,"episodes":2,"firing_seconds":3780,"self_resolving":1,"out_of_hours":2}],
		"total_keys":1,"truncated":false,
		"unrouted":[`+disk("2026-11-02T08:00:00Z", "2026-11-02T08:03:00Z")+`,`+disk("2026-11-02T10:00:00Z", "2026-11-02T11:00:00Z")+`],
		"long_running":[],"short_seconds":300,"long_running_seconds":604800}`)
}

// An episode is unrouted when the union of every row's receivers is not
// empty and holds only black holes (the default: "null" and "blackhole").
// Window 12:00–13:00 on 2026-11-02, every alert fired at 12:00 and is open:
//
//	Mix:    notified to team at 12:00:05, polled at 12:01 with [null]:
//	        {null, team} -> routed.
//	Holes:  notified to null at 12:00:05 and to blackhole at 12:00:10 (two
//	        receivers: both count), polled with no receiver: {blackhole,
//	        null} -> unrouted, 2 notifications.
//	Nobody: only polled, with no receiver: {} -> routed (nothing reached).
//
// Without black holes configured nothing is unrouted. The answer's rows
// are its 3 keys (Mix, Holes, Nobody: each has an episode in the window)
// and its 1 unrouted episode, which count together against api.max_rows:
// 4 rows fit in 4, not in 3 (where either part alone would fit).
func TestNoiseUnroutedIsEveryRowsReceivers(t *testing.T) {
	hook := func(at, receiver, name, fp string) string {
		return `{"kind":"webhook","at":"2026-11-02T` + at + `Z","source":"prod","payload":{"version":"4","receiver":"` + receiver + `","status":"firing","groupKey":"g","externalURL":"",` +
			`"alerts":[{"status":"firing","labels":{"alertname":"` + name + `"},"annotations":{},"startsAt":"2026-11-02T12:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"` + fp + `"}]}}` + "\n"
	}
	polled := func(name, fp, receivers string) string {
		return `{"fingerprint":"` + fp + `","labels":{"alertname":"` + name + `"},"annotations":{},"startsAt":"2026-11-02T12:00:00Z","endsAt":"2026-11-02T14:00:00Z",` +
			`"updatedAt":"2026-11-02T12:00:00Z","receivers":[` + receivers + `],"status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}`
	}
	recording := hook("12:00:05", "team", "Mix", "00000000000000a1") +
		hook("12:00:05", "null", "Holes", "00000000000000a2") + hook("12:00:10", "blackhole", "Holes", "00000000000000a2") +
		`{"kind":"poll","at":"2026-11-02T12:01:00Z","source":"prod","alerts":[` + polled("Mix", "00000000000000a1", `{"name":"null"}`) + `,` +
		polled("Holes", "00000000000000a2", "") + `,` + polled("Nobody", "00000000000000a3", "") + `],"silences":[]}` + "\n"
	const win = "from=2026-11-02T12:00:00Z&to=2026-11-02T13:00:00Z"
	type unrouted struct {
		Unrouted []struct {
			Alertname     string   `json:"alertname"`
			Notifications int      `json:"notifications"`
			Receivers     []string `json:"receivers"`
		} `json:"unrouted"`
	}
	holes := `[{"alertname":"Holes","notifications":2,"receivers":["blackhole","null"]}]`
	for _, tc := range []struct {
		name    string
		nulls   []string
		maxRows int
		want    string // the unrouted list, or the 400's text
	}{
		{"default black holes", config.Default().NullReceivers, 0, holes},
		{"none", []string{}, 0, `[]`},
		{"rows just within api.max_rows", config.Default().NullReceivers, 4, holes},
		{"rows over api.max_rows", config.Default().NullReceivers, 3, "api.max_rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := apptest.Config(t)
			cfg.NullReceivers = tc.nulls
			if tc.maxRows > 0 {
				cfg.API.MaxRows = tc.maxRows
			}
			svc := apptest.Start(t, cfg)
			importLines(t, svc, recording)
			if tc.want == "api.max_rows" {
				if code, b := svc.Get(t, "/api/v1/noise?"+win); code != 400 || !strings.Contains(string(b), tc.want) {
					t.Fatalf("got %d %s, want 400 naming %s", code, b, tc.want)
				}
				return
			}
			var got unrouted
			getJSON(t, svc, "/api/v1/noise?"+win, &got)
			b, err := json.Marshal(got.Unrouted)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("unrouted: got %s, want %s", b, tc.want)
			}
		})
	}
}

// Without per-receiver hours noise counts the notifications from the day
// summaries' deliveries (with them, or a receiver filter, from the raw
// rows: TestNoise); both give the hand-derived counts. The recording as in
// TestNoise, with only the default hours (Mon–Fri 09:00–18:00 UTC), and
// one more alert, Net (receiver team, no team label), that fired at Sunday
// 23:59:50 (startsAt 23:59), again at Monday 00:00:20 from an HA peer and
// at 00:01:30, never resolved.
//
//	Cpu's 02:00 and 02:10 notifications are now out of hours -> Cpu 3
//	  notifications, 1+1 = 2 out of hours (the 12:00 one is in hours).
//	Net: 23:59:50 counts (before the window), 00:00:20 is 30 s after it
//	  (within the 60 s window: not counted), 00:01:30 is 100 s after it
//	  (counted): 1 notification in the window, out of hours; 1 episode
//	  open all day: 86400 s.
//	Disk, Mem and Silent as in TestNoise. Mem and Net tie on 1 and 1: by
//	  key.
//	By team: "" holds Cpu, Mem, Silent and Net: 3+1+0+1 = 5 notifications,
//	  2+1+1+1 = 5 episodes, 43800+1800+360+86400 = 132360 s, 2+1+0+1 = 4
//	  out of hours; "db" is Disk.
func TestNoiseFromTheSummariesDeliveries(t *testing.T) {
	svc := startWith(t, "noise.ndjson")
	net := func(at string) string {
		return webhookLine("Net", "6666666666666666", at, "firing", "2026-11-01T23:59:00Z", "0001-01-01T00:00:00Z")
	}
	importLines(t, svc, net("2026-11-01T23:59:50Z")+"\n"+net("2026-11-02T00:00:20Z")+"\n"+net("2026-11-02T00:01:30Z")+"\n")
	silent := `{"fingerprint":"5555555555555555","alertname":"Silent","labels":{"alertname":"Silent"},"source":"prod","starts_at":"2026-11-02T12:59:00Z","ends_at":"2026-11-02T13:05:00Z","notifications":0,"silenced_seconds":0,"inhibited_seconds":0,"receivers":["null"]}`
	checkJSON(t, svc, "/api/v1/noise?"+noiseWin, `{"by":"alertname","rows":[
		{"key":"Disk","notifications":4,"episodes":2,"firing_seconds":3780,"self_resolving":1,"out_of_hours":2},
		{"key":"Cpu","notifications":3,"episodes":2,"firing_seconds":43800,"self_resolving":0,"out_of_hours":2},
		{"key":"Mem","notifications":1,"episodes":1,"firing_seconds":1800,"self_resolving":0,"out_of_hours":1},
		{"key":"Net","notifications":1,"episodes":1,"firing_seconds":86400,"self_resolving":0,"out_of_hours":1},
		{"key":"Silent","notifications":0,"episodes":1,"firing_seconds":360,"self_resolving":0,"out_of_hours":0}],
		"total_keys":5,"truncated":false,
		"unrouted":[`+silent+`],"long_running":[],"short_seconds":300,"long_running_seconds":604800}`)
	checkJSON(t, svc, "/api/v1/noise?by=team&"+noiseWin, `{"by":"team","rows":[
		{"key":"","notifications":5,"episodes":5,"firing_seconds":132360,"self_resolving":0,"out_of_hours":4},
		{"key":"db","notifications":4,"episodes":2,"firing_seconds":3780,"self_resolving":1,"out_of_hours":2}],
		"total_keys":2,"truncated":false,
		"unrouted":[`+silent+`],"long_running":[],"short_seconds":300,"long_running_seconds":604800}`)
	// Net alone (a label matcher): the same count.
	checkJSON(t, svc, "/api/v1/noise?match=%7Balertname%3D%22Net%22%7D&"+noiseWin, `{"by":"alertname","rows":[
		{"key":"Net","notifications":1,"episodes":1,"firing_seconds":86400,"self_resolving":0,"out_of_hours":1}],
		"total_keys":1,"truncated":false,
		"unrouted":[],"long_running":[],"short_seconds":300,"long_running_seconds":604800}`)
	// The same alert sent by a second Alertmanager, dr, as prod sent it:
	// its own episode with its own notification, so Net counts twice
	// everything above (each source's episode once).
	dr := func(at string) string { return strings.Replace(net(at), `"source": "prod"`, `"source": "dr"`, 1) }
	importLines(t, svc, dr("2026-11-01T23:59:50Z")+"\n"+dr("2026-11-02T00:00:20Z")+"\n"+dr("2026-11-02T00:01:30Z")+"\n")
	checkJSON(t, svc, "/api/v1/noise?match=%7Balertname%3D%22Net%22%7D&"+noiseWin, `{"by":"alertname","rows":[
		{"key":"Net","notifications":2,"episodes":2,"firing_seconds":172800,"self_resolving":0,"out_of_hours":2}],
		"total_keys":1,"truncated":false,
		"unrouted":[],"long_running":[],"short_seconds":300,"long_running_seconds":604800}`)
}
