package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertlens/alertlens/analysis"
	"github.com/alertlens/alertlens/app"
	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/workhours"
)

// testdata/weekly.ndjson, reviewed for 2026-W43 in Europe/Berlin, the week
// summer time ends (Sunday 2026-10-25 03:00 CEST -> 02:00 CET): it runs
// from Monday 10-19 00:00 CEST (10-18 22:00 UTC) to Monday 10-26 00:00 CET
// (10-25 23:00 UTC), 169 hours.
//
//	X  Mon 09:30–09:32 CEST (2 min: self-resolving; in working hours), and
//	   Sun 00:30 CEST – 07:30 CET (8 h; out of hours; the firing
//	   notification at 00:30 is in sleep hours, the resolved one at 07:30
//	   is not).
//	Z  Sun 10-18 23:30 CEST: the week before (W42), like Y on 10-14.
//
// All to receiver team. So: 4 notifications, 2 episodes, 1 alert, against 4, 2, 2 the week
// before; nothing flaps (the gap is days) and no inhibit rule reaches
// support 5, so replaying the week's suggestions changes nothing; self-resolving 1/2; in hours 2, out 2, sleep 1; median of the
// ended episodes (120 + 28800) / 2 = 14460 s, longest 28800 s. Busiest
// hours in Berlin: Monday 09h twice, Sunday 00h and 07h once.
func TestWeeklyReportAcrossDaylightSaving(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.WorkingHours.Spec = workhours.Default("Europe/Berlin")
	cfg.SleepHours.Spec = workhours.DefaultSleep("Europe/Berlin")
	svc := startWithConfig(t, "weekly.ndjson", cfg)
	var busy [7][24]int
	busy[0][9] = 2
	busy[6][0] = 1
	busy[6][7] = 1
	b, _ := json.Marshal(busy)
	ep1 := `{"fingerprint":"1111111111111111","alertname":"X","labels":{"alertname":"X"},"source":"prod","starts_at":"2026-10-19T07:30:00Z","ends_at":"2026-10-19T07:32:00Z","notifications":2,"silenced_seconds":0,"inhibited_seconds":0}`
	ep2 := `{"fingerprint":"1111111111111111","alertname":"X","labels":{"alertname":"X"},"source":"prod","starts_at":"2026-10-24T22:30:00Z","ends_at":"2026-10-25T06:30:00Z","notifications":2,"silenced_seconds":0,"inhibited_seconds":0}`
	checkJSON(t, svc, "/api/v1/report/weekly?week=2026-W43", `{"week":"2026-W43","timezone":"Europe/Berlin",
		"from":"2026-10-18T22:00:00Z","to":"2026-10-25T23:00:00Z","receiver":"",
		"totals":{"notifications":4,"episodes":2,"alerts":1},"previous":{"notifications":4,"episodes":2,"alerts":2},"change":{"notifications":0,"episodes":0,"alerts":-1},
		"top_noisy":[{"key":"X","notifications":4,"episodes":2,"firing_seconds":28920,"self_resolving":1,"out_of_hours":2}],
		"flapping":[],"self_resolving_share":0.5,
		"notifications_in_working_hours":2,"notifications_out_of_working_hours":2,"notifications_in_sleep_hours":1,
		"median_episode_seconds":14460,"longest_episode_seconds":28800,
		"longest_running":[`+ep2+`,`+ep1+`],"stale_silences":[],
		"busiest_hours":`+string(b)+`,"by_receiver":[{"receiver":"team","notifications":4,"out_of_hours":2,"sleep_hours":1}],
		"if_suggested":`+untuned(4, 2, 2, 1)+`}`)
	// A quiet week for a known receiver (W40 and W39 are empty): zeros and
	// empty lists, no share or median.
	checkJSON(t, svc, "/api/v1/report/weekly?week=2026-W40&receiver=team", `{"week":"2026-W40","timezone":"Europe/Berlin",
		"from":"2026-09-27T22:00:00Z","to":"2026-10-04T22:00:00Z","receiver":"team",
		"totals":{"notifications":0,"episodes":0,"alerts":0},"previous":{"notifications":0,"episodes":0,"alerts":0},"change":{"notifications":0,"episodes":0,"alerts":0},
		"top_noisy":[],"flapping":[],"self_resolving_share":null,
		"notifications_in_working_hours":0,"notifications_out_of_working_hours":0,"notifications_in_sleep_hours":0,
		"median_episode_seconds":null,"longest_episode_seconds":null,"longest_running":[],"stale_silences":[],
		"busiest_hours":`+string(mustJSON([7][24]int{}))+`,"by_receiver":[],"if_suggested":`+untuned(0, 0, 0, 0)+`}`)
	code, md := svc.Get(t, "/api/v1/report/weekly?week=2026-W43&format=markdown")
	if code != 200 || !strings.HasPrefix(string(md), "# On-call review 2026-W43: all receivers\n\n2026-10-19 00:00 – 2026-10-26 00:00 (Europe/Berlin)\n") ||
		!strings.Contains(string(md), "| Notifications | 4 | 4 | 0 |\n| Episodes | 2 | 2 | 0 |\n| Distinct alerts | 1 | 2 | -1 |\n") {
		t.Fatalf("markdown: %d %q", code, md[:min(len(md), 120)])
	}
	for _, bad := range []string{"week=2026-47", "week=2026-W54", "week=2026-W47&format=html", "week=2026-W43&receiver=nobody"} {
		if code, body := svc.Get(t, "/api/v1/report/weekly?"+bad); code != 400 {
			t.Errorf("%s: %d %s, want 400", bad, code, body)
		}
	}
}

