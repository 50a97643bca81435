package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
)

// The shift 09:30–10:20 over testdata/lookup.ndjson: C fired at 09:00 and
// still fires (80 min by the end of the shift); A fired 10:00–10:10 with 2
// notifications; B was only seen by the poller, 10:02–10:08:15. Silence s1
// was created (first version 10:04) during the shift; it ends at 12:00,
// within 24 hours, but no firing alert is silenced by it at 10:20 (A
// resolved at 10:10), so it is not "expiring while still silencing".
// Still firing at the end, C's state is unknown: only its notification was
// seen, the poller never listed it.
const shift = "from=2026-11-02T09:30:00Z&to=2026-11-02T10:20:00Z"

// withState is an episode of the still-firing list: with what Alertmanager
// did with it at the end of the shift.
func withState(episode, state string) string {
	return strings.TrimSuffix(episode, "}") + `,"state":"` + state + `"}`
}

func TestHandoverMarkdown(t *testing.T) {
	svc := startWith(t, "lookup.ndjson")
	code, body := svc.Get(t, "/api/v1/handover?format=markdown&"+shift)
	want := "# Handover: all receivers, 2026-11-02 09:30 – 2026-11-02 10:20 UTC\n" + `
## What fired (3 alertnames, 3 notifications)

| Alert | Alerts | Episodes | Notifications | First | Last | Longest | Still firing |
| --- | --- | --- | --- | --- | --- | --- | --- |
| [A](http://prom/g) | 1 | 1 | 2 | 2026-11-02 10:00 | 2026-11-02 10:00 | 10m0s | 0 |
| [C](http://prom/g) | 1 | 1 | 1 | 2026-11-02 09:00 | 2026-11-02 09:00 | 1h20m0s | 1 |
| [B](http://prom/g) | 1 | 1 | 0 | 2026-11-02 10:02 | 2026-11-02 10:02 | 6m15s | 0 |

## Still firing at 2026-11-02 10:20 UTC (paging first)

| Alert | State | Since | Labels |
| --- | --- | --- | --- |
| C | unknown | 2026-11-02 09:00 | ` + "`" + `alertname="C", severity="P3"` + "`" + ` |

## Flapping

None.

## Failed inhibitions

None.

## Silences created

| Silence | Matchers | Created by | Comment | Ends |
| --- | --- | --- | --- | --- |
| [s1](http://am:9093/#/silences/s1) | ` + "`" + `alertname="A"` + "`" + ` | alice | disk maintenance | 2026-11-02 12:00 |

## Silences expired

None.

## Silences expiring within 24 hours while still silencing firing alerts

None.
`
	if code != 200 || string(body) != want {
		t.Fatalf("handover markdown: %d\n got:\n%s\nwant:\n%s", code, body, want)
	}
}

