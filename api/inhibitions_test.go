package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
)

// alertAsPolled is an alert as a poll lists it, routed to team; inhibitors
// are the items of its inhibitedBy list (quoted fingerprints).
func alertAsPolled(name, fp, starts, ends, state, inhibitors string) string {
	return `{"fingerprint":"` + fp + `","labels":{"alertname":"` + name + `"},"annotations":{},"startsAt":"` + starts + `","endsAt":"` + ends + `",` +
		`"updatedAt":"` + starts + `","receivers":[{"name":"team"}],"status":{"state":"` + state + `","silencedBy":[],"inhibitedBy":[` + inhibitors + `]}}`
}

// testdata/inhibitions.ndjson: polls of prod every minute 10:00–10:20 on
// 2026-11-02 (the 10:12 poll failed), poll interval 1 s in apptest's config
// is replaced below by the recording's 1 min. Source (5555…) inhibits:
//
//	Target  inhibited at every poll; notified 10:05:30: the polls at 10:05
//	        and 10:06 both saw it inhibited -> failure. Alertmanager
//	        restarted at 10:04:50 (uptime in the 10:05 status): 40 s before.
//	Unlucky inhibited up to the 10:08 poll, active from 10:09; notified
//	        10:08:30: inhibited 30 s before (within one interval) ->
//	        failure, 3m40s after the restart.
//	Yonder  inhibited at every poll; notified 10:12:30: the 10:12 poll
//	        failed, so the observations are 10:11 and 10:13, both
//	        inhibited -> failure; 7m40s after the restart: no known cause.
//	Victim  active up to 10:15, inhibited from 10:16; notified 10:15:30:
//	        inhibited 30 s after -> failure. The config hash is new at the
//	        10:14 poll (same uptime); the 10:13 poll carried no status, so
//	        the old one still stood then: a reload in (10:13, 10:14], within
//	        the 5 minutes before 10:15:30. (For Yonder, 10:12:30, that reload
//	        came after: no cause.) Notified again 10:18:30: the polls at
//	        10:18 and 10:19 saw it inhibited -> failure; the same reload,
//	        10:14 being within 5 minutes before. Asked from 10:18:15 on, the
//	        reload is still dated from the 10:13 poll, though that poll and
//	        the status before the reload (10:05) precede the 5 minutes
//	        before the window.
//
// All are judged from polls (the recording has no events); its config has
// no inhibit rules, so no rule is known.
//
//	Well    never inhibited; notified 10:03:30 -> no failure.
//	Xeno    inhibited up to 10:10, active from 10:11; notified 10:11:50:
//	        10:11 active, 10:13 active -> no failure.
func TestFailedInhibitions(t *testing.T) {
	svc := startWithPollInterval(t, "inhibitions.ndjson", "1m")
	labels := func(name string) string { return `{"alertname":"` + name + `","cluster":"a"}` }
	by := `[{"fingerprint":"5555555555555555","alertname":"Source"}]`
	// (both of Victim's notifications fail for the same reload)
	victimAt := func(at string) string {
		return `{"fingerprint":"aaaaaaaaaaaaaaa3","alertname":"Victim","labels":` + labels("Victim") + `,"receiver":"team","source":"prod","notified_at":"2026-11-02T` + at + `Z","inhibited_by":` + by + `,"basis":"polls","rule":null,"cause":"reload","known_cause":"Alertmanager configuration reloaded between 2026-11-02T10:13:00Z and 2026-11-02T10:14:00Z"}`
	}
	victim, again := victimAt("10:15:30"), victimAt("10:18:30")
	want := `{"failures":[
		{"fingerprint":"aaaaaaaaaaaaaaa1","alertname":"Target","labels":` + labels("Target") + `,"receiver":"team","source":"prod","notified_at":"2026-11-02T10:05:30Z","inhibited_by":` + by + `,"basis":"polls","rule":null,"cause":"restart","known_cause":"Alertmanager restarted at 2026-11-02T10:04:50Z (40s before)"},
		{"fingerprint":"aaaaaaaaaaaaaaa2","alertname":"Unlucky","labels":` + labels("Unlucky") + `,"receiver":"team","source":"prod","notified_at":"2026-11-02T10:08:30Z","inhibited_by":` + by + `,"basis":"polls","rule":null,"cause":"restart","known_cause":"Alertmanager restarted at 2026-11-02T10:04:50Z (3m40s before)"},
		{"fingerprint":"aaaaaaaaaaaaaaa6","alertname":"Yonder","labels":` + labels("Yonder") + `,"receiver":"team","source":"prod","notified_at":"2026-11-02T10:12:30Z","inhibited_by":` + by + `,"basis":"polls","rule":null,"cause":null},
		` + victim + `,
		` + again + `]}`
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-02T10:00:00Z&to=2026-11-02T11:00:00Z", want)
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-02T10:18:15Z&to=2026-11-02T11:00:00Z", `{"failures":[`+again+`]}`)
	// A window ending before the poll that judges its notification: Victim
	// at 10:15:30 is judged by the 10:16 poll (10:15 active, 10:16
	// inhibited, 30 s after), after 10:15:45.
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-02T10:15:00Z&to=2026-11-02T10:15:45Z", `{"failures":[`+victim+`]}`)
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-02T10:00:00Z&to=2026-11-02T11:00:00Z&match=%7Balertname%3D~%22W.*%7CX.*%22%7D", `{"failures":[]}`)
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-02T10:00:00Z&to=2026-11-02T10:05:00Z&receiver=team", `{"failures":[]}`)
	if code, _ := svc.Get(t, "/api/v1/inhibitions/failed?receiver=nobody"); code != 400 {
		t.Errorf("unknown receiver: %d, want 400", code)
	}
}