// The previous week's totals count what this week's do: HA duplicates
// once, only the alerts the matchers select; the busiest hours add up
// every receiver's. Recording (UTC; week 2026-W45 is 11-02 – 11-09, the
// week before 10-26 – 11-02):
//
//	A {team="a"}  10-27 10:00–10:20: firing delivered at 10:00:05 and by
//	              the HA peer at 10:00:07, resolved at 10:20:05 and by the
//	              peer at 10:20:06: 2 notifications (each pair within the
//	              1-minute window counts once), 1 episode.
//	B {team="b"}  10-28 10:00–10:30 and 10-29 10:00–10:05: firing and
//	              resolved each time, 4 notifications, 2 episodes.
//	A             11-03 10:00–10:10: firing and resolved to receiver team,
//	              the firing one also to receiver pager (another key, it
//	              counts): 3 notifications, all on Tuesday at 10 (UTC).
//
// All alerts: this week 3 notifications, 1 episode, 1 alert; the week
// before 6, 3, 2. Only {team="a"}: 3, 1, 1 against 2, 1, 1. Per receiver
// this week: team 2, pager 1; the busiest hour is both receivers' Tuesday
// 10:00 summed up, 3.
func TestWeeklyReportPreviousWeek(t *testing.T) {
	svc := startWith(t, "weekly_previous.ndjson")
	for _, c := range []struct {
		query                string
		totals, prev, change models.Totals
	}{
		{"", models.Totals{Notifications: 3, Episodes: 1, Alerts: 1}, models.Totals{Notifications: 6, Episodes: 3, Alerts: 2}, models.Totals{Notifications: -3, Episodes: -2, Alerts: -1}},
		{"&match=" + url.QueryEscape(`{team="a"}`), models.Totals{Notifications: 3, Episodes: 1, Alerts: 1}, models.Totals{Notifications: 2, Episodes: 1, Alerts: 1}, models.Totals{Notifications: 1}},
	} {
		var r models.WeeklyReport
		getJSON(t, svc, "/api/v1/report/weekly?week=2026-W45"+c.query, &r)
		if r.Totals != c.totals || r.Previous != c.prev || r.Change != c.change {
			t.Errorf("%q: totals %+v previous %+v change %+v, want %+v %+v %+v", c.query, r.Totals, r.Previous, r.Change, c.totals, c.prev, c.change)
		}
		var busiest [7][24]int
		busiest[1][10] = 3
		if r.Timezone != "UTC" || r.BusiestHours != busiest {
			t.Errorf("%q: busiest hours in %s %v, want 3 on Tuesday at 10 in UTC", c.query, r.Timezone, r.BusiestHours)
		}
		if len(r.ByReceiver) != 2 || r.ByReceiver[0].Receiver != "team" || r.ByReceiver[0].Notifications != 2 ||
			r.ByReceiver[1].Receiver != "pager" || r.ByReceiver[1].Notifications != 1 {
			t.Errorf("%q: by receiver %+v, want team 2 and pager 1", c.query, r.ByReceiver)
		}
	}
}

