package api_test

import "testing"

// Explain over testdata/lookup.ndjson (see lookup_test.go for its story;
// silence s1, by alice, "disk maintenance", matches alertname="A").
func TestExplain(t *testing.T) {
	svc := startWith(t, "lookup.ndjson")
	silenced := `{"id":"s1","created_by":"alice","comment":"disk maintenance","matchers":["alertname=\"A\""]}`
	cases := []struct{ name, query, want string }{
		{"silenced and notified before", "fingerprint=aaaaaaaaaaaaaaaa&source=prod&at=2026-11-02T10:06:00Z",
			`{"fingerprint":"aaaaaaaaaaaaaaaa","at":"2026-11-02T10:06:00Z","source":"prod","alertname":"A","state":"silenced","notified":true,
			  "silenced_by":[` + silenced + `],"inhibited_by":[],
			  "last_notification":{"at":"2026-11-02T10:00:05Z","status":"firing","receiver":"team"},
			  "poller_blind":false,"last_successful_poll_at":"2026-11-02T10:05:15Z",
			  "summary":"At 2026-11-02T10:06:00Z, A was firing but silenced by s1 (by alice: \"disk maintenance\"), so Alertmanager did not notify. Last notification: firing to team at 2026-11-02T10:00:05Z."}`},
		{"inhibited, never notified", "fingerprint=bbbbbbbbbbbbbbbb&at=2026-11-02T10:06:00Z",
			`{"fingerprint":"bbbbbbbbbbbbbbbb","at":"2026-11-02T10:06:00Z","source":"prod","alertname":"B","state":"inhibited","notified":false,
			  "silenced_by":[],"inhibited_by":[{"fingerprint":"aaaaaaaaaaaaaaaa","alertname":"A","labels":{"alertname":"A","severity":"P2"}}],
			  "last_notification":null,"poller_blind":false,"last_successful_poll_at":"2026-11-02T10:05:15Z",
			  "summary":"At 2026-11-02T10:06:00Z, B was firing but inhibited by A (aaaaaaaaaaaaaaaa), so Alertmanager did not notify."}`},
		{"firing again after the silence", "fingerprint=aaaaaaaaaaaaaaaa&source=prod&at=2026-11-02T10:09:00Z",
			`{"fingerprint":"aaaaaaaaaaaaaaaa","at":"2026-11-02T10:09:00Z","source":"prod","alertname":"A","state":"firing","notified":true,
			  "silenced_by":[],"inhibited_by":[],"last_notification":{"at":"2026-11-02T10:00:05Z","status":"firing","receiver":"team"},
			  "poller_blind":false,"last_successful_poll_at":"2026-11-02T10:08:15Z",
			  "summary":"At 2026-11-02T10:09:00Z, A was firing (since 2026-11-02T10:00:00Z) and had been notified. Last notification: firing to team at 2026-11-02T10:00:05Z."}`},
		{"resolved", "fingerprint=aaaaaaaaaaaaaaaa&source=prod&at=2026-11-02T10:20:00Z",
			`{"fingerprint":"aaaaaaaaaaaaaaaa","at":"2026-11-02T10:20:00Z","source":"prod","alertname":"A","state":"resolved","notified":true,
			  "silenced_by":[],"inhibited_by":[],"last_notification":{"at":"2026-11-02T10:10:05Z","status":"resolved","receiver":"team"},
			  "poller_blind":false,"last_successful_poll_at":"2026-11-02T10:10:15Z",
			  "summary":"At 2026-11-02T10:20:00Z, A was resolved. Last notification: resolved to team at 2026-11-02T10:10:05Z."}`},
		{"newest observation wins across sources", "fingerprint=aaaaaaaaaaaaaaaa&at=2026-11-02T10:31:00Z",
			`{"fingerprint":"aaaaaaaaaaaaaaaa","at":"2026-11-02T10:31:00Z","source":"eu","alertname":"A","state":"firing","notified":true,
			  "silenced_by":[],"inhibited_by":[],"last_notification":{"at":"2026-11-02T10:30:05Z","status":"firing","receiver":"team"},
			  "poller_blind":false,"last_successful_poll_at":"2026-11-02T10:10:15Z",
			  "summary":"At 2026-11-02T10:31:00Z, A was firing (since 2026-11-02T10:30:00Z) and had been notified. Last notification: firing to team at 2026-11-02T10:30:05Z."}`},
		{"webhook only, poller never saw it", "fingerprint=cccccccccccccccc&at=2026-11-02T09:30:00Z",
			`{"fingerprint":"cccccccccccccccc","at":"2026-11-02T09:30:00Z","source":"prod","alertname":"C","state":"firing","notified":true,
			  "silenced_by":[],"inhibited_by":[],"last_notification":{"at":"2026-11-02T09:00:05Z","status":"firing","receiver":"team"},
			  "poller_blind":true,"last_successful_poll_at":null,
			  "summary":"At 2026-11-02T09:30:00Z, C was firing (since 2026-11-02T09:00:00Z) and had been notified. Last notification: firing to team at 2026-11-02T09:00:05Z. The poller had not seen Alertmanager by then, so silences and inhibitions are unknown."}`},
		{"unknown", "fingerprint=0123456789abcdef&at=2026-11-02T10:00:00Z",
			`{"fingerprint":"0123456789abcdef","at":"2026-11-02T10:00:00Z","source":"","alertname":"","state":"unknown","notified":false,
			  "silenced_by":[],"inhibited_by":[],"last_notification":null,"poller_blind":true,"last_successful_poll_at":null,
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
		"source":"prod","alertname":"Q","state":"silenced","notified":false,
		"silenced_by":[{"id":"s9","created_by":"bob","comment":"rollout","matchers":["alertname=\"Q\""]}],
		"inhibited_by":[{"fingerprint":"7777777777777777","alertname":"P","labels":{"alertname":"P"}}],
		"last_notification":null,"poller_blind":false,"last_successful_poll_at":"2026-11-02T10:01:00Z",
		"summary":"At 2026-11-02T10:01:30Z, Q was firing but silenced by s9 (by bob: \"rollout\") and inhibited by P (7777777777777777), so Alertmanager did not notify."}`)
	// Both stretches count in full for the episode: 10:01–10:02.
	checkJSON(t, svc, "/api/v1/alerts?from=2026-11-02T10:00:00Z&to=2026-11-02T11:00:00Z&match=%7Balertname%3D%22Q%22%7D", `{"episodes":[
		{"fingerprint":"8888888888888888","alertname":"Q","labels":{"alertname":"Q"},"source":"prod","starts_at":"2026-11-02T10:00:00Z","ends_at":"2026-11-02T10:02:00Z","notifications":0,"silenced_seconds":60,"inhibited_seconds":60}],
		"first_fired":{"fingerprint":"8888888888888888","alertname":"Q","source":"prod","starts_at":"2026-11-02T10:00:00Z"}}`)
}
