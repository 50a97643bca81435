package api_test

import (
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
)

// testdata/loops.ndjson: polls of prod every minute 10:00–10:10 on
// 2026-11-02. "X by Y a–b" means the polls from 10:0a up to (not
// including) 10:0b showed X inhibited by Y.
//
//	A by B 2–6, B by A 4–8: overlap 10:04–10:06 -> a loop.
//	C by D 1–3, D by C 5–7: never at the same time -> no loop.
//	E by F 2–9, F by G 3–9, G by E 5–8: overlap 10:05–10:08 -> a loop of 3.
//
// The stored config has three inhibit rules: 0 critical->warning,
// 1 NodeDown->Node.*, 2 team=db->critical. Label sets seen: A {warning,
// team=db} is a target of 0 and a source of 2; B {critical} a target of 2
// and a source of 0 -> rules 0 and 2 feed each other. NodeDown matches both
// sides of rule 1 -> rule 1 feeds itself.
func TestInhibitionLoops(t *testing.T) {
	svc := startWith(t, "loops.ndjson")
	ruleLoops := `[
		{"source":"prod","rules":[
			{"index":0,"source_matchers":"{severity=\"critical\"}","target_matchers":"{severity=\"warning\"}","equal":["cluster"],"example":{"alertname":"A","severity":"warning","team":"db"}},
			{"index":2,"source_matchers":"{team=\"db\"}","target_matchers":"{severity=\"critical\"}","equal":[],"example":{"alertname":"B","severity":"critical"}}]},
		{"source":"prod","rules":[
			{"index":1,"source_matchers":"{alertname=\"NodeDown\"}","target_matchers":"{alertname=~\"Node.*\"}","equal":["instance"],"example":{"alertname":"NodeDown","instance":"x"}}]}]`
	checkJSON(t, svc, "/api/v1/inhibitions/loops?from=2026-11-02T10:00:00Z&to=2026-11-02T10:30:00Z", `{"loops":[
		{"source":"prod","fingerprints":["0000000000000a01","0000000000000b01"],"alertnames":["A","B"],"first_seen":"2026-11-02T10:04:00Z","last_seen":"2026-11-02T10:06:00Z"},
		{"source":"prod","fingerprints":["0000000000000e01","0000000000000f01","0000000000000f02"],"alertnames":["E","F","G"],"first_seen":"2026-11-02T10:05:00Z","last_seen":"2026-11-02T10:08:00Z"}],
		"rule_loops":`+ruleLoops+`}`)
	// A window ending at 10:05:30, while both loops last: rows are written
	// on change, so A's last row in it is the 10:02 one (inhibited by B)
	// and B's the 10:04 one, E's 10:02, F's 10:03, G's 10:05; each of
	// those stretches lasts until the window's end. C by D (10:01–10:03)
	// and D by C (from 10:05) still never overlap.
	checkJSON(t, svc, "/api/v1/inhibitions/loops?from=2026-11-02T10:00:00Z&to=2026-11-02T10:05:30Z", `{"loops":[
		{"source":"prod","fingerprints":["0000000000000a01","0000000000000b01"],"alertnames":["A","B"],"first_seen":"2026-11-02T10:04:00Z","last_seen":"2026-11-02T10:05:30Z"},
		{"source":"prod","fingerprints":["0000000000000e01","0000000000000f01","0000000000000f02"],"alertnames":["E","F","G"],"first_seen":"2026-11-02T10:05:00Z","last_seen":"2026-11-02T10:05:30Z"}],
		"rule_loops":`+ruleLoops+`}`)
	// A window ending at 10:03:30, before B is inhibited by A and G by E:
	// no observed loop; the rules can still loop over the label sets seen.
	checkJSON(t, svc, "/api/v1/inhibitions/loops?from=2026-11-02T10:00:00Z&to=2026-11-02T10:03:30Z", `{"loops":[],"rule_loops":`+ruleLoops+`}`)
	checkJSON(t, svc, "/api/v1/inhibitions/loops?from=2026-11-02T10:00:00Z&to=2026-11-02T10:30:00Z&source=nowhere", `{"loops":[],"rule_loops":[]}`)
}