// The weekly review counts the week's notifications once for noise, the
// busiest hours and what-if (HA duplicates decided once); each still sees
// the notifications it counts on its own. Into testdata/weekly_previous.ndjson
// (above) goes Late {team="b"}: started Sunday 11-08 23:50, notified firing
// at 23:50:05, again at 11-09 00:30:05 and resolved at 10:00:05, the last
// two after the week. What-if replays the episodes starting in the week with
// all their notifications, also those after it, each out of working hours
// or in sleep hours by when it came; noise counts those received in the
// week. By hand (no alert flaps, so nothing is tuned and "after" is
// "before"; working hours Mon–Fri 09–18, sleep 23–07, UTC):
//
//	all:        totals 3 (A) + 1 (Late's first) = 4 notifications, 2
//	            episodes, 2 alerts; what-if 3 (A, Tuesday 10:00, in working
//	            hours) + 3 (Late: Sunday 23:50 and Monday 00:30 out of
//	            working hours and in sleep hours, Monday 10:00 in working
//	            hours) = 6, 2 episodes, 2 out of hours, 2 in sleep hours.
//	{team="a"}: totals 3, 1, 1; what-if 3, 1, 0, 0.
//	{team="b"}: totals 1, 1, 1; what-if 3, 1, 2, 2.
func TestWeeklyReportCountsNotificationsOnce(t *testing.T) {
	svc := startWithLate(t)
	for _, c := range []struct {
		match                  string
		totals                 models.Totals
		notes, eps, ooh, sleep int
	}{
		{"", models.Totals{Notifications: 4, Episodes: 2, Alerts: 2}, 6, 2, 2, 2},
		{`{team="a"}`, models.Totals{Notifications: 3, Episodes: 1, Alerts: 1}, 3, 1, 0, 0},
		{`{team="b"}`, models.Totals{Notifications: 1, Episodes: 1, Alerts: 1}, 3, 1, 2, 2},
	} {
		var r models.WeeklyReport
		getJSON(t, svc, "/api/v1/report/weekly?week=2026-W45&match="+url.QueryEscape(c.match), &r)
		b := r.IfSuggested.Tuning.Before
		if r.Totals != c.totals || b.Notifications != c.notes || b.Episodes != c.eps || b.OutOfHours != c.ooh || b.SleepHours != c.sleep {
			t.Errorf("%q: totals %+v, what-if before %+v; want %+v and %d notifications, %d episodes, %d out of hours, %d in sleep hours",
				c.match, r.Totals, b, c.totals, c.notes, c.eps, c.ooh, c.sleep)
		}
		if r.IfSuggested.Tuning.After != b {
			t.Errorf("%q: what-if after %+v, want before's %+v (nothing tuned)", c.match, r.IfSuggested.Tuning.After, b)
		}
		// What if, asked on its own, replays the same episodes.
		var w models.WhatIf
		getJSON(t, svc, "/api/v1/whatif?from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z&match="+url.QueryEscape(c.match), &w)
		if w.Before != b {
			t.Errorf("%q: what-if on its own before %+v, want the review's %+v", c.match, w.Before, b)
		}
	}
}

// startWithLate starts a service with testdata/weekly_previous.ndjson and
// Late (see TestWeeklyReportCountsNotificationsOnce): an episode starting in
// 2026-W45 and notified after it.
func startWithLate(t *testing.T) *apptest.Service {
	t.Helper()
	svc := startWith(t, "weekly_previous.ndjson")
	importLines(t, svc, alertHooks("Late", "b", "b2b2b2b2b2b2b2b2", "2026-11-08T23:50:00Z",
		hookNote{"2026-11-08T23:50:05Z", "firing", noEnd},
		hookNote{"2026-11-09T00:30:05Z", "firing", noEnd},
		hookNote{"2026-11-09T10:00:05Z", "resolved", "2026-11-09T10:00:00Z"}))
	return svc
}