// testdata/inhibitions_events.ndjson, 2026-11-03. Source ev sends events
// (Alertmanager started 10:00:00; NodeDown I fires from 10:00; rule
// node-mutes-target), source pp is only polled every 10 s:
//
//	T1 (ev)  muted by inhibition at 10:00:02 and 10:01:02, notified 10:00:30:
//	         both decisions around it within 5 min were inhibitionMutedAlert
//	         -> failure from events, rule and inhibitor from the decision,
//	         cause restart (startup event 30 s before).
//	T2 (ev)  inhibition 10:02:00, notified 10:02:30, then a silence
//	         decision 10:03:00 -> not both inhibition: no failure.
//	T3 (ev)  inhibition 10:04:00, notified 10:10:00 (6 min later) -> the
//	         decision before is too old: no failure.
//	T4 (ev)  inhibited by I2 at 10:05:01; I2 resolved at 10:05:29.951; T4
//	         notified 10:05:30 with no mute decision after -> no failure.
//	U  (pp)  inhibited by J at the 10:00:10 and 10:00:20 polls, active at
//	         10:00:40; notified 10:00:30, 10 s after an inhibited poll whose
//	         own interval was 10 s -> a candidate, but J's resolved
//	         notification says it ended at 10:00:29.951, 49 ms before: no
//	         failure.
//	V  (pp)  inhibited by K at all three polls, notified 10:00:30; K never
//	         ended -> failure from polls; no status or events: no cause,
//	         and no stored config: no rule.
func TestFailedInhibitionsFromEventsAndEndedInhibitors(t *testing.T) {
	svc := startWith(t, "inhibitions_events.ndjson")
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-03T09:00:00Z&to=2026-11-03T11:00:00Z", `{"failures":[
		{"fingerprint":"0000000000000021","alertname":"TargetDown","labels":{"alertname":"TargetDown","instance":"a"},"receiver":"team","source":"ev",
		 "notified_at":"2026-11-03T10:00:30Z","inhibited_by":[{"fingerprint":"0000000000000011","alertname":"NodeDown"}],"basis":"events",
		 "rule":{"name":"node-mutes-target","source_matchers":"{alertname=\"NodeDown\"}","target_matchers":"{alertname=\"TargetDown\"}","equal":["instance"]},
		 "cause":"restart","known_cause":"Alertmanager restarted at 2026-11-03T10:00:00Z (30s before)"},
		{"fingerprint":"0000000000000042","alertname":"TargetDown","labels":{"alertname":"TargetDown","instance":"k"},"receiver":"team","source":"pp",
		 "notified_at":"2026-11-03T10:00:30Z","inhibited_by":[{"fingerprint":"0000000000000032","alertname":"NodeDown"}],"basis":"polls","rule":null,"cause":null}]}`)
}

// testdata/inhibitions_refired.ndjson, 2026-11-04, polls of prod every
// minute 10:00–10:05; Source (5555…51) and Other (5555…50) fire
// throughout. Two alerts fire again between the 10:01 and 10:02 polls (a
// new startsAt), so at 10:02 the poller stores two rows for each at the
// same time: its old episode resolved (a copy of its last row, inhibitors
// included) and its new one appeared. The state at 10:02 and later is the
// new episode's:
//
//	Refired   inhibited by Source before, by Other after; its new episode
//	          is notified at 10:02:30 and gone from the 10:03 poll: the
//	          10:02 poll saw it inhibited by Other, 30 s before, within the
//	          1-minute interval -> failure; no status or events, so no
//	          known cause. (The resolved row of 10:02 names Source; read
//	          last, it would make the alert not inhibited then.) Notified
//	          again at 10:04:30, a late repeat: at the 10:04 and 10:05
//	          polls it was gone (the resolved row of 10:03 still names
//	          Other, and is no firing state) -> no failure.
//	Released  inhibited by Source before, active after; notified at
//	          10:02:30: at 10:02 and 10:03 active (the resolved row of
//	          10:02 names Source, and is not the state) -> no failure.
//
// Tied (7777…73) is never polled; notified at 10:03:30. Two firing rows of
// it at 10:03:00 are stored below, the one naming Source first, then one
// naming no inhibitor (rows another writer left in that order): one of
// the rows of that time names an inhibitor, so at the 10:03 and 10:04
// polls it was inhibited -> failure. (Read in the order stored, the last
// row names none, and it would not be.)
func TestFailedInhibitionsWhenAnAlertRefiredBetweenPolls(t *testing.T) {
	svc := startWithPollInterval(t, "inhibitions_refired.ndjson", "1m")
	for _, fp := range []string{"7777777777777771", "7777777777777772"} {
		if n := svc.Count(t, "alert_states", "fingerprint = '"+fp+"' AND observed_at = '2026-11-04 10:02:00'"); n != 2 {
			t.Fatalf("%s: %d rows at the 10:02 poll, want 2 (resolved and appeared)", fp, n)
		}
	}
	tied := func(kind string, inhibitors []string) store.AlertState {
		r := stateRow(store.T(time.Date(2026, 11, 4, 10, 3, 0, 0, time.UTC)), "7777777777777773", map[string]string{"alertname": "Tied", "cluster": "a"})
		r.Kind, r.State, r.InhibitedBy = kind, "suppressed", inhibitors
		return r
	}
	insertStates(t, svc, "tied-rows", tied("changed", []string{"5555555555555551"}), tied("checkpoint", []string{}))
	by := `[{"fingerprint":"5555555555555551","alertname":"Source"}]`
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-04T10:00:00Z&to=2026-11-04T11:00:00Z", `{"failures":[
		{"fingerprint":"7777777777777771","alertname":"Refired","labels":{"alertname":"Refired","cluster":"a"},"receiver":"team","source":"prod",
		 "notified_at":"2026-11-04T10:02:30Z","inhibited_by":[{"fingerprint":"5555555555555550","alertname":"Other"}],"basis":"polls","rule":null,"cause":null},
		{"fingerprint":"7777777777777773","alertname":"Tied","labels":{"alertname":"Tied","cluster":"a"},"receiver":"team","source":"prod",
		 "notified_at":"2026-11-04T10:03:30Z","inhibited_by":`+by+`,"basis":"polls","rule":null,"cause":null}]}`)
}

// An inhibitor that fired again shortly before the window, after earlier
// episodes, explains a failure early in it. 2026-11-05, source prod: NodeDown
// (…a1) fired at 09:00 (resolved 09:10), 09:20 (resolved 09:30) and again
// at 09:58 (resolved 10:30: still firing at 10:01). TargetDown (…b1),
// firing since 09:00, was inhibited by it
// at the 10:00:30 and 10:01:30 polls and notified at 10:01:00: a failure.
// No restart or reload is known, and NodeDown's episode at 10:01 began 3
// minutes before, after an earlier one: it refired. Window 10:00–11:00.
// NodeDown fires twice more in the window, at 10:35 (resolved 10:40) and
// 10:45: the history asked about from 10:00 on must still hold the 09:58
// episode and the one before it (with only the episodes from the latest
// to start by 10:45 on, NodeDown would not have fired yet at 10:01: no
// failure).
func TestFailedInhibitionCausedByAnInhibitorThatRefiredBeforeTheWindow(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	const day = "2026-11-05T"
	hook := func(at, status, name, fp, starts, ends string) string {
		return webhookLineOf("prod", "team", name, fp, day+at+"Z", status, day+starts+"Z", ends) + "\n"
	}
	const open, node, target = "0001-01-01T00:00:00Z", "00000000000000a1", "00000000000000b1"
	poll := func(at string) string {
		return pollLineOf("prod", day+at+"Z", alertAsPolled("NodeDown", node, day+"09:58:00Z", day+"12:00:00Z", "active", ""),
			alertAsPolled("TargetDown", target, day+"09:00:00Z", day+"12:00:00Z", "suppressed", `"`+node+`"`))
	}
	body := hook("09:00:05", "firing", "NodeDown", node, "09:00:00", open) + hook("09:10:05", "resolved", "NodeDown", node, "09:00:00", "2026-11-05T09:10:00Z") +
		hook("09:20:05", "firing", "NodeDown", node, "09:20:00", open) + hook("09:30:05", "resolved", "NodeDown", node, "09:20:00", "2026-11-05T09:30:00Z") +
		hook("09:58:05", "firing", "NodeDown", node, "09:58:00", open) +
		poll("10:00:30") + hook("10:01:00", "firing", "TargetDown", target, "09:00:00", open) + poll("10:01:30") +
		hook("10:30:05", "resolved", "NodeDown", node, "09:58:00", "2026-11-05T10:30:00Z") +
		hook("10:35:05", "firing", "NodeDown", node, "10:35:00", open) + hook("10:40:05", "resolved", "NodeDown", node, "10:35:00", "2026-11-05T10:40:00Z") +
		hook("10:45:05", "firing", "NodeDown", node, "10:45:00", open)
	importLines(t, svc, body)
	checkJSON(t, svc, "/api/v1/inhibitions/failed?source=prod&from=2026-11-05T10:00:00Z&to=2026-11-05T11:00:00Z", `{"failures":[
		{"fingerprint":"`+target+`","alertname":"TargetDown","labels":{"alertname":"TargetDown"},"receiver":"team","source":"prod",
		 "notified_at":"2026-11-05T10:01:00Z","inhibited_by":[{"fingerprint":"`+node+`","alertname":"NodeDown"}],"basis":"polls","rule":null,
		 "cause":"inhibitor_refired","known_cause":"inhibitor `+node+` fired again at 2026-11-05T09:58:00Z (3m0s before)"}]}`)
}

// Whether a failure's inhibitors were still firing, at the edges.
// 2026-11-07, source prod, window 10:00–11:00. Each target (…e1 to …e8,
// firing since 10:00) is inhibited at the polls of 10:29:30 and 10:30:30
// and notified at 10:30:00 (t); its inhibitors' histories come from their
// webhook notifications:
//
//	e1  by a1, of which nothing is stored: it counts as firing -> failure,
//	    its name unknown.
//	e2  by a2, firing since 10:00, resolved with endsAt 10:30:00 (= t):
//	    ended at t -> no failure.
//	e3  by a3, whose first episode began at 10:29:00: firing, but it fired
//	    for the first time, not again -> failure, no cause.
//	e4  by a4, 09:00–09:10 and again from 10:25:00, exactly five minutes
//	    before t -> failure caused by a4 refiring (5m0s before).
//	e5  by a5, like a4 but again from 10:24:59, five minutes and a second
//	    before t -> failure, no cause.
//	e6  by a6 then a7 (in that order), both 09:00–09:10 and again from
//	    10:28:00 and 10:29:00 -> failure caused by the first of them, a6
//	    (2m0s before).
//	e7  by ab, whose first episode began at 10:30:00 (= t): started by t ->
//	    failure, no cause.
//	e8  by a8 then a9: a8 ran 09:00–10:20 (ended), a9 fires since 09:00 ->
//	    one of them still firing: failure, no cause.
//
// e1 is also sent a resolved notification at 10:30:10, between the same
// two inhibited polls: only firing notifications can fail -> no second
// failure of e1. Every notification of the targets goes to the receiver
// team; ops is sent only f0, which no poll saw inhibited: asked for the
// receiver ops, none failed.
func TestFailedInhibitionsInhibitorsAtTheEdges(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	const open = "0001-01-01T00:00:00Z"
	day := func(at string) string { return "2026-11-07T" + at + "Z" }
	hookTo := func(receiver, at, status, name, fp, starts, ends string) string {
		return webhookLineOf("prod", receiver, name, fp, day(at), status, day(starts), ends) + "\n"
	}
	hook := func(at, status, name, fp, starts, ends string) string {
		return hookTo("team", at, status, name, fp, starts, ends)
	}
	fp := func(s string) string { return "00000000000000" + s }
	// an inhibitor's episode from start to end ("" for none seen)
	episode := func(name, start, end string) string {
		h := hook(start, "firing", name, fp(strings.ToLower(name)), start, open)
		if end != "" {
			h += hook(end[:6]+"05", "resolved", name, fp(strings.ToLower(name)), start, day(end))
		}
		return h
	}
	targets := []struct{ fp, inhibitors string }{
		{"e1", `"` + fp("a1") + `"`}, {"e2", `"` + fp("a2") + `"`}, {"e3", `"` + fp("a3") + `"`}, {"e4", `"` + fp("a4") + `"`},
		{"e5", `"` + fp("a5") + `"`}, {"e6", `"` + fp("a6") + `","` + fp("a7") + `"`}, {"e7", `"` + fp("ab") + `"`}, {"e8", `"` + fp("a8") + `","` + fp("a9") + `"`},
	}
	poll := func(at string) string {
		var alerts []string
		for _, x := range targets {
			alerts = append(alerts, alertAsPolled("T"+x.fp, fp(x.fp), day("10:00:00"), day("12:00:00"), "suppressed", x.inhibitors))
		}
		return pollLineOf("prod", day(at), alerts...)
	}
	body := episode("A4", "09:00:00", "09:10:00") + episode("A5", "09:00:00", "09:10:00") + episode("A6", "09:00:00", "09:10:00") +
		episode("A7", "09:00:00", "09:10:00") + episode("A8", "09:00:00", "10:20:00") + episode("A9", "09:00:00", "") + episode("A2", "10:00:00", "") +
		episode("A5", "10:24:59", "") + episode("A4", "10:25:00", "") + episode("A6", "10:28:00", "") + episode("A3", "10:29:00", "") + episode("A7", "10:29:00", "") +
		poll("10:29:30") + episode("AB", "10:30:00", "")
	for _, x := range targets {
		body += hook("10:30:00", "firing", "T"+x.fp, fp(x.fp), "10:00:00", open)
	}
	body += hook("10:30:05", "resolved", "A2", fp("a2"), "10:00:00", day("10:30:00")) + hook("10:30:10", "resolved", "Te1", fp("e1"), "10:00:00", day("10:30:10")) +
		hookTo("ops", "10:30:00", "firing", "F0", fp("f0"), "10:00:00", open) + poll("10:30:30")
	importLines(t, svc, body)
	failure := func(target, cause string, inhibitors ...string) string {
		return `{"fingerprint":"` + fp(target) + `","alertname":"T` + target + `","labels":{"alertname":"T` + target + `"},"receiver":"team","source":"prod",
		 "notified_at":"2026-11-07T10:30:00Z","inhibited_by":[` + strings.Join(inhibitors, ",") + `],"basis":"polls","rule":null,` + cause + `}`
	}
	by := func(name string) string {
		alertname := name
		if name == "A1" {
			alertname = "" // nothing stored of it
		}
		return `{"fingerprint":"` + fp(strings.ToLower(name)) + `","alertname":"` + alertname + `"}`
	}
	none := `"cause":null`
	refired := func(name, at, before string) string {
		return `"cause":"inhibitor_refired","known_cause":"inhibitor ` + fp(strings.ToLower(name)) + ` fired again at 2026-11-07T` + at + `Z (` + before + ` before)"`
	}
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-07T10:00:00Z&to=2026-11-07T11:00:00Z", `{"failures":[`+strings.Join([]string{
		failure("e1", none, by("A1")), failure("e3", none, by("A3")), failure("e4", refired("A4", "10:25:00", "5m0s"), by("A4")),
		failure("e5", none, by("A5")), failure("e6", refired("A6", "10:28:00", "2m0s"), by("A6"), by("A7")), failure("e7", none, by("AB")), failure("e8", none, by("A8"), by("A9")),
	}, ",")+`]}`)
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-07T10:00:00Z&to=2026-11-07T11:00:00Z&receiver=ops", `{"failures":[]}`)
}

// The inhibitors' histories of a window that ends at a midnight: the whole
// days before it are read from the day summaries (when episodes are built
// from them), the minutes after it up to five past from the raw rows, and
// nothing later. 2026-11-05, source prod, window 23:00–00:00. Targets
// c1–c6 (firing since 23:30) are each inhibited by their own inhibitor
// a1–a6 at the polls of 23:50:30 and 23:51:30 and notified at 23:51:00:
// each is a failure unless its inhibitor had ended by then, or had not
// started.
//
//	a1  fired 23:00, resolved notification at 23:40:05 (endsAt 23:40:00):
//	    ended -> no failure.
//	a2  polled active at 23:44:30 (since 23:00), gone at 23:45:30: the
//	    poller's resolved row ends it -> no failure.
//	a3  fired 22:00 (resolved 22:10) and again at 23:49: still firing, and
//	    its episode began 2 minutes before, after an earlier one -> failure
//	    caused by the inhibitor refiring.
//	a4  fired 23:00; its resolved notification arrives at 00:02 on
//	    11-06 (within five minutes after the window) with endsAt
//	    23:50:50: ended by 23:51 -> no failure.
//	a5  like a4, but the resolved notification arrives at 00:06, after
//	    those five minutes: not read, a5 was still firing -> failure; its
//	    episode began 51 minutes before: no known cause.
//	a6  first polled at 00:01:30 on 11-06, firing since 00:01: at 23:51 it
//	    had not started -> no failure. (An inhibitor with no rows at all
//	    would count as firing.)
//
// c7 is inhibited by a7 at prod's polls too, but notified only by a
// second Alertmanager, dr, whose polls saw it active -> no failure: one
// Alertmanager's states do not judge another's notifications.
func TestFailedInhibitionsInhibitorHistoriesOverWholeDays(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	const open = "0001-01-01T00:00:00Z"
	day := func(at string) string { return "2026-11-05T" + at + "Z" }
	hook := func(receiver, at, status, name, fp, starts, ends string) string {
		return webhookLineOf("prod", receiver, name, fp, at, status, starts, ends) + "\n"
	}
	alert := func(name, fp, starts, state, inhibitors string) string {
		return alertAsPolled(name, fp, starts, "2026-11-06T12:00:00Z", state, inhibitors)
	}
	// A poll: the targets, inhibited, and the inhibitors given.
	poll := func(at string, inhibitors ...string) string {
		alerts := inhibitors
		for i := '1'; i <= '7'; i++ {
			alerts = append(alerts, alert("Target"+string(i), "00000000000000c"+string(i), day("23:30:00"), "suppressed", `"00000000000000a`+string(i)+`"`))
		}
		return pollLineOf("prod", at, alerts...)
	}
	body := hook("team", day("22:00:05"), "firing", "Node3", "00000000000000a3", day("22:00:00"), open) +
		hook("team", day("22:10:05"), "resolved", "Node3", "00000000000000a3", day("22:00:00"), day("22:10:00")) +
		hook("team", day("23:00:05"), "firing", "Node1", "00000000000000a1", day("23:00:00"), open) +
		hook("team", day("23:00:05"), "firing", "Node4", "00000000000000a4", day("23:00:00"), open) +
		hook("team", day("23:00:05"), "firing", "Node5", "00000000000000a5", day("23:00:00"), open) +
		hook("team", day("23:40:05"), "resolved", "Node1", "00000000000000a1", day("23:00:00"), day("23:40:00")) +
		poll(day("23:44:30"), alert("Node2", "00000000000000a2", day("23:00:00"), "active", "")) + poll(day("23:45:30")) +
		hook("team", day("23:49:05"), "firing", "Node3", "00000000000000a3", day("23:49:00"), open) +
		poll(day("23:50:30"))
	for i := '1'; i <= '6'; i++ {
		body += hook("team", day("23:51:00"), "firing", "Target"+string(i), "00000000000000c"+string(i), day("23:30:00"), open)
	}
	// Target3's notification went to a second receiver too (listed after
	// the first, as it was sent).
	body += hook("oncall", day("23:51:00"), "firing", "Target3", "00000000000000c3", day("23:30:00"), open)
	// Target7 is inhibited by a7 in prod but notified only by the
	// Alertmanager dr, whose polls saw it active there.
	drPoll := func(at string) string {
		return pollLineOf("dr", at, alert("Target7", "00000000000000c7", day("23:30:00"), "active", ""))
	}
	body += drPoll(day("23:50:30")) + webhookLineOf("dr", "team", "Target7", "00000000000000c7", day("23:51:00"), "firing", day("23:30:00"), open) + "\n" + drPoll(day("23:51:30"))
	body += poll(day("23:51:30")) +
		poll("2026-11-06T00:01:30Z", alert("Node6", "00000000000000a6", "2026-11-06T00:01:00Z", "active", "")) +
		hook("team", "2026-11-06T00:02:00Z", "resolved", "Node4", "00000000000000a4", day("23:00:00"), day("23:50:50")) +
		hook("team", "2026-11-06T00:06:00Z", "resolved", "Node5", "00000000000000a5", day("23:00:00"), day("23:50:50"))
	importLines(t, svc, body)
	failure := func(i, receiver, cause string) string {
		return `{"fingerprint":"00000000000000c` + i + `","alertname":"Target` + i + `","labels":{"alertname":"Target` + i + `"},"receiver":"` + receiver + `","source":"prod",
		 "notified_at":"2026-11-05T23:51:00Z","inhibited_by":[{"fingerprint":"00000000000000a` + i + `","alertname":"Node` + i + `"}],"basis":"polls","rule":null,` + cause + `}`
	}
	// Failures of one notification time, source and alert in the order of
	// their receivers.
	refired := `"cause":"inhibitor_refired","known_cause":"inhibitor 00000000000000a3 fired again at 2026-11-05T23:49:00Z (2m0s before)"`
	want := `{"failures":[` + failure("3", "oncall", refired) + "," + failure("3", "team", refired) + "," + failure("5", "team", `"cause":null`) + `]}`
	checkJSON(t, svc, "/api/v1/inhibitions/failed?source=prod&from=2026-11-05T23:00:00Z&to=2026-11-06T00:00:00Z", want)
	// Both sources: Target7 was not inhibited where it was notified (its
	// states in prod are another Alertmanager's).
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-05T23:00:00Z&to=2026-11-06T00:00:00Z", want)
}

// An inhibitor whose episode only the event recorder saw end. 2026-11-06,
// source ev2 (it sends events, and is polled): NodeDown (events'
// fingerprint 33, 0000000000000021) created at 09:00, resolved at 10:00
// (alert_resolved); NodeGone (34, …22) created at 09:00, never resolved.
// Targets d1 and d2, inhibited by them at the polls of 10:09:30 and
// 10:10:30, are notified at 10:10:00, ten minutes after the source's last
// event: judged from the polls. d1's inhibitor had ended -> no failure;
// d2's still fired -> failure (no status or config: no cause, no rule).
//
// Then, in a store of its own, the same inhibitors also seen by the
// poller, NodeDown until after the event ended it: polls at 09:48, 09:58
// (both inhibitors active, d1 and d2 inhibited by them, startsAt 09:40)
// and 10:08 (NodeDown gone, d1 and d2 active); d1 and d2 notified at
// 10:06, more than five minutes after the last event: judged from the
// polls. Inhibited at 09:58, 8 minutes before, within that poll's
// 10-minute interval: both are candidates. NodeDown ended at 10:00 (the
// event; the poller saw it gone only at 10:08) -> no failure of d1; d2 as
// above, notified at 10:06.
func TestFailedInhibitionsInhibitorEndedByAnEvent(t *testing.T) {
	const day, node, gone = "2026-11-06T", "0000000000000021", "0000000000000022"
	event := func(at, kind, alert string) string {
		return `{"kind":"event","at":"` + day + at + `Z","source":"ev2","event":{"@timestamp":"` + day + at + `Z","instance":"am1","data":{"` + kind + `":` + alert + `}}}` + "\n"
	}
	created := func(fp, name string) string {
		return `{"alert":{"fingerprint":"` + fp + `","name":"` + name + `","labels":{"labels":[{"key":"alertname","value":"` + name + `"}]},"startsAt":"` + day + `09:00:00Z","endsAt":"` + day + `11:00:00Z"}}`
	}
	resolved := `{"alert":{"hash":"1","details":{"fingerprint":"33","name":"NodeDown","labels":{"labels":[{"key":"alertname","value":"NodeDown"}]},` +
		`"startsAt":"` + day + `09:00:00Z","endsAt":"` + day + `10:00:00Z","resolved":true}},"groupInfo":{"groupKey":"{}:{}","receiverName":"team"}}`
	alert := func(name, fp, starts, state, inhibitor string) string {
		return alertAsPolled(name, fp, day+starts+"Z", day+"12:00:00Z", state, inhibitor)
	}
	poll := func(at string, alerts ...string) string { return pollLineOf("ev2", day+at+"Z", alerts...) }
	hook := func(at, name, fp, starts string) string {
		return webhookLineOf("ev2", "team", name, fp, day+at+"Z", "firing", day+starts+"Z", "0001-01-01T00:00:00Z") + "\n"
	}
	failure := func(at string) string {
		return `{"failures":[{"fingerprint":"00000000000000d2","alertname":"TargetTwo","labels":{"alertname":"TargetTwo"},"receiver":"team","source":"ev2",
		 "notified_at":"2026-11-06T` + at + `Z","inhibited_by":[{"fingerprint":"` + gone + `","alertname":"NodeGone"}],"basis":"polls","rule":null,"cause":null}]}`
	}
	// the targets at a poll, inhibited ("suppressed") or not, after others
	targets := func(at, starts, state string, others ...string) string {
		by := func(fp string) string {
			if state == "suppressed" {
				return `"` + fp + `"`
			}
			return ""
		}
		return poll(at, append(others, alert("TargetOne", "00000000000000d1", starts, state, by(node)), alert("TargetTwo", "00000000000000d2", starts, state, by(gone)))...)
	}
	svc := apptest.Start(t, apptest.Config(t))
	importLines(t, svc, event("09:00:01", "alertCreated", created("33", "NodeDown"))+event("09:00:01", "alertCreated", created("34", "NodeGone"))+
		event("10:00:00", "alertResolved", resolved)+targets("10:09:30", "10:00:00", "suppressed")+
		hook("10:10:00", "TargetOne", "00000000000000d1", "10:00:00")+hook("10:10:00", "TargetTwo", "00000000000000d2", "10:00:00")+
		targets("10:10:30", "10:00:00", "suppressed"))
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-06T10:00:00Z&to=2026-11-06T11:00:00Z", failure("10:10:00"))

	nodeDown, nodeGone := alert("NodeDown", node, "09:00:00", "active", ""), alert("NodeGone", gone, "09:00:00", "active", "")
	svc = apptest.Start(t, apptest.Config(t))
	importLines(t, svc, event("09:00:01", "alertCreated", created("33", "NodeDown"))+event("09:00:01", "alertCreated", created("34", "NodeGone"))+
		targets("09:48:00", "09:40:00", "suppressed", nodeDown, nodeGone)+targets("09:58:00", "09:40:00", "suppressed", nodeDown, nodeGone)+
		event("10:00:00", "alertResolved", resolved)+
		hook("10:06:00", "TargetOne", "00000000000000d1", "09:40:00")+hook("10:06:00", "TargetTwo", "00000000000000d2", "09:40:00")+
		targets("10:08:00", "09:40:00", "active", nodeGone))
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-06T10:00:00Z&to=2026-11-06T11:00:00Z", failure("10:06:00"))
}

// A candidate's inhibitor that no poller row of the window names: its
// history still decides. 2026-11-07, source late, window
// 10:00–11:00 (histories read until 11:05), polls at 10:50:00 and 11:10:30
// only (the interval between them 20m30s):
//
//	TargetOne (…e1) active at 10:50, at 11:10:30 inhibited by NodeDown
//	          (…31); notified 10:59:00. Inhibited at the poll 11m30s after
//	          it, within that poll's interval: a candidate naming NodeDown.
//	          Only the 11:10:30 row names NodeDown, after 11:05. NodeDown's
//	          history: notified firing (startsAt 09:00) and resolved
//	          (endsAt 09:30), firing again from 11:10 (the same poll, after
//	          11:05): ended at 10:59 -> no failure. (Were nothing known of
//	          NodeDown, it would count as firing: a failure.)
//	TargetTwo (…e2) inhibited by NodeGone (…32) at both polls; notified
//	          10:59:30: inhibited before and after -> failure. NodeGone,
//	          active at both polls since 09:00 (no end), is named in the
//	          window: firing -> the failure stands; no cause (its only
//	          episode started at 09:00).
func TestFailedInhibitionsInhibitorNamedOnlyAfterTheWindow(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	const day, node, gone, one, two = "2026-11-07T", "0000000000000031", "0000000000000032", "00000000000000e1", "00000000000000e2"
	hook := func(at, status, name, fp, starts, ends string) string {
		return webhookLineOf("late", "team", name, fp, day+at+"Z", status, day+starts+"Z", ends) + "\n"
	}
	alert := func(name, fp, starts, state, inhibitor string) string {
		return alertAsPolled(name, fp, day+starts+"Z", day+"12:00:00Z", state, inhibitor)
	}
	poll := func(at string, alerts ...string) string { return pollLineOf("late", day+at+"Z", alerts...) }
	const open = "0001-01-01T00:00:00Z"
	body := hook("09:00:05", "firing", "NodeDown", node, "09:00:00", open) + hook("09:30:05", "resolved", "NodeDown", node, "09:00:00", day+"09:30:00Z") +
		poll("10:50:00", alert("NodeGone", gone, "09:00:00", "active", ""), alert("TargetOne", one, "10:00:00", "active", ""),
			alert("TargetTwo", two, "10:00:00", "suppressed", `"`+gone+`"`)) +
		hook("10:59:00", "firing", "TargetOne", one, "10:00:00", open) + hook("10:59:30", "firing", "TargetTwo", two, "10:00:00", open) +
		poll("11:10:30", alert("NodeDown", node, "11:10:00", "active", ""), alert("NodeGone", gone, "09:00:00", "active", ""),
			alert("TargetOne", one, "10:00:00", "suppressed", `"`+node+`"`), alert("TargetTwo", two, "10:00:00", "suppressed", `"`+gone+`"`))
	importLines(t, svc, body)
	want := `{"failures":[
		{"fingerprint":"` + two + `","alertname":"TargetTwo","labels":{"alertname":"TargetTwo"},"receiver":"team","source":"late",
		 "notified_at":"2026-11-07T10:59:30Z","inhibited_by":[{"fingerprint":"` + gone + `","alertname":"NodeGone"}],"basis":"polls","rule":null,"cause":null}]}`
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-07T10:00:00Z&to=2026-11-07T11:00:00Z", want)
}

// Only notifications near an inhibited stretch are judged (within the
// longest interval between two polls, or the poll interval when longer):
// failures at that distance are still found. Polls of prod on 2026-11-02,
// poll interval 1 min: 10:00, 10:01, the 10:02 poll failed, 10:03, 10:04,
// 10:05 (the longest interval 2 min). S (…5501) fires throughout, from
// 09:50.
//
//	Gapped  active at 10:00 and 10:01, inhibited by S from 10:03; notified
//	        10:01:30. The polls around it are 10:01 (active) and 10:03
//	        (inhibited): 90 s after it, within that poll's 2-minute
//	        interval -> failure. Its stretch starts 90 s after the
//	        notification: more than the poll interval, within the longest
//	        interval.
//	Between inhibited by S at 10:00; a row stored apart (another writer's)
//	        has it active from 10:01:20; notified 10:01:40. At the 10:01
//	        poll it was still inhibited (its stretch 10:00-10:01:20), 40 s
//	        before, within that poll's 1-minute interval -> failure. Its
//	        stretch ended 20 s before the notification.
//	Late    active up to 10:04, inhibited from 10:05; notified 10:01:30:
//	        10:01 and 10:03 active -> no failure.
//
// The same store asked from 10:01:30: the same two failures. Between's
// stretch that judges it (10:01-10:01:20; the one before it 10:00-10:01)
// ended before that window began but after its start less the longest
// interval (10:01:30 - 2 min = 09:59:30), so it is still read.
//
// A second store, poll interval 2 min, polls every minute 10:00-10:03 (the
// longest interval 1 min): Early, notified 09:58:30, before the first poll,
// inhibited by S from it: 90 s after, within the poll interval (the first
// poll has no interval of its own) -> failure.
func TestFailedInhibitionsNearAnInhibitedStretch(t *testing.T) {
	const s, gapped, between, late, early = "5555555555555501", "aaaaaaaaaaaaaab1", "aaaaaaaaaaaaaab2", "aaaaaaaaaaaaaab3", "aaaaaaaaaaaaaab4"
	const since, started = "2026-11-02T09:50:00Z", "2026-11-02T09:55:00Z" // startsAt of S, of the others
	source := polledAlert(s, "S", since, "")
	alert := func(fp, name, by string) string { return polledAlert(fp, name, started, by) }
	failure := func(fp, name, at string) string {
		return `{"fingerprint":"` + fp + `","alertname":"` + name + `","labels":{"alertname":"` + name + `","team":"team"},"receiver":"team","source":"prod",` +
			`"notified_at":"2026-11-02T` + at + `Z","inhibited_by":[{"fingerprint":"` + s + `","alertname":"S"}],"basis":"polls","rule":null,"cause":null}`
	}
	firing := func(fp, name, at string) string {
		return alertHooks(name, "team", fp, started, hookNote{"2026-11-02T" + at + "Z", "firing", noEnd})
	}

	// (no checkpoint rows in between: each alert's rows are its changes)
	cfg := apptest.Config(t)
	cfg.PollInterval, cfg.CheckpointInterval = config.Duration(time.Minute), config.Duration(time.Hour)
	svc := apptest.Start(t, cfg)
	importLines(t, svc, pollLine("10:00:00", source, alert(gapped, "Gapped", ""), alert(between, "Between", s), alert(late, "Late", ""))+
		pollLine("10:01:00", source, alert(gapped, "Gapped", ""), alert(between, "Between", s), alert(late, "Late", ""))+
		`{"kind": "poll_error", "at": "2026-11-02T10:02:00Z", "source": "prod", "error": "context deadline exceeded"}`+"\n"+
		pollLine("10:03:00", source, alert(gapped, "Gapped", s), alert(between, "Between", ""), alert(late, "Late", ""))+
		pollLine("10:04:00", source, alert(gapped, "Gapped", s), alert(between, "Between", ""), alert(late, "Late", ""))+
		pollLine("10:05:00", source, alert(gapped, "Gapped", s), alert(between, "Between", ""), alert(late, "Late", s))+
		firing(gapped, "Gapped", "10:01:30")+firing(between, "Between", "10:01:40")+firing(late, "Late", "10:01:30"))
	active := stateRow(store.T(time.Date(2026, 11, 2, 10, 1, 20, 0, time.UTC)), between, map[string]string{"alertname": "Between", "team": "team"})
	active.Kind, active.State, active.StartsAt = "changed", "active", store.T(time.Date(2026, 11, 2, 9, 55, 0, 0, time.UTC))
	insertStates(t, svc, "between-polls", active)
	for _, from := range []string{"10:00:00", "10:01:30"} {
		checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-02T"+from+"Z&to=2026-11-02T11:00:00Z",
			`{"failures":[`+failure(gapped, "Gapped", "10:01:30")+`,`+failure(between, "Between", "10:01:40")+`]}`)
	}

	cfg = apptest.Config(t)
	cfg.PollInterval, cfg.CheckpointInterval = config.Duration(2*time.Minute), config.Duration(time.Hour)
	svc = apptest.Start(t, cfg)
	importLines(t, svc, pollLine("10:00:00", source, alert(early, "Early", s))+pollLine("10:01:00", source, alert(early, "Early", s))+
		pollLine("10:02:00", source, alert(early, "Early", s))+pollLine("10:03:00", source, alert(early, "Early", s))+
		firing(early, "Early", "09:58:30"))
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-02T09:58:00Z&to=2026-11-02T11:00:00Z",
		`{"failures":[`+failure(early, "Early", "09:58:30")+`]}`)
}
