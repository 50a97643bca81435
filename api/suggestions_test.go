package api_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
)

// testdata/cooccur.ndjson, 2026-11-05, source prod, webhooks only, every
// alert with cluster="eu":
//
//	NodeDown on i1..i6 at 01:00..06:00, 10 minutes each (job node);
//	TargetDown on the same instance one minute later, 5 minutes (job api),
//	  notified firing 5 s after it started, while NodeDown fired;
//	TargetDown on i7 at 08:00 alone; DiskFull on i1 at 01:00:30 (job node).
//
// (NodeDown, TargetDown): 6 of TargetDown's 7 episodes co-occur (support 6,
// confidence 6/7); the labels every pair shares besides alertname are
// cluster and instance (job differs); each co-occurring TargetDown episode
// had its one firing notification while NodeDown fired: 6 saved, all six
// (01:01–06:01 on a Thursday, UTC) out of the default working hours
// (weekdays 09–18) and in the default sleep hours (23–07).
// (NodeDown, DiskFull) and (DiskFull, TargetDown) co-occur once each:
// support 1, under min_support 5. Nothing starts before NodeDown.
// ev is the evidence pair on instance iK: NodeDown at 0K:00, TargetDown a
// minute later.
func ev(k string) string {
	return `{"source_fingerprint":"00000000000000a` + k + `","target_fingerprint":"00000000000000b` + k + `","source_starts_at":"2026-11-05T0` + k +
		`:00:00Z","target_starts_at":"2026-11-05T0` + k + `:01:00Z"}`
}

// nodeMutesTarget is the answer suggesting that NodeDown mutes TargetDown
// (equal cluster and instance; support 6, confidence 6/7, 6 notifications
// saved, all out of working hours), sleepSaved of them in sleep hours,
// with evidence, as cooccur.ndjson gives it.
func nodeMutesTarget(sleepSaved int, evidence []string) string {
	return `{"refused":[],"suggestions":[{"source":"prod","source_matchers":["alertname=\"NodeDown\""],"target_matchers":["alertname=\"TargetDown\""],
		"equal":["cluster","instance"],"support":6,"confidence":0.8571428571428571,"notifications_saved":6,"out_of_hours_saved":6,"sleep_hours_saved":` + strconv.Itoa(sleepSaved) + `,
		"yaml":"- source_matchers:\n    - \"alertname=\\\"NodeDown\\\"\"\n  target_matchers:\n    - \"alertname=\\\"TargetDown\\\"\"\n  equal:\n    - \"cluster\"\n    - \"instance\"\n",
		"evidence":[` + strings.Join(evidence, ",") + `]}]}`
}

