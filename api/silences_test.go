package api_test

import "testing"

// testdata/silences.ndjson: hourly polls of source prod from 2026-11-08
// 00:00 to 2026-11-10 12:00, all successful; source blind has one
// successful poll (11-08 00:00) and fails afterwards. At 11-10 12:00, with
// max_age 7d and idle 24h:
//
//	s-old       started 11-01 (9.5 days: long_running); still silencing X
//	            at 12:00, so last_matched_at is 12:00. Updated on 11-09 to a
//	            new version: comment "v2 extended", ends 12-15.
//	s-resolved  silenced Y until Y was gone at the 11-09 06:00 poll: 30 h
//	            since, so alerts_resolved.
//	s-nothing   from 11-08 06:00, never silenced anything, 54 h observed:
//	            matches_nothing. Its matchers as Alertmanager writes them.
//	s-young     started 11-10 00:00: only 12 h observed, not stale.
//	s-blind     never silenced anything, but its source was blind the whole
//	            time (no two consecutive successful polls): not stale.
//	s-expired   ended 11-05: not active.
const (
	sOld      = `{"id":"s-old","source":"prod","matchers":["alertname=\"X\""],"created_by":"alice","comment":"v2 extended","starts_at":"2026-11-01T00:00:00Z","ends_at":"2026-12-15T00:00:00Z","reasons":["long_running"],"last_matched_at":"2026-11-10T12:00:00Z"}`
	sResolved = `{"id":"s-resolved","source":"prod","matchers":["alertname=\"Y\""],"created_by":"bob","comment":"y is noisy","starts_at":"2026-11-08T00:00:00Z","ends_at":"2026-12-01T00:00:00Z","reasons":["alerts_resolved"],"last_matched_at":"2026-11-09T06:00:00Z"}`
	sNothing  = `{"id":"s-nothing","source":"prod","matchers":["team=~\"db|web\"","env!=\"dev\""],"created_by":"carol","comment":"db maintenance","starts_at":"2026-11-08T06:00:00Z","ends_at":"2026-12-01T00:00:00Z","reasons":["matches_nothing"],"last_matched_at":null}`
)

func TestStaleSilences(t *testing.T) {
	svc := startWith(t, "silences.ndjson")
	cases := []struct{ name, query, want string }{
		{"defaults", "at=2026-11-10T12:00:00Z",
			`{"silences":[` + sOld + `,` + sResolved + `,` + sNothing + `],"at":"2026-11-10T12:00:00Z","max_age_seconds":604800,"idle_seconds":86400}`},
		// Idle 31h: s-resolved's 30 h no longer count; max_age 10d: s-old is
		// 9.5 days old.
		{"longer idle and max_age", "at=2026-11-10T12:00:00Z&idle=31h&max_age=10d",
			`{"silences":[` + sNothing + `],"at":"2026-11-10T12:00:00Z","max_age_seconds":864000,"idle_seconds":111600}`},
		// On 11-08 at 23:30, s-old was still the first version (the second
		// was seen at 11-09 00:00), Y was still silenced, and s-nothing had
		// only 17 h of observed time.
		{"earlier", "at=2026-11-08T23:30:00Z",
			`{"silences":[{"id":"s-old","source":"prod","matchers":["alertname=\"X\""],"created_by":"alice","comment":"v1","starts_at":"2026-11-01T00:00:00Z","ends_at":"2026-12-01T00:00:00Z","reasons":["long_running"],"last_matched_at":"2026-11-08T23:30:00Z"}],"at":"2026-11-08T23:30:00Z","max_age_seconds":604800,"idle_seconds":86400}`},
		{"blind source only", "at=2026-11-10T12:00:00Z&source=blind", `{"silences":[],"at":"2026-11-10T12:00:00Z","max_age_seconds":604800,"idle_seconds":86400}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkJSON(t, svc, "/api/v1/silences/stale?"+c.query, c.want) })
	}
	for _, bad := range []string{"at=tomorrow", "idle=0s", "max_age=x", "source=a%20b"} {
		if code, body := svc.Get(t, "/api/v1/silences/stale?"+bad); code != 400 {
			t.Errorf("%s: %d %s, want 400", bad, code, body)
		}
	}
}