// hookNote is one notification of alertHooks: when it came, its status and
// the alert's endsAt.
type hookNote struct{ at, status, endsAt string }

// noEnd is a firing alert's endsAt in a webhook.
const noEnd = "0001-01-01T00:00:00Z"

// alertHooks are a recording's webhook lines about one alert (labels
// alertname and team), to receiver team of source prod: one per note.
func alertHooks(name, team, fingerprint, startsAt string, notes ...hookNote) string {
	var lines strings.Builder
	for _, n := range notes {
		fmt.Fprintf(&lines, `{"kind":"webhook","at":"%s","source":"prod","payload":{"version":"4","receiver":"team","status":"%s","groupKey":"{}:{alertname=\"%s\"}",`+
			`"truncatedAlerts":0,"groupLabels":{"alertname":"%s"},"commonLabels":{},"commonAnnotations":{},"externalURL":"","alerts":[{"status":"%s","labels":{"alertname":"%s","team":"%s"},"annotations":{},`+
			`"startsAt":"%s","endsAt":"%s","generatorURL":"","fingerprint":"%s"}]}}`+"\n", n.at, n.status, name, name, n.status, name, team, startsAt, n.endsAt, fingerprint)
	}
	return lines.String()
}

// An alert that started before the week and is notified in it and after
// it: the week counts its notifications in the week, whoever counts them
// (the review keeps the week's notifications once, reading the rows after
// the week only of episodes that started in it). Into
// testdata/weekly_previous.ndjson (above) goes Long {team="c"}, to receiver
// team: started Sunday 11-01 23:30 (the week before), notified firing at
// 23:30:05, again at Monday 11-02 03:30:05 (in the week) and at 11-09
// 00:10:05, resolved at 11-09 01:00:05 (both after it). By hand:
//
//	this week:   A's 3 + Long's 03:30:05 = 4 notifications; A's episode
//	             and Long's (open through the week) = 2 episodes, 2 alerts.
//	week before: A 2 + B 4 + Long's 23:30:05 = 7; A, B twice, Long = 4
//	             episodes; 3 alerts. Change -3, -2, -1.
//	busiest:     Tuesday 10h 3 (A), Monday 03h 1 (Long).
//	by receiver: team 2 (A) + 1 (Long) = 3, pager 1.
func TestWeeklyReportCountsAnAlertStartedBefore(t *testing.T) {
	svc := startWith(t, "weekly_previous.ndjson")
	importLines(t, svc, alertHooks("Long", "c", "c3c3c3c3c3c3c3c3", "2026-11-01T23:30:00Z",
		hookNote{"2026-11-01T23:30:05Z", "firing", noEnd},
		hookNote{"2026-11-02T03:30:05Z", "firing", noEnd},
		hookNote{"2026-11-09T00:10:05Z", "firing", noEnd},
		hookNote{"2026-11-09T01:00:05Z", "resolved", "2026-11-09T01:00:00Z"}))
	var r models.WeeklyReport
	getJSON(t, svc, "/api/v1/report/weekly?week=2026-W45", &r)
	want := []models.Totals{{Notifications: 4, Episodes: 2, Alerts: 2}, {Notifications: 7, Episodes: 4, Alerts: 3}, {Notifications: -3, Episodes: -2, Alerts: -1}}
	if got := []models.Totals{r.Totals, r.Previous, r.Change}; !reflect.DeepEqual(got, want) {
		t.Errorf("totals, previous, change %+v, want %+v", got, want)
	}
	var busiest [7][24]int
	busiest[1][10] = 3
	busiest[0][3] = 1
	if r.BusiestHours != busiest {
		t.Errorf("busiest hours %v, want 3 on Tuesday at 10 and 1 on Monday at 03", r.BusiestHours)
	}
	if len(r.ByReceiver) != 2 || r.ByReceiver[0].Receiver != "team" || r.ByReceiver[0].Notifications != 3 ||
		r.ByReceiver[1].Receiver != "pager" || r.ByReceiver[1].Notifications != 1 {
		t.Errorf("by receiver %+v, want team 3 and pager 1", r.ByReceiver)
	}
}

