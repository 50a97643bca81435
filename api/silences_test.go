package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/store"
)

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

// matchingNothing is a silence of testdata/silences_observed.ndjson as
// stale silences list it when it matches nothing.
func matchingNothing(id, starts string) string {
	return `{"id":"` + id + `","source":"prod","matchers":["team=\"none\""],"created_by":"dave","comment":"nothing to match","starts_at":"` + starts +
		`","ends_at":"2026-12-01T00:00:00Z","reasons":["matches_nothing"],"last_matched_at":null}`
}

// A silence's observed time to the millisecond, from
// testdata/silences_observed.ndjson: hourly polls of prod from 11-08 00:00
// to 11-10 12:00, the one at 11-09 12:00 failed (11:00–13:00 blind). Two
// silences that match nothing: s-edge from 11-08 06:00 (a poll's time) and
// s-half from 06:30 (between two polls: half of the 06:00–07:00 interval).
// At 11-10 12:00, by hand: s-edge 54 h − 2 h blind = 52 h observed, s-half
// 53.5 h − 2 h = 51.5 h. A silence matches nothing when its observed time
// is at least idle.
func TestStaleSilencesObservedTime(t *testing.T) {
	svc := startWith(t, "silences_observed.ndjson")
	edge, half := matchingNothing("s-edge", "2026-11-08T06:00:00Z"), matchingNothing("s-half", "2026-11-08T06:30:00Z")
	for _, c := range []struct {
		idle, idleSeconds string
		listed            []string
	}{
		{"51h30m", "185400", []string{edge, half}},
		{"51h30m1s", "185401", []string{edge}},
		{"52h", "187200", []string{edge}},
		{"52h0m1s", "187201", nil},
	} {
		checkJSON(t, svc, "/api/v1/silences/stale?at=2026-11-10T12:00:00Z&idle="+c.idle,
			`{"silences":[`+strings.Join(c.listed, ",")+`],"at":"2026-11-10T12:00:00Z","max_age_seconds":604800,"idle_seconds":`+c.idleSeconds+`}`)
	}
}

// A silence's stretch on an alert ends at the alert's next row recorded
// later, not at another row of the same time. Into the store of
// testdata/silences.ndjson go three rows of a new alert W that s-resolved
// silences, as a poller writes them when W fires again between two polls,
// in the order another writer might leave them: at 11-09 08:00 W's new
// episode firing (silenced by s-resolved), then its old episode resolved (a
// copy of its last state, naming s-resolved too); at 09:00 the new episode
// gone. By hand, at 11-10 12:00: s-resolved silenced Y until 11-09 06:00
// and W until 09:00 (the 08:00 resolved row is no later row), so its
// last_matched_at is 09:00, 27 h before: stale (alerts_resolved) with idle
// up to 27 h, not with 27 h 1 s. (Ended at the 08:00 resolved row, it
// would be 08:00, 28 h.)
func TestStaleSilencesStretchEndsAtALaterRow(t *testing.T) {
	svc := startWith(t, "silences.ndjson")
	row := func(hour int, kind string, startedHour int) store.AlertState {
		r := stateRow(store.T(time.Date(2026, 11, 9, hour, 0, 0, 0, time.UTC)), "3333333333333333", map[string]string{"alertname": "W"})
		r.Kind, r.State, r.SilencedBy = kind, "suppressed", []string{"s-resolved"}
		r.StartsAt = store.T(time.Date(2026, 11, 9, startedHour, 0, 0, 0, time.UTC))
		return r
	}
	insertStates(t, svc, "refired-w", row(8, store.KindAppeared, 7), row(8, store.KindResolved, 5), row(9, store.KindResolved, 7))
	resolved := strings.Replace(sResolved, `"last_matched_at":"2026-11-09T06:00:00Z"`, `"last_matched_at":"2026-11-09T09:00:00Z"`, 1)
	checkJSON(t, svc, "/api/v1/silences/stale?at=2026-11-10T12:00:00Z&idle=27h",
		`{"silences":[`+sOld+`,`+resolved+`,`+sNothing+`],"at":"2026-11-10T12:00:00Z","max_age_seconds":604800,"idle_seconds":97200}`)
	checkJSON(t, svc, "/api/v1/silences/stale?at=2026-11-10T12:00:00Z&idle=27h0m1s",
		`{"silences":[`+sOld+`,`+sNothing+`],"at":"2026-11-10T12:00:00Z","max_age_seconds":604800,"idle_seconds":97201}`)
}

// Only rows from the silences' earliest start on are read for what they
// silenced, on the first day of the scan as on the poller's own rows. Into
// the store of testdata/silences_observed.ndjson (s-edge from 11-08 06:00,
// the earliest start; s-half from 06:30; both match nothing) go two rows
// of an alert Z: at 11-08 05:00 silenced by s-edge (before it started: a
// row no silence of the scan can have made), at 07:00 not silenced. Only
// rows from 06:00 on count, so s-edge still never silenced anything: at
// 11-10 12:00 it matches nothing with idle 52 h (its observed time, see
// above), as without Z. (Counting the 05:00 row, it would have silenced Z
// until 07:00, 53 h before: alerts_resolved instead.) Asked at 11-08 12:00
// the same holds within the day asked in, read from the poller's rows:
// s-edge has 6 h of observed time (06:00–12:00, every poll of that day
// successful) and matches nothing with idle 6 h, s-half has 5.5 h. (With
// the 05:00 row, s-edge would have silenced Z until 07:00, 5 h before:
// not stale at all.)
func TestStaleSilencesFromTheEarliestStart(t *testing.T) {
	svc := startWith(t, "silences_observed.ndjson")
	z := func(hour int, silences ...string) store.AlertState {
		r := stateRow(store.T(time.Date(2026, 11, 8, hour, 0, 0, 0, time.UTC)), "4444444444444444", map[string]string{"alertname": "Z"})
		r.Kind, r.SilencedBy = store.KindChanged, append([]string{}, silences...)
		return r
	}
	insertStates(t, svc, "before-the-start", z(5, "s-edge"), z(7))
	edge := matchingNothing("s-edge", "2026-11-08T06:00:00Z")
	checkJSON(t, svc, "/api/v1/silences/stale?at=2026-11-10T12:00:00Z&idle=52h",
		`{"silences":[`+edge+`],"at":"2026-11-10T12:00:00Z","max_age_seconds":604800,"idle_seconds":187200}`)
	checkJSON(t, svc, "/api/v1/silences/stale?at=2026-11-08T12:00:00Z&idle=6h",
		`{"silences":[`+edge+`],"at":"2026-11-08T12:00:00Z","max_age_seconds":604800,"idle_seconds":21600}`)
}
