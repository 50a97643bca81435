package api_test

import (
	"fmt"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
)

// mutedPoll is a poll line of prod at minute m after 2026-10-31 23:50 (m 10
// is 2026-11-01 00:00) of the alerts A, B, C, D and E (fingerprints
// 0000000000000a01 …, labels their alertname only), all firing since
// 23:50 but D, firing since 10-20 10:00. A mute is the minutes [from, to)
// an alert was silenced (by s1) or inhibited (by A); E is gone from minute
// 9 on.
func mutedPoll(m int) string {
	type mute struct{ from, to int }
	silenced := map[string]mute{"a": {5, 13}, "c": {8, 11}, "e": {0, 9}}
	inhibited := map[string]mute{"b": {2, 7}, "c": {9, 15}}
	in := func(x mute) bool { return m >= x.from && m < x.to }
	var alerts []string
	for _, x := range []string{"a", "b", "c", "d", "e"} {
		if x == "e" && m >= 9 {
			continue
		}
		starts := "2026-10-31T23:50:00Z"
		if x == "d" {
			starts = "2026-10-20T10:00:00Z"
		}
		sil, inh := `[]`, `[]`
		if s, ok := silenced[x]; ok && in(s) {
			sil = `["s1"]`
		}
		if i, ok := inhibited[x]; ok && in(i) {
			inh = `["0000000000000a01"]`
		}
		alerts = append(alerts, mutedAlert(x, starts, sil, inh))
	}
	at := time.Date(2026, 10, 31, 23, 50+m, 0, 0, time.UTC).Format(time.RFC3339)
	return `{"kind": "poll", "at": "` + at + `", "source": "prod", "alerts": [` + strings.Join(alerts, ", ") + `], "silences": []}`
}

// mutedAlert is an alert of a poll, suppressed when silenced or inhibited.
func mutedAlert(x, starts, silencedBy, inhibitedBy string) string {
	state := "active"
	if silencedBy != `[]` || inhibitedBy != `[]` {
		state = "suppressed"
	}
	return `{"fingerprint": "0000000000000` + x + `01", "labels": {"alertname": "` + strings.ToUpper(x) + `"}, "annotations": {}, ` +
		`"startsAt": "` + starts + `", "endsAt": "2026-11-02T00:00:00Z", "updatedAt": "` + starts + `", "receivers": [{"name": "team"}], ` +
		`"status": {"state": "` + state + `", "silencedBy": ` + silencedBy + `, "inhibitedBy": ` + inhibitedBy + `}}`
}