// queryOnly hides everything of a store but its queries: no kept tables,
// as on a ClickHouse server.
type queryOnly struct{ analysis.Querier }

// keeping is the store, counting the tables it kept.
type keeping struct {
	*store.Store
	kept atomic.Int32
}

func (k *keeping) Keep(ctx context.Context, sql string, params map[string]string) (string, error) {
	name, err := k.Store.Keep(ctx, sql, params)
	if err == nil {
		k.kept.Add(1)
	}
	return name, err
}

// The weekly review answers the same with its kept tables (episodes and
// notifications) and without them, where each statement builds its
// episodes and counts its notifications itself, as on a ClickHouse server:
// the review tests' recordings and weeks, with and without matchers and a
// receiver.
func TestWeeklyReportWithoutKeptTables(t *testing.T) {
	late := startWithLate(t)
	cases := []struct {
		svc      *apptest.Service
		week     string
		match    string
		receiver string
	}{
		{late, "2026-W45", "", ""},
		{late, "2026-W45", `{team="a"}`, ""},
		{late, "2026-W45", `{team="b"}`, ""},
		{late, "2026-W45", "", "pager"},
		{late, "2026-W44", "", ""},
		{startWith(t, "flapping.ndjson"), "2026-W45", "", ""},
		{startWith(t, "weekly_edge.ndjson"), "2026-W45", "", ""},
	}
	for _, c := range cases {
		in := analysis.WeeklyInput{Week: c.week}
		ms, err := queries.ParseMatchers(c.match)
		if err != nil {
			t.Fatal(err)
		}
		in.Match = ms
		if c.receiver != "" {
			in.Receivers = []string{c.receiver}
		}
		var got [2]models.WeeklyReport
		kept := &keeping{Store: c.svc.Store}
		for i, st := range []analysis.Querier{kept, queryOnly{c.svc.Store}} {
			an, err := analysis.New(st, app.AnalysisOptions(c.svc.Cfg), slog.New(slog.DiscardHandler), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got[i], err = an.WeeklyReview(t.Context(), in); err != nil {
				t.Fatalf("%s %s %s: %v", c.week, c.match, c.receiver, err)
			}
		}
		// The notifications always, the episodes when they come from the
		// day summaries (this suite also runs with them from raw rows).
		if kept.kept.Load() == 0 {
			t.Fatalf("%s %s %s: nothing kept, nothing to compare", c.week, c.match, c.receiver)
		}
		if !reflect.DeepEqual(got[0], got[1]) {
			t.Errorf("%s %s %s: kept\n%+v\nnot kept\n%+v", c.week, c.match, c.receiver, got[0], got[1])
		}
	}
}

// The weekly review keeps its episodes from an hour before the week (its
// flapping reads the episode before the first one in the week, for its
// gap); every other part of it counts only the episodes overlapping the
// week. testdata/weekly_edge.ndjson (UTC; 2026-W45 is 11-02 – 11-09), each
// episode a firing notification 5 s after its start and a resolved one 5 s
// after its end:
//
//	Long     11-01 08:00–23:30 (55,800 s): ends half an hour before the week
//	Night    11-01 23:00–23:40, 11-02 00:10–00:20 and 00:30–00:40
//	Morning  11-02 10:00–10:20 (1,200 s)
//
// This week: Night's last two episodes and Morning's overlap it: 3
// episodes, 2 alerts, 6 notifications (four on Monday in the hour from
// 00:00, two at 10:00). Ended episodes 600, 600, 1200 s: median 600,
// longest 1200; the longest running Morning, then Night's two of 600 s by
// start. The week before: Long and Night's first, 2 episodes, 2 alerts, 4
// notifications. Night flaps twice in the week: 00:10 starts 30 min after
// 23:40 (the episode an hour before the week), 00:30 10 min after 00:20;
// both under the 1h flap gap. Its ended episodes 600, 600: k = ceil(0.8 ×
// 2) = 2, the 2nd is 600 s: floor(600 / 60) + 1 = 11 min, for: 660 s; its
// gaps 600, 1800: the 2nd is 1800 s, floor(1800 / 60) + 1 = 31 min,
// keep_firing_for: 1860 s; median gap (600 + 1800) / 2 = 1200 s.
func TestWeeklyReportEpisodesBeforeTheWeek(t *testing.T) {
	svc := startWith(t, "weekly_edge.ndjson")
	var r models.WeeklyReport
	getJSON(t, svc, "/api/v1/report/weekly?week=2026-W45", &r)
	if want := (models.Totals{Notifications: 6, Episodes: 3, Alerts: 2}); r.Totals != want {
		t.Errorf("totals %+v, want %+v", r.Totals, want)
	}
	if want := (models.Totals{Notifications: 4, Episodes: 2, Alerts: 2}); r.Previous != want {
		t.Errorf("previous week %+v, want %+v", r.Previous, want)
	}
	var busiest [7][24]int
	busiest[0][0], busiest[0][10] = 4, 2
	if r.BusiestHours != busiest {
		t.Errorf("busiest hours %v, want 4 on Monday at 0 and 2 at 10", r.BusiestHours)
	}
	var running []string
	for _, e := range r.LongestRunning {
		running = append(running, e.Alertname+"@"+e.StartsAt.UTC().Format("01-02T15:04"))
	}
	if got, want := strings.Join(running, " "), "Morning@11-02T10:00 Night@11-02T00:10 Night@11-02T00:30"; got != want {
		t.Errorf("longest running %s, want %s", got, want)
	}
	if got := string(mustJSON([]*float64{r.MedianEpisodeSeconds, r.LongestEpisodeSeconds})); got != "[600,1200]" {
		t.Errorf("median and longest episode %s, want [600,1200]", got)
	}
	flapping, err := json.Marshal(r.Flapping)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "flapping", flapping, `[{"fingerprint":"2020202020202020","alertname":"Night","labels":{"alertname":"Night"},"source":"prod",
		"episodes":2,"flaps":2,"median_episode_seconds":600,"median_gap_seconds":1200,"suggested_for_seconds":660,"suggested_keep_firing_for_seconds":1860}]`)
}

