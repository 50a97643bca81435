package api_test

import "testing"

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