// The time episodes spent silenced and inhibited, read sealed (each
// episode's steps before the seal's end summed per day once, and its last
// row before then), answers as the poller's rows do: around the seal's
// end, 2026-11-01 00:00 (the seal is made "on 2026-11-15"), on the scan's
// first day, for a late row in a sealed month, a merge and a delete. A
// row's state holds until the episode's next row; polls of prod every
// minute 23:50–00:10 (m 0–20), a row for each alert at each.
//
//	A silenced m 5–13 (23:55–00:03): 8 rows, 60 s each: 480 s. Its 23:59
//	   row's step ends at the 00:00 row, after the seal: a sealed last row.
//	B inhibited m 2–7 (23:52–23:57): 300 s, all sealed.
//	C silenced m 8–11: 180 s; inhibited m 9–15: 360 s.
//	D (firing since 10-20 10:00) polled also at 10-20 10:00 and 10:01,
//	   silenced; not at 23:50 on. Its 10:00 step lasts 60 s and its 10:01
//	   step until the 23:50 row of 10-31: 11 days (950,400 s) and 13 h 49
//	   min (49,740 s). Scanned from 10-24 (the alerts list over
//	   23:50–00:10 scans from the midnight a week before its start), those
//	   rows are not read: 0 s. Scanned from 10-19 (the weekly review of
//	   2026-W44, 10-26 to 11-01): 60 + 1,000,140 = 1,000,200 s.
//	E silenced m 0–9, gone at m 9: its 23:59 row says resolved, so nine
//	   silenced steps of 60 s: 540 s.
//
// No alert's last row is muted, so no answer depends on the clock. Then a
// late row of A at 23:56:30, firing and not silenced (as an import of an
// older recording writes): its 23:56 step lasts 30 s, its own 30 s is not
// silenced, so 450 s; the seal is stale until sealed again; deleted again,
// 480 s.
func TestSealedMutedTimeAnswersAsTheRows(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Store.CompactInterval = 0
	cfg.PollInterval = config.Duration(time.Minute)
	svc := apptest.Start(t, cfg)
	var lines []string
	for _, at := range []string{"2026-10-20T10:00:00Z", "2026-10-20T10:01:00Z"} {
		lines = append(lines, `{"kind": "poll", "at": "`+at+`", "source": "prod", "alerts": [`+
			mutedAlert("d", "2026-10-20T10:00:00Z", `["s1"]`, `[]`)+`], "silences": []}`)
	}
	for m := range 21 {
		lines = append(lines, mutedPoll(m))
	}
	importLines(t, svc, strings.Join(lines, "\n")+"\n")

	type muted struct{ Silenced, Inhibited float64 }
	type episode struct {
		Alertname        string
		SilencedSeconds  float64 `json:"silenced_seconds"`
		InhibitedSeconds float64 `json:"inhibited_seconds"`
	}
	type weeklyReview struct {
		LongestRunning []episode `json:"longest_running"`
	}
	byName := func(eps []episode) map[string]muted {
		got := map[string]muted{}
		for _, e := range eps {
			got[e.Alertname] = muted{e.SilencedSeconds, e.InhibitedSeconds}
		}
		return got
	}
	window := "from=2026-10-31T23:50:00Z&to=2026-11-01T00:10:00Z"
	check := func(step string, a float64) {
		t.Helper()
		want := map[string]muted{"A": {a, 0}, "B": {0, 300}, "C": {180, 360}, "D": {0, 0}, "E": {540, 0}}
		for _, path := range []string{
			"/api/v1/alerts?" + window,
			// label matchers narrow the rows by the matching alerts
			"/api/v1/alerts?" + window + "&match=" + url.QueryEscape(`{alertname=~"[A-E]"}`),
		} {
			var got struct{ Episodes []episode }
			getJSON(t, svc, path, &got)
			if g := byName(got.Episodes); !maps.Equal(g, want) {
				t.Errorf("%s: GET %s: muted %v, want %v", step, path, g, want)
			}
		}
		// The weekly review's longest-running episodes (the longest few
		// narrow the rows by the episodes picked), scanned from 10-19.
		want["D"] = muted{1_000_200, 0}
		var weekly weeklyReview
		getJSON(t, svc, "/api/v1/report/weekly?week=2026-W44", &weekly)
		if g := byName(weekly.LongestRunning); !maps.Equal(g, want) {
			t.Errorf("%s: weekly review of 2026-W44: muted %v, want %v", step, g, want)
		}
	}
	check("before a seal", 480)

	seal := sealer(t, svc, func(s store.Seal) bool { return s.Muted })
	id := fmt.Sprintf("seal = %d", seal.build())
	// The episodes' days before 11-01 that add muted time or end on a
	// muted row: D's 10-20 (its 10-31 rows are not muted), and 10-31 of A,
	// B, C and E; A's and C's end on a muted row (23:59, silenced), B's and
	// E's do not (23:59, firing; resolved).
	if n := svc.Count(t, "sealed_muted", id); n != 5 {
		t.Errorf("sealed days of muted time: %d, want 5", n)
	}
	if n := svc.Count(t, "sealed_muted", id+" AND last_at IS NOT NULL AND (last_silenced OR last_inhibited)"); n != 2 {
		t.Errorf("sealed muted last rows: %d, want 2", n)
	}
	check("sealed", 480)

	if err := svc.Store.Exec(t.Context(), `INSERT INTO {{db}}.alert_states (observed_at, source, fingerprint, kind, state, alertname, labels, starts_at)
		VALUES ('2026-10-31 23:56:30', 'prod', '0000000000000a01', 'changed', 'active', 'A', {'alertname': 'A'}, '2026-10-31 23:50:00')`); err != nil {
		t.Fatal(err)
	}
	seal.current("after a late row", false)
	check("after a late row", 450)
	seal.build()
	check("sealed again", 450)
	if err := svc.Store.Exec(t.Context(), "OPTIMIZE TABLE {{db}}.alert_states FINAL"); err != nil {
		t.Fatal(err)
	}
	seal.current("after a merge", true)
	check("after a merge", 450)
	if err := svc.Store.Exec(t.Context(), `ALTER TABLE {{db}}.alert_states DELETE
		WHERE fingerprint = '0000000000000a01' AND observed_at = toDateTime64('2026-10-31 23:56:30', 3, 'UTC') SETTINGS mutations_sync = 2`); err != nil {
		t.Fatal(err)
	}
	seal.current("after a row deleted", false)
	check("after a row deleted", 480)
	seal.build()
	check("sealed after a row deleted", 480)
	// A seal made before muted time was sealed has none: read from the
	// rows, and sealed again by the next run.
	if err := svc.Store.Exec(t.Context(), "ALTER TABLE {{db}}.episode_seals UPDATE muted = 0 WHERE 1 SETTINGS mutations_sync = 2"); err != nil {
		t.Fatal(err)
	}
	seal.current("a seal without muted time", false)
	check("a seal without muted time", 480)
	seal.build()

	// The answers above come from the seal while it is current: a second
	// more of silence written into B's sealed day shows in both. (Not with
	// episodes built from the raw rows: those never read a seal.)
	if err := svc.Store.Exec(t.Context(), `ALTER TABLE {{db}}.sealed_muted UPDATE silenced_ms = silenced_ms + 1000
		WHERE fingerprint = '0000000000000b01' SETTINGS mutations_sync = 2`); err != nil {
		t.Fatal(err)
	}
	var alerts struct{ Episodes []episode }
	var weekly weeklyReview
	getJSON(t, svc, "/api/v1/alerts?"+window, &alerts)
	getJSON(t, svc, "/api/v1/report/weekly?week=2026-W44", &weekly)
	for what, eps := range map[string][]episode{"alerts": alerts.Episodes, "weekly review": weekly.LongestRunning} {
		want := muted{1, 300}
		if svc.Cfg.Store.EpisodesFromRaw {
			want = muted{0, 300}
		}
		if got := byName(eps)["B"]; got != want {
			t.Errorf("%s with B's sealed day tampered with: B muted %v, want %v", what, got, want)
		}
	}
}
