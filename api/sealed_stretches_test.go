package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
)

// boundaryPoll is a poll line of prod at minute m after 2026-10-31 23:50
// (m 10 is 2026-11-01 00:00): alerts A, B, C and D (fingerprints
// 0000000000000a01 …, labels their alertname only), all firing since
// 23:50; X by Y for the minutes in [from, to) of inhibited[X].
func boundaryPoll(m int) string {
	type by struct {
		inhibitor string
		from, to  int
	}
	inhibited := map[string]by{
		"a": {"0000000000000b01", 8, 13}, // A by B: 23:58–00:03
		"b": {"0000000000000a01", 9, 12}, // B by A: 23:59–00:02
		"c": {"0000000000000d01", 0, 5},  // C by D: 23:50–23:55
		"d": {"0000000000000c01", 2, 7},  // D by C: 23:52–23:57
	}
	at := time.Date(2026, 10, 31, 23, 50+m, 0, 0, time.UTC).Format(time.RFC3339)
	var alerts []string
	for _, x := range []string{"a", "b", "c", "d"} {
		state, inh := "active", `[]`
		if b := inhibited[x]; m >= b.from && m < b.to {
			state, inh = "suppressed", `["`+b.inhibitor+`"]`
		}
		alerts = append(alerts, `{"fingerprint": "0000000000000`+x+`01", "labels": {"alertname": "`+strings.ToUpper(x)+`"}, "annotations": {}, `+
			`"startsAt": "2026-10-31T23:50:00Z", "endsAt": "2026-11-01T01:00:00Z", "updatedAt": "2026-10-31T23:50:00Z", "receivers": [{"name": "team"}], `+
			`"status": {"state": "`+state+`", "silencedBy": [], "inhibitedBy": `+inh+`}}`)
	}
	return `{"kind": "poll", "at": "` + at + `", "source": "prod", "alerts": [` + strings.Join(alerts, ", ") + `], "silences": []}`
}