func TestSuggestInhibitRules(t *testing.T) {
	svc := startWith(t, "cooccur.ndjson")
	w := "from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z"
	want := nodeMutesTarget(6, []string{ev("1"), ev("2"), ev("3"), ev("4"), ev("5"), ev("6")})
	checkJSON(t, svc, "/api/v1/suggestions/inhibit_rules?"+w, want)
	// A window ending at 06:01:02, after TargetDown on i6 started (06:01:00)
	// and before its firing notification (06:01:05): its six episodes all
	// co-occur (confidence 6/6; i7's at 08:00 is outside), and i6's
	// notification counts as saved, sent after the window but in an
	// episode that started in it, while NodeDown fired: still 6.
	cut := strings.NewReplacer(`"confidence":0.8571428571428571`, `"confidence":1`).Replace(want)
	checkJSON(t, svc, "/api/v1/suggestions/inhibit_rules?from=2026-11-05T00:00:00Z&to=2026-11-05T06:01:02Z", cut)
	// The thresholds are inclusive: support 6 meets min_support 6, and 6/7
	// (0.8571428571428571 as a float64) meets itself.
	for _, q := range []string{"&min_support=6", "&min_confidence=0.8571428571428571"} {
		checkJSON(t, svc, "/api/v1/suggestions/inhibit_rules?"+w+q, want)
	}
	// 6/7 is under a confidence of 0.9; support 6 is under 7.
	for _, q := range []string{"&min_confidence=0.9", "&min_support=7"} {
		checkJSON(t, svc, "/api/v1/suggestions/inhibit_rules?"+w+q, `{"refused":[],"suggestions":[]}`)
	}
	// With within 30s, TargetDown (a minute after NodeDown) co-occurs with
	// nothing; DiskFull (30 s after NodeDown on i1) once: nothing suggested.
	checkJSON(t, svc, "/api/v1/suggestions/inhibit_rules?"+w+"&within=30s", `{"refused":[],"suggestions":[]}`)
	// "At most within before it" is inclusive: within 60s still takes
	// TargetDown, exactly 60 s after NodeDown; within 59s does not.
	checkJSON(t, svc, "/api/v1/suggestions/inhibit_rules?"+w+"&within=60s", want)
	checkJSON(t, svc, "/api/v1/suggestions/inhibit_rules?"+w+"&within=59s", `{"refused":[],"suggestions":[]}`)
	// The rule rests on 6 co-occurrences: with api.max_rows 5 the answer is
	// refused, naming the limit. (The support counts refuse it before any
	// pair is listed; the evidence statement would refuse its 6 rows too, so
	// this checks the answer, not which of the two stopped it.)
	cfg := apptest.Config(t)
	cfg.API.MaxRows = 5
	small := startWithConfig(t, "cooccur.ndjson", cfg)
	if code, body := small.Get(t, "/api/v1/suggestions/inhibit_rules?"+w); code != 400 || !strings.Contains(string(body), "api.max_rows") {
		t.Errorf("evidence over api.max_rows: %d %s", code, body)
	}
	if code, body := svc.Get(t, "/api/v1/suggestions/inhibit_rules?min_confidence=1.5"); code != 400 {
		t.Errorf("min_confidence=1.5: %d %s", code, body)
	}
}

// cooccur.ndjson (above) 59 minutes 30 seconds later: NodeDown on iK at
// 0K:59:30, TargetDown a minute later at 0(K+1):00:30 — each pair in two
// hours, which the support counts hour by hour. The same rule, support 6,
// confidence 6/7, 6 notifications saved (TargetDown's firing ones at
// 0(K+1):00:35, while NodeDown fired until 0(K+1):09:30), all out of
// working hours; in sleep hours (before 07:00) 5: i6's at 07:00:35 is not.
func TestSuggestInhibitRulesAcrossAnHour(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "cooccur.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	stamp := regexp.MustCompile(`"2026-11-05T\d\d:\d\d:\d\dZ"`)
	later := stamp.ReplaceAllStringFunc(string(body), func(q string) string {
		at, err := time.Parse(`"`+time.RFC3339+`"`, q)
		if err != nil {
			t.Fatal(err)
		}
		return at.Add(59*time.Minute + 30*time.Second).Format(`"` + time.RFC3339 + `"`)
	})
	svc := apptest.Start(t, apptest.Config(t))
	importLines(t, svc, later)
	var evidence []string
	for k := 1; k <= 6; k++ {
		evidence = append(evidence, fmt.Sprintf(`{"source_fingerprint":"00000000000000a%d","target_fingerprint":"00000000000000b%d",`+
			`"source_starts_at":"2026-11-05T0%d:59:30Z","target_starts_at":"2026-11-05T0%d:00:30Z"}`, k, k, k, k+1))
	}
	checkJSON(t, svc, "/api/v1/suggestions/inhibit_rules?from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z", nodeMutesTarget(5, evidence))
}

