package api_test

import "testing"

// Explain over testdata/lookup.ndjson (see lookup_test.go for its story;
// silence s1, by alice, "disk maintenance", matches alertname="A").
func TestExplain(t *testing.T) {
	svc := startWith(t, "lookup.ndjson")
	silenced := `{"id":"s1","created_by":"alice","comment":"disk maintenance","matchers":["alertname=\"A\""]}`
	cases := []struct{ name, query, want string }{
		{"silenced and notified before", "fingerprint=aaaaaaaaaaaaaaaa&source=prod&at=2026-11-02T10:06:00Z",
			`{"fingerprint":"aaaaaaaaaaaaaaaa","at":"2026-11-02T10:06:00Z","source":"prod","alertname":"A","state":"silenced","basis":"polls","notified":true,"notified_while_muted":false,
			  "silenced_by":[` + silenced + `],"inhibited_by":[],"inhibit_rules":[],
			  "last_notification":{"at":"2026-11-02T10:00:05Z","status":"firing","receiver":"team"},
			  "poller_blind":false,"last_successful_poll_at":"2026-11-02T10:05:15Z","poller_blind_seconds":null,
			  "summary":"At 2026-11-02T10:06:00Z, A was firing but silenced by s1 (by alice: \"disk maintenance\"), so Alertmanager did not notify. Last notification: firing to team at 2026-11-02T10:00:05Z."}`},
		{"inhibited, never notified", "fingerprint=bbbbbbbbbbbbbbbb&at=2026-11-02T10:06:00Z",
			`{"fingerprint":"bbbbbbbbbbbbbbbb","at":"2026-11-02T10:06:00Z","source":"prod","alertname":"B","state":"inhibited","basis":"polls","notified":false,"notified_while_muted":false,
			  "silenced_by":[],"inhibited_by":[{"fingerprint":"aaaaaaaaaaaaaaaa","alertname":"A","labels":{"alertname":"A","severity":"P2"}}],"inhibit_rules":[],
			  "last_notification":null,"poller_blind":false,"last_successful_poll_at":"2026-11-02T10:05:15Z","poller_blind_seconds":null,
			  "summary":"At 2026-11-02T10:06:00Z, B was firing but inhibited by A (aaaaaaaaaaaaaaaa), so Alertmanager did not notify."}`},
		{"firing again after the silence", "fingerprint=aaaaaaaaaaaaaaaa&source=prod&at=2026-11-02T10:09:00Z",
			`{"fingerprint":"aaaaaaaaaaaaaaaa","at":"2026-11-02T10:09:00Z","source":"prod","alertname":"A","state":"firing","basis":"polls","notified":true,"notified_while_muted":false,
			  "silenced_by":[],"inhibited_by":[],"inhibit_rules":[],"last_notification":{"at":"2026-11-02T10:00:05Z","status":"firing","receiver":"team"},
			  "poller_blind":false,"last_successful_poll_at":"2026-11-02T10:08:15Z","poller_blind_seconds":null,
			  "summary":"At 2026-11-02T10:09:00Z, A was firing (since 2026-11-02T10:00:00Z) and had been notified. Last notification: firing to team at 2026-11-02T10:00:05Z."}`},
		{"resolved", "fingerprint=aaaaaaaaaaaaaaaa&source=prod&at=2026-11-02T10:20:00Z",
			`{"fingerprint":"aaaaaaaaaaaaaaaa","at":"2026-11-02T10:20:00Z","source":"prod","alertname":"A","state":"resolved","basis":"polls","notified":true,"notified_while_muted":false,
			  "silenced_by":[],"inhibited_by":[],"inhibit_rules":[],"last_notification":{"at":"2026-11-02T10:10:05Z","status":"resolved","receiver":"team"},
			  "poller_blind":false,"last_successful_poll_at":"2026-11-02T10:10:15Z","poller_blind_seconds":null,
			  "summary":"At 2026-11-02T10:20:00Z, A was resolved. Last notification: resolved to team at 2026-11-02T10:10:05Z."}`},
		{"newest observation wins across sources", "fingerprint=aaaaaaaaaaaaaaaa&at=2026-11-02T10:31:00Z",
			`{"fingerprint":"aaaaaaaaaaaaaaaa","at":"2026-11-02T10:31:00Z","source":"eu","alertname":"A","state":"firing","basis":"notifications","notified":true,"notified_while_muted":false,
			  "silenced_by":[],"inhibited_by":[],"inhibit_rules":[],"last_notification":{"at":"2026-11-02T10:30:05Z","status":"firing","receiver":"team"},
			  "poller_blind":false,"last_successful_poll_at":"2026-11-02T10:10:15Z","poller_blind_seconds":null,
			  "summary":"At 2026-11-02T10:31:00Z, A was firing (since 2026-11-02T10:30:00Z) and had been notified. Last notification: firing to team at 2026-11-02T10:30:05Z."}`},
		{"webhook only, poller never saw it", "fingerprint=cccccccccccccccc&at=2026-11-02T09:30:00Z",
			`{"fingerprint":"cccccccccccccccc","at":"2026-11-02T09:30:00Z","source":"prod","alertname":"C","state":"firing","basis":"notifications","notified":true,"notified_while_muted":false,
			  "silenced_by":[],"inhibited_by":[],"inhibit_rules":[],"last_notification":{"at":"2026-11-02T09:00:05Z","status":"firing","receiver":"team"},
			  "poller_blind":true,"last_successful_poll_at":null,"poller_blind_seconds":null,
			  "summary":"At 2026-11-02T09:30:00Z, C was firing (since 2026-11-02T09:00:00Z) and had been notified. Last notification: firing to team at 2026-11-02T09:00:05Z. The poller had not seen Alertmanager by then, so silences and inhibitions are unknown."}`},
		{"unknown", "fingerprint=0123456789abcdef&at=2026-11-02T10:00:00Z",
			`{"fingerprint":"0123456789abcdef","at":"2026-11-02T10:00:00Z","source":"","alertname":"","state":"unknown","basis":null,"notified":false,"notified_while_muted":false,
			  "silenced_by":[],"inhibited_by":[],"inhibit_rules":[],"last_notification":null,"poller_blind":true,"last_successful_poll_at":null,"poller_blind_seconds":null,
			  "summary":"At 2026-11-02T10:00:00Z, alertlens had seen nothing of alert 0123456789abcdef: no notification and no poll showed it by then. The poller had not seen Alertmanager by then, so silences and inhibitions are unknown."}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkJSON(t, svc, "/api/v1/explain?"+c.query, c.want) })
	}
	for _, bad := range []string{"fingerprint=xyz", "fingerprint=aaaaaaaaaaaaaaaa&at=later", ""} {
		if code, body := svc.Get(t, "/api/v1/explain?"+bad); code != 400 {
			t.Errorf("%q: %d %s, want 400", bad, code, body)
		}
	}
}

// testdata/both.ndjson: at the 10:01 poll Q was both silenced (s9, bob,
// "rollout") and inhibited by P; at 10:02 it was gone.
func TestExplainSilencedAndInhibited(t *testing.T) {
	svc := startWith(t, "both.ndjson")
	checkJSON(t, svc, "/api/v1/explain?fingerprint=8888888888888888&at=2026-11-02T10:01:30Z", `{"fingerprint":"8888888888888888","at":"2026-11-02T10:01:30Z",
		"source":"prod","alertname":"Q","state":"silenced","basis":"polls","notified":false,"notified_while_muted":false,
		"silenced_by":[{"id":"s9","created_by":"bob","comment":"rollout","matchers":["alertname=\"Q\""]}],
		"inhibited_by":[{"fingerprint":"7777777777777777","alertname":"P","labels":{"alertname":"P"}}],"inhibit_rules":[],
		"last_notification":null,"poller_blind":false,"last_successful_poll_at":"2026-11-02T10:01:00Z","poller_blind_seconds":null,
		"summary":"At 2026-11-02T10:01:30Z, Q was firing but silenced by s9 (by bob: \"rollout\") and inhibited by P (7777777777777777), so Alertmanager did not notify."}`)
	// Both stretches count in full for the episode: 10:01–10:02.
	checkJSON(t, svc, "/api/v1/alerts?from=2026-11-02T10:00:00Z&to=2026-11-02T11:00:00Z&match=%7Balertname%3D%22Q%22%7D", `{"episodes":[
		{"fingerprint":"8888888888888888","alertname":"Q","labels":{"alertname":"Q"},"source":"prod","starts_at":"2026-11-02T10:00:00Z","ends_at":"2026-11-02T10:02:00Z","notifications":0,"silenced_seconds":60,"inhibited_seconds":60}],
		"first_fired":{"fingerprint":"8888888888888888","alertname":"Q","source":"prod","starts_at":"2026-11-02T10:00:00Z"}}`)
}

// testdata/explain_muted.ndjson, source pm, 2026-11-04, polled every 10 s
// from 10:00:00 (10:00:30 and 10:00:40 failed):
//
//	X  inhibited by Y at every successful poll; Y never ends. A firing
//	   notification of X went out at 10:00:25 anyway.
//	Z  inhibited by W at every successful poll; W's resolved notification
//	   (10:00:22) says it ended at 10:00:21; Z notified at 10:00:25.
//
// At 10:00:27 (after the notifications, before the next poll): X's stored
// state (the 10:00:00 row, which holds until a change) is inhibited and Y
// was still firing at 10:00:25, so X stays inhibited and the notification
// got through while muted. Z's inhibitor had ended before its notification,
// so Z is firing. At 10:00:45 the poller has been blind since its last
// successful poll at 10:00:20: 25 s.
func TestExplainNotificationThroughAMute(t *testing.T) {
	svc := startWith(t, "explain_muted.ndjson")
	y := `[{"fingerprint":"00000000000000b1","alertname":"Y","labels":{"alertname":"Y"}}]`
	note := `{"at":"2026-11-04T10:00:25Z","status":"firing","receiver":"team"}`
	checkJSON(t, svc, "/api/v1/explain?fingerprint=00000000000000a1&at=2026-11-04T10:00:27Z", `{"fingerprint":"00000000000000a1","at":"2026-11-04T10:00:27Z",
		"source":"pm","alertname":"X","state":"inhibited","basis":"polls","notified":true,"notified_while_muted":true,"silenced_by":[],"inhibited_by":`+y+`,
		"inhibit_rules":[],"last_notification":`+note+`,"poller_blind":false,"last_successful_poll_at":"2026-11-04T10:00:20Z","poller_blind_seconds":null,
		"summary":"At 2026-11-04T10:00:27Z, X was firing but inhibited by Y (00000000000000b1), so Alertmanager did not notify; a notification got through while it was muted. Last notification: firing to team at 2026-11-04T10:00:25Z."}`)
	checkJSON(t, svc, "/api/v1/explain?fingerprint=00000000000000a2&at=2026-11-04T10:00:27Z", `{"fingerprint":"00000000000000a2","at":"2026-11-04T10:00:27Z",
		"source":"pm","alertname":"Z","state":"firing","basis":"polls","notified":true,"notified_while_muted":false,"silenced_by":[],"inhibited_by":[],
		"inhibit_rules":[],"last_notification":`+note+`,"poller_blind":false,"last_successful_poll_at":"2026-11-04T10:00:20Z","poller_blind_seconds":null,
		"summary":"At 2026-11-04T10:00:27Z, Z was firing (since 2026-11-04T09:59:30Z) and had been notified. Last notification: firing to team at 2026-11-04T10:00:25Z."}`)
	checkJSON(t, svc, "/api/v1/explain?fingerprint=00000000000000a1&at=2026-11-04T10:00:45Z", `{"fingerprint":"00000000000000a1","at":"2026-11-04T10:00:45Z",
		"source":"pm","alertname":"X","state":"inhibited","basis":"polls","notified":true,"notified_while_muted":true,"silenced_by":[],"inhibited_by":`+y+`,
		"inhibit_rules":[],"last_notification":`+note+`,"poller_blind":true,"last_successful_poll_at":"2026-11-04T10:00:20Z","poller_blind_seconds":25,
		"summary":"At 2026-11-04T10:00:45Z, X was firing but inhibited by Y (00000000000000b1), so Alertmanager did not notify; a notification got through while it was muted. Last notification: firing to team at 2026-11-04T10:00:25Z. The poller could not see Alertmanager then (blind for 25s, since its last successful poll 2026-11-04T10:00:20Z)."}`)
}

// Explain from events, over testdata/inhibitions_events.ndjson (its story
// is in inhibitions_test.go; source ev sends events):
//
//	T1 at 10:00:10: last decision the inhibition at 10:00:02, by I
//	   (NodeDown, instance a) under node-mutes-target; its webhook
//	   notification came later (10:00:30), so not notified yet.
//	T1 at 10:01:30: inhibited again at 10:01:02; the notification at
//	   10:00:30 went out when the last decision before it was the 10:00:02
//	   inhibition: it got through while muted.
//	T2 at 10:03:30: muted by silence s9 (eve) at 10:03:00.
//	T4 at 10:05:45: last decision the notification event at 10:05:30 to
//	   team via webhook, first notification: firing.
//	I  at 10:00:30: created 10:00:01, no notification yet: waiting.
//
// The mute events carry the muted alert's labels, so T1's name is its
// alertname label, TargetDown.
func TestExplainFromEvents(t *testing.T) {
	svc := startWith(t, "inhibitions_events.ndjson")
	rule := `[{"name":"node-mutes-target","source_matchers":"{alertname=\"NodeDown\"}","target_matchers":"{alertname=\"TargetDown\"}","equal":["instance"]}]`
	byI := `[{"fingerprint":"0000000000000011","alertname":"NodeDown","labels":{"alertname":"NodeDown","instance":"a"}}]`
	t1note := `{"at":"2026-11-03T10:00:30Z","status":"firing","receiver":"team"}`
	cases := []struct{ name, query, want string }{
		{"inhibited, rule named", "fingerprint=0000000000000021&at=2026-11-03T10:00:10Z",
			`{"fingerprint":"0000000000000021","at":"2026-11-03T10:00:10Z","source":"ev","alertname":"TargetDown","state":"inhibited","basis":"events","notified":false,
			  "notified_while_muted":false,"silenced_by":[],"inhibited_by":` + byI + `,"inhibit_rules":` + rule + `,"last_notification":null,
			  "poller_blind":true,"last_successful_poll_at":null,"poller_blind_seconds":null,
			  "summary":"At 2026-11-03T10:00:10Z, TargetDown was firing but inhibited by NodeDown (0000000000000011) under rule node-mutes-target, so Alertmanager did not notify. The poller had not seen Alertmanager by then, so silences and inhibitions are unknown."}`},
		{"notified while inhibited", "fingerprint=0000000000000021&at=2026-11-03T10:01:30Z",
			`{"fingerprint":"0000000000000021","at":"2026-11-03T10:01:30Z","source":"ev","alertname":"TargetDown","state":"inhibited","basis":"events","notified":true,
			  "notified_while_muted":true,"silenced_by":[],"inhibited_by":` + byI + `,"inhibit_rules":` + rule + `,"last_notification":` + t1note + `,
			  "poller_blind":true,"last_successful_poll_at":null,"poller_blind_seconds":null,
			  "summary":"At 2026-11-03T10:01:30Z, TargetDown was firing but inhibited by NodeDown (0000000000000011) under rule node-mutes-target, so Alertmanager did not notify; a notification got through while it was muted. Last notification: firing to team at 2026-11-03T10:00:30Z. The poller had not seen Alertmanager by then, so silences and inhibitions are unknown."}`},
		{"silenced", "fingerprint=0000000000000022&at=2026-11-03T10:03:30Z",
			`{"fingerprint":"0000000000000022","at":"2026-11-03T10:03:30Z","source":"ev","alertname":"TargetDown","state":"silenced","basis":"events","notified":true,
			  "notified_while_muted":true,"silenced_by":[{"id":"s9","created_by":"eve","comment":"","matchers":[]}],"inhibited_by":[],"inhibit_rules":[],
			  "last_notification":{"at":"2026-11-03T10:02:30Z","status":"firing","receiver":"team"},
			  "poller_blind":true,"last_successful_poll_at":null,"poller_blind_seconds":null,
			  "summary":"At 2026-11-03T10:03:30Z, TargetDown was firing but silenced by s9 (by eve: \"\"), so Alertmanager did not notify; a notification got through while it was muted. Last notification: firing to team at 2026-11-03T10:02:30Z. The poller had not seen Alertmanager by then, so silences and inhibitions are unknown."}`},
		{"notified, integration and reason", "fingerprint=0000000000000024&at=2026-11-03T10:05:45Z",
			`{"fingerprint":"0000000000000024","at":"2026-11-03T10:05:45Z","source":"ev","alertname":"TargetDown","state":"firing","basis":"events","notified":true,
			  "notified_while_muted":false,"silenced_by":[],"inhibited_by":[],"inhibit_rules":[],
			  "last_notification":{"at":"2026-11-03T10:05:30Z","status":"firing","receiver":"team","integration":"webhook","reason":"first_notification"},
			  "poller_blind":true,"last_successful_poll_at":null,"poller_blind_seconds":null,
			  "summary":"At 2026-11-03T10:05:45Z, TargetDown was firing (since 2026-11-03T10:03:00Z) and had been notified. Last notification: firing to team via webhook (first notification) at 2026-11-03T10:05:30Z. The poller had not seen Alertmanager by then, so silences and inhibitions are unknown."}`},
		{"waiting", "fingerprint=0000000000000011&at=2026-11-03T10:00:30Z",
			`{"fingerprint":"0000000000000011","at":"2026-11-03T10:00:30Z","source":"ev","alertname":"NodeDown","state":"waiting","basis":"events","notified":false,
			  "notified_while_muted":false,"silenced_by":[],"inhibited_by":[],"inhibit_rules":[],"last_notification":null,
			  "poller_blind":true,"last_successful_poll_at":null,"poller_blind_seconds":null,
			  "summary":"At 2026-11-03T10:00:30Z, NodeDown was firing, grouped and waiting for its first notification. The poller had not seen Alertmanager by then, so silences and inhibitions are unknown."}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkJSON(t, svc, "/api/v1/explain?"+c.query, c.want) })
	}
}