// Inhibited stretches read sealed (those that started before the seal's
// end found once) answer as the poller's rows do, around the seal's end,
// 2026-11-01 00:00 (the seal is made "on 2026-11-15"): a stretch still
// open there, closed ones cut at a window's end, a late row in a sealed
// month, and a merge of the rows' parts.
//
// Polls of prod every minute 23:50–00:10, poll interval 1 min; the
// poller writes a row for each alert at every poll (a change, or a
// checkpoint a minute after the alert's last row), so each row's stretch
// lasts until the next minute. "X by Y a–b": polls from a up to (not
// including) b saw X inhibited by Y.
//
//	A by B 23:58–00:03, B by A 23:59–00:02: overlap 23:59–00:02. B's first
//	   stretch, from its 23:59 row, is still open at the seal (its next row
//	   is the 00:00 one), so the loop's start comes from a sealed stretch
//	   ended by the first row after the seal.
//	C by D 23:50–23:55, D by C 23:52–23:57: overlap 23:52–23:55, sealed.
//
// Loops, by window:
//
//	[23:50, 00:10): A,B 23:59–00:02; C,D 23:52–23:55.
//	[23:50, 23:53:30): C,D 23:52–23:53:30: the 23:53 rows' stretches end at
//	   the 23:54 rows, after the window, so the window's end ends them.
//	[23:55, 00:01:30): A,B 23:59–00:01:30 (A's and B's 00:01 stretches end
//	   at the 00:02 rows, after the window). C by D's last stretch ends at
//	   23:55, not after the window's start: no C,D loop.
//
// Failed inhibitions (notifications to receiver team; the polls before and
// after each saw it inhibited, and the inhibitor firing): C at 23:53:10
// (polls 23:53 and 23:54, by D: sealed stretches) and A at 00:01:10 (polls
// 00:01 and 00:02, by B: rows after the seal). A at 00:05:10 is not
// inhibited. No status was polled: no rule, no cause.
//
// Then a late row of D in a sealed month, at 23:51:30 inhibited by C (as an
// import of an older recording writes): D by C from 23:51:30, so both C,D
// loops start there. The sealed stretches are no longer current and the
// stretches come from the rows until the next seal. Deleted again, the C,D
// loops start at 23:52 once more.
func TestSealedStretchesAnswerAsTheRows(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Store.CompactInterval = 0
	cfg.PollInterval = config.Duration(time.Minute)
	svc := apptest.Start(t, cfg)
	var lines []string
	for m := range 21 {
		lines = append(lines, boundaryPoll(m))
	}
	lines = append(lines,
		webhookLine("C", "0000000000000c01", "2026-10-31T23:53:10Z", "firing", "2026-10-31T23:50:00Z", "0001-01-01T00:00:00Z"),
		webhookLine("A", "0000000000000a01", "2026-11-01T00:01:10Z", "firing", "2026-10-31T23:50:00Z", "0001-01-01T00:00:00Z"),
		webhookLine("A", "0000000000000a01", "2026-11-01T00:05:10Z", "firing", "2026-10-31T23:50:00Z", "0001-01-01T00:00:00Z"))
	importLines(t, svc, strings.Join(lines, "\n")+"\n")

	loop := func(a, b, first, last string) string {
		return `{"source":"prod","fingerprints":["0000000000000` + strings.ToLower(a) + `01","0000000000000` + strings.ToLower(b) + `01"],` +
			`"alertnames":["` + a + `","` + b + `"],"first_seen":"` + first + `","last_seen":"` + last + `"}`
	}
	loops := func(from, to string, loops ...string) [2]string {
		return [2]string{"/api/v1/inhibitions/loops?from=" + from + "&to=" + to, `{"loops":[` + strings.Join(loops, ",") + `],"rule_loops":[]}`}
	}
	failure := func(x, by, at string) string {
		return `{"fingerprint":"0000000000000` + strings.ToLower(x) + `01","alertname":"` + x + `","labels":{"alertname":"` + x + `"},"receiver":"team","source":"prod",` +
			`"notified_at":"` + at + `","inhibited_by":[{"fingerprint":"0000000000000` + strings.ToLower(by) + `01","alertname":"` + by + `"}],` +
			`"basis":"polls","rule":null,"cause":null}`
	}
	check := func(step, cdFrom string) {
		t.Helper()
		for _, c := range [][2]string{
			loops("2026-10-31T23:50:00Z", "2026-11-01T00:10:00Z",
				loop("A", "B", "2026-10-31T23:59:00Z", "2026-11-01T00:02:00Z"), loop("C", "D", cdFrom, "2026-10-31T23:55:00Z")),
			loops("2026-10-31T23:50:00Z", "2026-10-31T23:53:30Z", loop("C", "D", cdFrom, "2026-10-31T23:53:30Z")),
			loops("2026-10-31T23:55:00Z", "2026-11-01T00:01:30Z", loop("A", "B", "2026-10-31T23:59:00Z", "2026-11-01T00:01:30Z")),
			{"/api/v1/inhibitions/failed?from=2026-10-31T23:50:00Z&to=2026-11-01T00:10:00Z",
				`{"failures":[` + failure("C", "D", "2026-10-31T23:53:10Z") + "," + failure("A", "B", "2026-11-01T00:01:10Z") + `]}`},
		} {
			t.Logf("%s: %s", step, c[0])
			checkJSON(t, svc, c[0], c[1])
		}
	}
	check("before a seal", "2026-10-31T23:52:00Z")

	seal := sealer(t, svc, func(s store.Seal) bool { return s.Stretches })
	id := fmt.Sprintf("seal = %d", seal.build())
	// The rows before 11-01 (23:50–23:59, one a minute) make A two
	// stretches (23:58, and 23:59 still open), B one (23:59, open), C five
	// (23:50–23:54) and D five (23:52–23:56): 13, two of them open.
	if n := svc.Count(t, "sealed_stretches", id); n != 13 {
		t.Errorf("sealed stretches: %d, want 13", n)
	}
	if n := svc.Count(t, "sealed_stretches", id+" AND end IS NULL"); n != 2 {
		t.Errorf("sealed stretches open at the seal: %d, want 2", n)
	}
	check("sealed", "2026-10-31T23:52:00Z")

	if err := svc.Store.Exec(t.Context(), `INSERT INTO {{db}}.alert_states (observed_at, source, fingerprint, kind, state, alertname, labels, inhibited_by, starts_at)
		VALUES ('2026-10-31 23:51:30', 'prod', '0000000000000d01', 'changed', 'suppressed', 'D', {'alertname': 'D'}, ['0000000000000c01'], '2026-10-31 23:50:00')`); err != nil {
		t.Fatal(err)
	}
	seal.current("after a late row", false)
	check("after a late row", "2026-10-31T23:51:30Z")
	seal.build()
	check("sealed again", "2026-10-31T23:51:30Z")
	// A merge makes new parts of the same rows: the stretches stay current.
	if err := svc.Store.Exec(t.Context(), "OPTIMIZE TABLE {{db}}.alert_states FINAL"); err != nil {
		t.Fatal(err)
	}
	seal.current("after a merge", true)
	check("after a merge", "2026-10-31T23:51:30Z")
	// The late row deleted (as a retention drop deletes rows), the
	// summaries left as they are: the episodes' seal stays current, its
	// stretches do not, and the next run seals again.
	if err := svc.Store.Exec(t.Context(), `ALTER TABLE {{db}}.alert_states DELETE
		WHERE fingerprint = '0000000000000d01' AND observed_at = toDateTime64('2026-10-31 23:51:30', 3, 'UTC') SETTINGS mutations_sync = 2`); err != nil {
		t.Fatal(err)
	}
	if s := seal.current("after a row deleted", false); !s.Episodes {
		t.Fatalf("episodes' seal after a row deleted: not current; want current")
	}
	check("after a row deleted", "2026-10-31T23:52:00Z")
	seal.build()
	check("sealed after a row deleted", "2026-10-31T23:52:00Z")

	// The answers above come from the seal while it is current: D's
	// stretches are all sealed (its rows 23:52–23:56, each ended by the
	// next, before 11-01), so with them taken out of the seal D was never
	// inhibited, and only the A,B loop is left. (Not with episodes built
	// from the raw rows: those never read a seal.)
	if err := svc.Store.Exec(t.Context(), `ALTER TABLE {{db}}.sealed_stretches DELETE
		WHERE fingerprint = '0000000000000d01' SETTINGS mutations_sync = 2`); err != nil {
		t.Fatal(err)
	}
	want := []string{loop("A", "B", "2026-10-31T23:59:00Z", "2026-11-01T00:02:00Z")}
	if svc.Cfg.Store.EpisodesFromRaw {
		want = append(want, loop("C", "D", "2026-10-31T23:52:00Z", "2026-10-31T23:55:00Z"))
	}
	tampered := loops("2026-10-31T23:50:00Z", "2026-11-01T00:10:00Z", want...)
	checkJSON(t, svc, tampered[0], tampered[1])
}

// sealCheck builds seals in a test's service "on 2026-11-15" (covering
// the days before 2026-11-01, with the 60 s dedup window) and checks
// whether the part of the newest one a test is about is current.
type sealCheck struct {
	t    *testing.T
	svc  *apptest.Service
	part func(store.Seal) bool
}

func sealer(t *testing.T, svc *apptest.Service, part func(store.Seal) bool) sealCheck {
	return sealCheck{t, svc, part}
}

// current fails the test unless the part is current as wanted, and
// returns the seal.
func (c sealCheck) current(what string, want bool) store.Seal {
	c.t.Helper()
	s, err := c.svc.Store.SealInUse(c.t.Context())
	if err != nil || c.part(s) != want {
		c.t.Fatalf("%s: seal %+v, %v; want the part current %v", what, s, err, want)
	}
	return s
}

// build seals, which must make a new seal with the part current, and
// returns its id.
func (c sealCheck) build() uint64 {
	c.t.Helper()
	if built, err := c.svc.Store.SealEpisodes(c.t.Context(), time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC), time.Minute); err != nil || !built {
		c.t.Fatalf("sealing: built %v, %v; want a new seal", built, err)
	}
	return c.current("sealed", true).ID
}