// A loop whose one side re-fired between two polls: the poll at 10:03 finds
// P with a new startsAt, inhibited by Q, so the poller records, at the same
// time, the old episode resolved and the new one appeared inhibited. It
// writes them in that order, and the engine keeps rows of one sorting key
// in the order they were inserted, so P's inhibited stretch runs from
// 10:03 on, not from 10:03 to 10:03. Polls of prod every minute 10:00–10:05
// on 2026-11-02, asked for 10:00–10:06:
//
//	P (startsAt 09:59) by Q from 10:01; at 10:03 P again (startsAt 10:02:30)
//	by Q, still at 10:05.
//	Q by P from 10:03; gone at 10:05 (its 'resolved' row there copies its
//	last state, inhibited by P, and inhibits nothing).
//
// P by Q: 10:01–10:03 and 10:03–10:06 (the window's end); Q by P:
// 10:03–10:05: a loop from 10:03 to 10:05. (Read the other way round, P's
// second stretch would be empty, and P and Q would never inhibit each other
// at once; with Q's 'resolved' row read as a stretch the loop would last
// until 10:06.)
func TestInhibitionLoopThroughARefiredAlert(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	const p, q = "00000000000000c7", "00000000000000d7"
	const first, again = "2026-11-02T09:59:00Z", "2026-11-02T10:02:30Z" // startsAt
	importLines(t, svc, pollLine("10:00:00", polledAlert(p, "P", first, ""), polledAlert(q, "Q", first, ""))+
		pollLine("10:01:00", polledAlert(p, "P", first, q), polledAlert(q, "Q", first, ""))+
		pollLine("10:02:00", polledAlert(p, "P", first, q), polledAlert(q, "Q", first, ""))+
		pollLine("10:03:00", polledAlert(p, "P", again, q), polledAlert(q, "Q", first, p))+
		pollLine("10:04:00", polledAlert(p, "P", again, q), polledAlert(q, "Q", first, p))+
		pollLine("10:05:00", polledAlert(p, "P", again, q)))
	var got struct {
		Loops []struct {
			Fingerprints []string `json:"fingerprints"`
			FirstSeen    string   `json:"first_seen"`
			LastSeen     string   `json:"last_seen"`
		} `json:"loops"`
	}
	getJSON(t, svc, "/api/v1/inhibitions/loops?from=2026-11-02T10:00:00Z&to=2026-11-02T10:06:00Z", &got)
	if len(got.Loops) != 1 || strings.Join(got.Loops[0].Fingerprints, ",") != p+","+q ||
		got.Loops[0].FirstSeen != "2026-11-02T10:03:00Z" || got.Loops[0].LastSeen != "2026-11-02T10:05:00Z" {
		t.Errorf("loops %+v, want P and Q from 10:03 to 10:05", got.Loops)
	}
}