func TestHandoverJSON(t *testing.T) {
	svc := startWith(t, "lookup.ndjson")
	checkJSON(t, svc, "/api/v1/handover?"+shift, `{"from":"2026-11-02T09:30:00Z","to":"2026-11-02T10:20:00Z","receiver":"",
		"fired":[
			{"alertname":"A","alerts":1,"episodes":1,"notifications":2,"first":"2026-11-02T10:00:00Z","last":"2026-11-02T10:00:00Z","longest_seconds":600,"generator_url":"http://prom/g","still_firing":0},
			{"alertname":"C","alerts":1,"episodes":1,"notifications":1,"first":"2026-11-02T09:00:00Z","last":"2026-11-02T09:00:00Z","longest_seconds":4800,"generator_url":"http://prom/g","still_firing":1},
			{"alertname":"B","alerts":1,"episodes":1,"notifications":0,"first":"2026-11-02T10:02:00Z","last":"2026-11-02T10:02:00Z","longest_seconds":375,"generator_url":"http://prom/g","still_firing":0}],
		"still_firing":[`+withState(epC, "unknown")+`],
		"flapping":[],"failed_inhibitions":[],
		"silences_created":[{"id":"s1","source":"prod","created_by":"alice","comment":"disk maintenance","matchers":["alertname=\"A\""],"starts_at":"2026-11-02T10:04:00Z","ends_at":"2026-11-02T12:00:00Z","url":"http://am:9093/#/silences/s1"}],
		"silences_expired":[],"silences_expiring":[]}`)
	// An empty shift for a known receiver (oncall only ever got B, from
	// 10:02): every list empty.
	checkJSON(t, svc, "/api/v1/handover?receiver=oncall&from=2026-11-02T09:30:00Z&to=2026-11-02T10:00:00Z", `{"from":"2026-11-02T09:30:00Z","to":"2026-11-02T10:00:00Z","receiver":"oncall",
		"fired":[],"still_firing":[],"flapping":[],"failed_inhibitions":[],"silences_created":[],"silences_expired":[],"silences_expiring":[]}`)
	// A receiver never seen is a mistake, not a quiet shift.
	if code, body := svc.Get(t, "/api/v1/handover?receiver=nobody&"+shift); code != 400 || !strings.Contains(string(body), `parameter receiver: \"nobody\" is unknown`) {
		t.Errorf("unknown receiver: %d %s", code, body)
	}
	// While A was silenced (shift ending 10:06), s1 silences a firing alert
	// and ends within 24 hours: expiring. A's state at 10:06 is the poll of
	// 10:05:15: silenced by s1.
	checkJSON(t, svc, "/api/v1/handover?from=2026-11-02T10:00:00Z&to=2026-11-02T10:06:00Z&match=%7Balertname%3D%22A%22%7D", `{"from":"2026-11-02T10:00:00Z","to":"2026-11-02T10:06:00Z","receiver":"",
		"fired":[{"alertname":"A","alerts":1,"episodes":1,"notifications":2,"first":"2026-11-02T10:00:00Z","last":"2026-11-02T10:00:00Z","longest_seconds":360,"generator_url":"http://prom/g","still_firing":1}],
		"still_firing":[`+withState(epA, "silenced")+`],
		"flapping":[],"failed_inhibitions":[],
		"silences_created":[{"id":"s1","source":"prod","created_by":"alice","comment":"disk maintenance","matchers":["alertname=\"A\""],"starts_at":"2026-11-02T10:04:00Z","ends_at":"2026-11-02T12:00:00Z","url":"http://am:9093/#/silences/s1"}],
		"silences_expired":[],
		"silences_expiring":[{"id":"s1","source":"prod","created_by":"alice","comment":"disk maintenance","matchers":["alertname=\"A\""],"starts_at":"2026-11-02T10:04:00Z","ends_at":"2026-11-02T12:00:00Z","url":"http://am:9093/#/silences/s1"}]}`)
	if code, _ := svc.Get(t, "/api/v1/handover?format=pdf"); code != 400 {
		t.Errorf("format=pdf: %d, want 400", code)
	}
}

// Still firing at the end of a shift, paging alerts come first: at 12:00
// the poller's last look (11:30) had X paging and Y silenced (Y started
// first, at 10:00), and never listed Z (10:30, only notified). So: X
// firing, Y silenced, Z unknown — not the start order Y, Z, X.
func TestHandoverStillFiringPagingFirst(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	hook := func(name, fp, start string) string {
		return `{"kind":"webhook","at":"2026-11-03T` + start + `:05Z","source":"prod","payload":{"version":"4","receiver":"team","status":"firing","groupKey":"g","truncatedAlerts":0,"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"",` +
			`"alerts":[{"status":"firing","labels":{"alertname":"` + name + `"},"annotations":{},"startsAt":"2026-11-03T` + start + `:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"` + fp + `"}]}}` + "\n"
	}
	polled := func(name, fp, start, state, silencedBy string) string {
		return `{"fingerprint":"` + fp + `","labels":{"alertname":"` + name + `"},"annotations":{},"startsAt":"2026-11-03T` + start + `:00Z","endsAt":"2026-11-03T13:00:00Z","updatedAt":"2026-11-03T11:00:00Z","generatorURL":"","receivers":[{"name":"team"}],"status":{"state":"` + state + `","silencedBy":[` + silencedBy + `],"inhibitedBy":[]}}`
	}
	rec := hook("Y", "00000000000000f2", "10:00") + hook("Z", "00000000000000f3", "10:30") + hook("X", "00000000000000f1", "11:00") +
		`{"kind":"poll","at":"2026-11-03T11:30:00Z","source":"prod","alerts":[` + polled("X", "00000000000000f1", "11:00", "active", "") + `,` +
		polled("Y", "00000000000000f2", "10:00", "suppressed", `"s9"`) + `],"silences":[]}` + "\n"
	importLines(t, svc, rec)
	code, body := svc.Get(t, "/api/v1/handover?from=2026-11-03T09:00:00Z&to=2026-11-03T12:00:00Z")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var h struct {
		StillFiring []struct{ Alertname, State string } `json:"still_firing"`
	}
	if err := json.Unmarshal(body, &h); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(h.StillFiring); got != "[{X firing} {Y silenced} {Z unknown}]" {
		t.Errorf("still firing: %s", got)
	}
}