// untuned is if_suggested of a week with nothing to suggest: the replay
// changes nothing.
func untuned(notifications, episodes, outOfHours, sleep int) string {
	c := fmt.Sprintf(`{"notifications":%d,"episodes":%d,"out_of_hours":%d,"sleep_hours":%d}`, notifications, episodes, outOfHours, sleep)
	return `{"tuned_alerts":0,"tuning":{"after":` + c + `,"before":` + c + `,"delayed":{"episodes":0,"max_delay_seconds":0},
		"for_seconds":0,"keep_firing_for_seconds":0,"merged":0},"inhibit_rules":0,"inhibit_notifications_saved":0,"inhibit_sleep_hours_saved":0}`
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// The current week is answered up to now: an alert firing for the last 15
// minutes has fired 900 s (plus the seconds this test takes), not until the
// end of the week.
func TestWeeklyReportCurrentWeekStopsAtNow(t *testing.T) {
	svc := startWith(t, "weekly.ndjson")
	start := time.Now().UTC().Add(-15 * time.Minute).Truncate(time.Second)
	line := `{"kind":"webhook","at":"` + start.Add(5*time.Second).Format(time.RFC3339) + `","source":"prod","payload":{"version":"4","receiver":"team","status":"firing","groupKey":"g",` +
		`"truncatedAlerts":0,"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"","alerts":[{"status":"firing","labels":{"alertname":"Now"},"annotations":{},` +
		`"startsAt":"` + start.Format(time.RFC3339) + `","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"0000000000000abc"}]}}` + "\n"
	importLines(t, svc, line)
	y, w := time.Now().UTC().ISOWeek()
	var r struct {
		Longest *float64 `json:"longest_episode_seconds"`
		To      string   `json:"to"`
	}
	getJSON(t, svc, fmt.Sprintf("/api/v1/report/weekly?week=%04d-W%02d&match=%%7Balertname%%3D%%22Now%%22%%7D", y, w), &r)
	if r.Longest == nil || *r.Longest < 900 || *r.Longest > 900+120 {
		t.Fatalf("longest episode %v s, want 900 s and a little (to %s)", r.Longest, r.To)
	}
}

// The week of testdata/flapping.ndjson (2026-W45, UTC, working hours
// Mon–Fri 09–18, everything on Monday 11-02 between 09:00 and 13:30) with
// its own suggestions in place. Over the whole week Flappy's episodes are
// 09:00–09:20, 10:00–10:05, 10:35–10:45 (an HA peer repeats its firing 25 s
// later: once), 12:00–12:02, 12:30–12:40 and 13:30–open, 11 notifications;
// gaps 40m, 30m, 75m, 28m, 50m: 4 flaps, flapping. Its ended durations
// [120 300 600 600 1200] s: the 4th (80% of 5) is 600 s -> for 11m (660 s);
// flap gaps [1680 1800 2400 3000]: the 4th -> 51m (3060 s). Hesitant has 1
// flap (under min_flaps 2), Steady none: not tuned.
// Replayed: for 11m drops the four episodes shorter than 660 s (8
// notifications) and delays the other two (09:00 and the open 13:30) by
// 660 s; keep_firing_for 51m merges nothing (13:41 is 4h21m after 09:20).
// Before: 21 notifications (Flappy 11, Steady 4, Hesitant 6), 11 episodes;
// after: 13 and 7; none out of hours or in sleep hours. No inhibit rule
// reaches support 5.
func TestWeeklyReportIfSuggested(t *testing.T) {
	svc := startWith(t, "flapping.ndjson")
	var r struct {
		IfSuggested json.RawMessage `json:"if_suggested"`
	}
	getJSON(t, svc, "/api/v1/report/weekly?week=2026-W45", &r)
	sameJSON(t, "if_suggested", r.IfSuggested, `{"tuned_alerts":1,"tuning":{
		"after":{"notifications":13,"episodes":7,"out_of_hours":0,"sleep_hours":0},
		"before":{"notifications":21,"episodes":11,"out_of_hours":0,"sleep_hours":0},
		"delayed":{"episodes":2,"max_delay_seconds":660},"for_seconds":0,"keep_firing_for_seconds":0,"merged":0},
		"inhibit_rules":0,"inhibit_notifications_saved":0,"inhibit_sleep_hours_saved":0}`)
	_, md := svc.Get(t, "/api/v1/report/weekly?week=2026-W45&format=markdown")
	want := "- If this week's suggestions had been in place: the suggested for:/keep_firing_for: of 1 alert: 8 fewer notifications (0 fewer out of hours, 0 fewer in sleep hours), 2 episodes paging up to 11m0s later\n"
	if !strings.Contains(string(md), want) {
		t.Errorf("markdown lacks %q:\n%s", want, md)
	}
}

// The weekly review of 2026-W45 (UTC) over testdata/flapping.ndjson (its
// story is in flapping_test.go): ten ended episodes — Flappy 1200, 300,
// 600, 120 and 600 s, Steady 1800 and 600, Hesitant 600 three times —
// sorted 120 300 600 600 600 600 600 600 1200 1800: the 5th and 6th are
// both 600, the median. Flappy's episode from Monday 13:30 is still open at
// the week's end (Monday 11-09 00:00): 6 days 10.5 hours = 556,200 s, the
// longest; then Steady's 1800 s and Flappy's 1200 s, then the six of 600 s
// in order of start: Hesitant at 10:00, Flappy at 10:35 — five in all.
func TestWeeklyReportLongestRunning(t *testing.T) {
	svc := startWith(t, "flapping.ndjson")
	var r struct {
		Median  float64 `json:"median_episode_seconds"`
		Longest float64 `json:"longest_episode_seconds"`
		Running []struct {
			Alertname string `json:"alertname"`
			StartsAt  string `json:"starts_at"`
		} `json:"longest_running"`
	}
	getJSON(t, svc, "/api/v1/report/weekly?week=2026-W45", &r)
	var got []string
	for _, e := range r.Running {
		got = append(got, e.Alertname+"@"+e.StartsAt[11:16])
	}
	want := "Flappy@13:30 Steady@10:00 Flappy@09:00 Hesitant@10:00 Flappy@10:35"
	if r.Median != 600 || r.Longest != 556200 || strings.Join(got, " ") != want {
		t.Fatalf("median %v, longest %v, longest running %v; want 600, 556200, %s", r.Median, r.Longest, got, want)
	}
}
