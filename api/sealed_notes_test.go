package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
)

// Noise counts the notifications of sealed episodes from their sealed
// counted minutes (the seal is made "on 2026-11-15": the days before
// 2026-11-01) exactly as it folds them from the day summaries, around the
// window's start and end, inside their minutes, and the seal's end. All
// source prod, receiver team, the 60 s dedup window, the default working
// hours (Mon–Fri 09:00–18:00 UTC). W1 is 10-15 12:00 – 11-05 00:00, W2
// 10-15 12:00 – 10-20 10:30.
//
//	B1 Tue 10-20, startsAt 10:00: firing 10:00:05, an HA copy 10:00:35 (30 s:
//	   not counted), again 10:01:10 (65 s after the one that counted),
//	   resolved 11:00:05 (endsAt 11:00; another key): 3 in W1, all in
//	   hours; 3600 s. In W2 the first two (to is 10:30): 2, and 1800 s
//	   (10:00–10:30).
//	B2 Thu 10-15, startsAt 10:50: firing every 40 s from 10:50:00 to 12:00:00
//	   (k = 0..105, at 10:50 + 40k s), resolved 12:30:05 (endsAt 12:30).
//	   The chain is followed back 60 windows, from 11:00:00 (k = 15): k =
//	   15 counts, 16 not (40 s), 17 does (80 s), so every odd k; k = 105 is
//	   12:00:00, the window's first millisecond: 1 firing + the resolved =
//	   2, in hours; 1800 s (12:00–12:30). Its fold over the whole episode,
//	   from k = 0, counts every even k instead, and none from 12:00 on: so
//	   B2, whose deliveries start before the window, must not be read
//	   sealed.
//	B3 startsAt Sat 10-31 23:59: firing 23:59:30, Sun 11-01 00:00:20 (50 s:
//	   not counted), 00:00:50 (80 s: counts), 00:01:40 (50 s: not), never
//	   resolved: 2, both out of hours; open until W1's end: 4 days and 60 s
//	   = 345,660 s. Sealed before 11-01 and summed up after: if its sealed
//	   times (23:59:30) and a fold of November alone (00:00:20 and 00:01:40
//	   count there) were added up, 3.
//	B4 Sat 10-10 08:00–08:30 (firing 08:00:05, resolved 08:30:05): before both
//	   windows, in neither.
//	B5 Sat 10-24, startsAt 03:00: firing 03:00:05, an HA copy 03:00:50 (45 s),
//	   resolved 03:04:05 (endsAt 03:04): 2 in W1, out of hours; 240 s,
//	   self-resolving (under 5 min). After W2.
//	B6 Tue 11-03, startsAt 08:00: firing 08:00:05, open: 1, out of hours (before
//	   09:00); 40 h to W1's end = 144,000 s. After the seal.
//
// Every alert has one episode. By severity (a label none has: one key,
// ""): 3+2+2+2+1 = 10 notifications, 5 episodes, 3600+1800+345660+240+
// 144000 = 495,300 s, 1 self-resolving, 0+0+2+2+1 = 5 out of hours.
func TestSealedNotificationsCountAsTheSummaries(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Store.CompactInterval = 0
	svc := apptest.Start(t, cfg)
	lines := []string{
		firing("B4", "2026-10-10T08:00:05Z", "2026-10-10T08:00:00Z"),
		resolved("B4", "2026-10-10T08:30:05Z", "2026-10-10T08:00:00Z", "2026-10-10T08:30:00Z"),
		firing("B1", "2026-10-20T10:00:05Z", "2026-10-20T10:00:00Z"),
		firing("B1", "2026-10-20T10:00:35Z", "2026-10-20T10:00:00Z"),
		firing("B1", "2026-10-20T10:01:10Z", "2026-10-20T10:00:00Z"),
		resolved("B1", "2026-10-20T11:00:05Z", "2026-10-20T10:00:00Z", "2026-10-20T11:00:00Z"),
		firing("B5", "2026-10-24T03:00:05Z", "2026-10-24T03:00:00Z"),
		firing("B5", "2026-10-24T03:00:50Z", "2026-10-24T03:00:00Z"),
		resolved("B5", "2026-10-24T03:04:05Z", "2026-10-24T03:00:00Z", "2026-10-24T03:04:00Z"),
		firing("B3", "2026-10-31T23:59:30Z", "2026-10-31T23:59:00Z"),
		firing("B3", "2026-11-01T00:00:20Z", "2026-10-31T23:59:00Z"),
		firing("B3", "2026-11-01T00:00:50Z", "2026-10-31T23:59:00Z"),
		firing("B3", "2026-11-01T00:01:40Z", "2026-10-31T23:59:00Z"),
		firing("B6", "2026-11-03T08:00:05Z", "2026-11-03T08:00:00Z"),
	}
	b2 := time.Date(2026, 10, 15, 10, 50, 0, 0, time.UTC)
	for k := range 106 {
		lines = append(lines, firing("B2", b2.Add(time.Duration(k)*40*time.Second).Format(time.RFC3339), "2026-10-15T10:50:00Z"))
	}
	lines = append(lines, resolved("B2", "2026-10-15T12:30:05Z", "2026-10-15T10:50:00Z", "2026-10-15T12:30:00Z"))
	importLines(t, svc, strings.Join(lines, "\n")+"\n")

	const (
		w1 = "from=2026-10-15T12:00:00Z&to=2026-11-05T00:00:00Z"
		w2 = "from=2026-10-15T12:00:00Z&to=2026-10-20T10:30:00Z"
	)
	row := func(key string, n, firing, self, ooh int) string {
		return fmt.Sprintf(`{"key":%q,"notifications":%d,"episodes":1,"firing_seconds":%d,"self_resolving":%d,"out_of_hours":%d}`, key, n, firing, self, ooh)
	}
	answer := func(by string, rows ...string) string {
		return fmt.Sprintf(`{"by":%q,"rows":[%s],"total_keys":%d,"truncated":false,"unrouted":[],"long_running":[],`+
			`"short_seconds":300,"long_running_seconds":604800}`, by, strings.Join(rows, ","), len(rows))
	}
	bySeverity := func(n, ooh int) string {
		return fmt.Sprintf(`{"by":"severity","rows":[{"key":"","notifications":%d,"episodes":5,"firing_seconds":495300,"self_resolving":1,"out_of_hours":%d}],`+
			`"total_keys":1,"truncated":false,"unrouted":[],"long_running":[],"short_seconds":300,"long_running_seconds":604800}`, n, ooh)
	}
	// b5 is B5's count: 2, unless a test writes into its sealed row.
	check := func(what string, b5 int) {
		t.Helper()
		// Tied on notifications and episodes: by key. With 3, B5 ties B1.
		b1, b2, b3, b5r, b6 := row("B1", 3, 3600, 0, 0), row("B2", 2, 1800, 0, 0), row("B3", 2, 345660, 0, 2), row("B5", b5, 240, 1, b5), row("B6", 1, 144000, 0, 1)
		w1Rows := []string{b1, b2, b3, b5r, b6}
		if b5 == 3 {
			w1Rows = []string{b1, b5r, b2, b3, b6}
		}
		for _, c := range []struct{ path, want string }{
			{w1, answer("alertname", w1Rows...)},
			{w2, answer("alertname", row("B1", 2, 1800, 0, 0), row("B2", 2, 1800, 0, 0))},
			// Two alerts by their labels: the others' sealed notifications
			// are not counted (they would show as keys of their own).
			{"match=" + url.QueryEscape(`{alertname=~"B2|B3"}`) + "&" + w1,
				answer("alertname", row("B2", 2, 1800, 0, 0), row("B3", 2, 345660, 0, 2))},
			{"by=severity&" + w1, bySeverity(8+b5, 3+b5)},
			// Windows starting or ending inside a minute of B1's counted
			// notifications (10:00:05, 10:01:10; the HA copy 10:00:35):
			// from 10:00:03 both are in it (1797 s of firing to 10:30),
			// from 10:00:07 only 10:01:10 (1793 s); to 10:01:11 both are
			// (from 09:00: 71 s), to 10:01:09 only the first (69 s).
			{"from=2026-10-20T10:00:03Z&to=2026-10-20T10:30:00Z", answer("alertname", row("B1", 2, 1797, 0, 0))},
			{"from=2026-10-20T10:00:07Z&to=2026-10-20T10:30:00Z", answer("alertname", row("B1", 1, 1793, 0, 0))},
			{"from=2026-10-20T09:00:00Z&to=2026-10-20T10:01:11Z", answer("alertname", row("B1", 2, 71, 0, 0))},
			{"from=2026-10-20T09:00:00Z&to=2026-10-20T10:01:09Z", answer("alertname", row("B1", 1, 69, 0, 0))},
		} {
			code, body := svc.Get(t, "/api/v1/noise?"+c.path)
			if code != 200 {
				t.Fatalf("%s: noise?%s: %d %s", what, c.path, code, body)
			}
			sameJSON(t, what+": noise?"+c.path, body, c.want)
		}
	}
	check("from the summaries", 2)

	if built, err := svc.Store.SealEpisodes(t.Context(), time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC), time.Minute); err != nil || !built {
		t.Fatalf("sealing: built %v, %v; want a new seal", built, err)
	}
	s, err := svc.Store.SealInUse(t.Context())
	if err != nil || !s.Episodes || !s.Notes {
		t.Fatalf("seal in use: %+v, %v; want its episodes and counted notifications current", s, err)
	}
	// B1's counted minutes as steps: 10:00 (0 from its start minute,
	// 10:00), 10:01 (1 more), 11:00 (59 more).
	cond := fmt.Sprintf("seal = %d AND fingerprint = 'b1b1b1b1b1b1b1b1' AND counted_minutes = [0, 1, 59]", s.ID)
	if n := svc.Count(t, "sealed_episodes", cond); n != 1 {
		t.Errorf("B1's sealed counted minutes: %d rows with %s, want 1", n, cond)
	}
	check("sealed", 2)

	// The answers above come from the seal: a third notification written
	// into B5's sealed row (its minutes 03:00 and 03:04, steps 0 and 4;
	// with Sat 03:02, out of hours, between them: 0, 2, 2) shows in them.
	// (Not with episodes built from the raw rows: those never read a seal.)
	if err := svc.Store.Exec(t.Context(), `ALTER TABLE {{db}}.sealed_episodes UPDATE counted_minutes = [0, 2, 2]
		WHERE fingerprint = 'b5b5b5b5b5b5b5b5' AND counted_minutes = [0, 4] SETTINGS mutations_sync = 2`); err != nil {
		t.Fatal(err)
	}
	b5 := 3
	if svc.Cfg.Store.EpisodesFromRaw {
		b5 = 2
	}
	check("B5's sealed row written into", b5)

	// A seal made before the counted minutes were sealed has none (its
	// column empty): noise folds the summaries, and the next run seals
	// again.
	if err := svc.Store.Exec(t.Context(), "ALTER TABLE {{db}}.episode_seals UPDATE notes = 0 WHERE 1 SETTINGS mutations_sync = 2"); err != nil {
		t.Fatal(err)
	}
	if s, err := svc.Store.SealInUse(t.Context()); err != nil || !s.Episodes || s.Notes {
		t.Fatalf("a seal without counted notifications: %+v, %v; want its episodes current, not its notifications", s, err)
	}
	check("a seal without counted notifications", 2)
	if built, err := svc.Store.SealEpisodes(t.Context(), time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC), time.Minute); err != nil || !built {
		t.Fatalf("sealing a seal without counted notifications again: built %v, %v; want a new seal", built, err)
	}
	check("sealed again", 2)
}