// A loop between alerts in the two halves the statement reads the rows in
// (fingerprints below "8" and from "8" on), the second at the boundary
// itself. Polls of prod every minute 10:00–10:04 on 2026-11-02, asked for
// 10:00–10:05:
//
//	X by Y from 10:01; X active again at 10:04: its stretch 10:01–10:04.
//	Y by X from 10:02 to the last poll: no later row, so its stretch lasts
//	until the window's end, 10:05.
//
// Both at once from 10:02 to 10:04: the loop. With either half unread, or
// a gap between the halves, one side has no stretch and there is no loop.
func TestInhibitionLoopAcrossFingerprintHalves(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	const x, y = "7fffffffffffffff", "8000000000000000"
	alert := func(fp, name, by string) string { return polledAlert(fp, name, "2026-11-02T09:59:00Z", by) }
	importLines(t, svc, pollLine("10:00:00", alert(x, "X", ""), alert(y, "Y", ""))+
		pollLine("10:01:00", alert(x, "X", y), alert(y, "Y", ""))+
		pollLine("10:02:00", alert(x, "X", y), alert(y, "Y", x))+
		pollLine("10:03:00", alert(x, "X", y), alert(y, "Y", x))+
		pollLine("10:04:00", alert(x, "X", ""), alert(y, "Y", x)))
	checkJSON(t, svc, "/api/v1/inhibitions/loops?from=2026-11-02T10:00:00Z&to=2026-11-02T10:05:00Z", `{"loops":[
		{"source":"prod","fingerprints":["`+x+`","`+y+`"],"alertnames":["X","Y"],"first_seen":"2026-11-02T10:02:00Z","last_seen":"2026-11-02T10:04:00Z"}],
		"rule_loops":[]}`)
}

// A loop named only on the first day of the scan: the scan of a window
// starts at the midnight a week before it, and rows are written on change,
// so an inhibition that has lasted all week has its only rows there. Polls
// of prod on 2026-11-02 at 10:00 (U and V active), 10:01 (U by V) and
// 10:02 (U by V, V by U), none later; asked for 2026-11-09 10:00–11:00,
// whose scan starts at 11-02 00:00. U by V from 10:01 and V by U from 10:02
// on 11-02 both last until the window's end (no later row): a loop from
// 11-02 10:02 to 11-09 11:00. Leaving out the scan's first day of pairs
// finds no cycle and no loop.
func TestInhibitionLoopNamedOnTheScansFirstDay(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	const u, v = "00000000000000e7", "00000000000000f7"
	alert := func(fp, name, by string) string { return polledAlert(fp, name, "2026-11-02T09:59:00Z", by) }
	importLines(t, svc, pollLine("10:00:00", alert(u, "U", ""), alert(v, "V", ""))+
		pollLine("10:01:00", alert(u, "U", v), alert(v, "V", ""))+
		pollLine("10:02:00", alert(u, "U", v), alert(v, "V", u)))
	checkJSON(t, svc, "/api/v1/inhibitions/loops?from=2026-11-09T10:00:00Z&to=2026-11-09T11:00:00Z", `{"loops":[
		{"source":"prod","fingerprints":["`+u+`","`+v+`"],"alertnames":["U","V"],"first_seen":"2026-11-02T10:02:00Z","last_seen":"2026-11-09T11:00:00Z"}],
		"rule_loops":[]}`)
}

// polledAlert is an alert in a poll recording's line (labels alertname and
// team="team", as alertHooks writes them), started at starts and inhibited
// by the fingerprint by ("": not inhibited).
func polledAlert(fp, name, starts, by string) string {
	state, inh := "active", `[]`
	if by != "" {
		state, inh = "suppressed", `["`+by+`"]`
	}
	return `{"fingerprint": "` + fp + `", "labels": {"alertname": "` + name + `", "team": "team"}, "annotations": {}, "startsAt": "` + starts +
		`", "endsAt": "2026-11-02T11:00:00Z", "updatedAt": "` + starts + `", "receivers": [{"name": "team"}], "status": {"state": "` +
		state + `", "silencedBy": [], "inhibitedBy": ` + inh + `}}`
}

// pollLine is a recording's line: a poll of prod at at (a time of day on
// 2026-11-02) that found alerts.
func pollLine(at string, alerts ...string) string {
	return pollLineOf("prod", "2026-11-02T"+at+"Z", alerts...)
}

// pollLineOf is a poll of source at a time in full (RFC 3339) that found
// alerts, and no silences.
func pollLineOf(source, at string, alerts ...string) string {
	return `{"kind": "poll", "at": "` + at + `", "source": "` + source + `", "alerts": [` + strings.Join(alerts, ", ") + `], "silences": []}` + "\n"
}