// Configured rules under which TargetDown would mute NodeDown — directly,
// or through an alert seen in the window — would, with the suggestion,
// close an inhibition loop: the suggestion is refused with the rules named.
// The configuration arrives as a poll's status.
//
// The chain: TargetDown on i1 mutes DiskFull on i1 (equal instance), which
// mutes NodeDown on i1 (equal instance): refused. With equal [job] on the
// first step the chain breaks (TargetDown is job api, DiskFull job node),
// and the suggestion stands.
func TestSuggestionThatWouldLoopIsRefused(t *testing.T) {
	const rule = "  - name: %s\n    source_matchers: ['alertname=\"%s\"']\n    target_matchers: ['alertname=\"%s\"']\n    equal: [%s]\n"
	for _, c := range []struct {
		name, rules, reason string
	}{
		{"direct", fmt.Sprintf(rule, "target-mutes-node", "TargetDown", "NodeDown", "instance"),
			"it would close an inhibition loop with the configured rule target-mutes-node"},
		{"chain", fmt.Sprintf(rule, "target-mutes-disk", "TargetDown", "DiskFull", "instance") + fmt.Sprintf(rule, "disk-mutes-node", "DiskFull", "NodeDown", "instance"),
			"it would close an inhibition loop with the configured rules target-mutes-disk, then disk-mutes-node"},
		{"broken chain", fmt.Sprintf(rule, "target-mutes-disk", "TargetDown", "DiskFull", "job") + fmt.Sprintf(rule, "disk-mutes-node", "DiskFull", "NodeDown", "instance"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			svc := startWith(t, "cooccur.ndjson")
			cfg := "route: {receiver: team}\nreceivers: [{name: team}]\ninhibit_rules:\n" + c.rules
			status, _ := json.Marshal(map[string]any{"cluster": map[string]any{"status": "disabled", "peers": []any{}}, "config": map[string]any{"original": cfg},
				"uptime": "2026-11-05T00:00:00Z", "versionInfo": map[string]any{"version": "0.34.2"}})
			line := `{"kind":"poll","at":"2026-11-05T00:00:10Z","source":"prod","alerts":[],"silences":[],"status":` + string(status) + "}\n"
			importLines(t, svc, line)
			path := "/api/v1/suggestions/inhibit_rules?from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z"
			if c.reason != "" {
				checkJSON(t, svc, path, `{"refused":[{"source":"prod",
					"source_matchers":["alertname=\"NodeDown\""],"target_matchers":["alertname=\"TargetDown\""],
					"reason":`+strconv.Quote(c.reason)+`}],"suggestions":[]}`)
				return
			}
			code, body := svc.Get(t, path)
			var got struct{ Refused, Suggestions []any }
			if err := json.Unmarshal(body, &got); code != 200 || err != nil || len(got.Refused) != 0 || len(got.Suggestions) != 1 {
				t.Errorf("%d %s: want the one suggestion, nothing refused", code, body)
			}
		})
	}
}

// testdata/grouping.ndjson is cooccur.ndjson (above) with each alert
// notified to "team" in a group of its own alertname (group_by
// [alertname]): NodeDown and TargetDown start together but page apart.
// (NodeDown, TargetDown) on team: the 6 co-occurring TargetDown episodes
// came in another group than NodeDown's (support 6) of the 7 TargetDown
// episodes notified to team (confidence 6/7); the labels all six pairs
// share besides alertname are cluster and instance; each had its one firing
// notification while NodeDown fired: 6 sent apart, all out of working
// hours and in sleep hours (01:01–06:01 on a Thursday). The pairs with DiskFull
// co-occur once: under min_support. In cooccur.ndjson everything came in
// one group already: nothing to suggest.
func TestSuggestGroupBy(t *testing.T) {
	svc := startWith(t, "grouping.ndjson")
	w := "from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z"
	checkJSON(t, svc, "/api/v1/suggestions/group_by?"+w, `{"suggestions":[{"source":"prod","receiver":"team","alertnames":["NodeDown","TargetDown"],
		"current_group_by":["alertname"],"group_by":["cluster","instance"],"support":6,"confidence":0.8571428571428571,"notifications_saved":6,
		"out_of_hours_saved":6,"sleep_hours_saved":6,
		"yaml":"receiver: team\ngroup_by:\n    - cluster\n    - instance\n",
		"evidence":[`+ev("1")+`,`+ev("2")+`,`+ev("3")+`,`+ev("4")+`,`+ev("5")+`,`+ev("6")+`]}]}`)
	checkJSON(t, svc, "/api/v1/suggestions/group_by?"+w+"&min_confidence=0.9", `{"suggestions":[]}`)
	// TargetDown starts a minute after NodeDown: not within 30 s.
	checkJSON(t, svc, "/api/v1/suggestions/group_by?"+w+"&within=30s", `{"suggestions":[]}`)

	// Asked five times: the engine compiles an expression after its third
	// run, and its compiled code failed this very statement from the
	// fourth on (so the analyses run without JIT compilation).
	together := startWith(t, "cooccur.ndjson")
	for range 5 {
		checkJSON(t, together, "/api/v1/suggestions/group_by?"+w, `{"suggestions":[]}`)
	}
}
