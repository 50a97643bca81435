package api_test

import (
	"encoding/json"
	"testing"
)

// Over testdata/lookup.ndjson, 09:30–11:00: A fired (notification 10:00:05;
// the HA repeat at 10:00:20 does not count), the poller saw it firing at
// 10:00:15, silenced at 10:05:15, firing at 10:08:15, gone at 10:10:15
// (resolved notification 10:10:05); B inhibited at 10:05:15, gone at
// 10:08:15; A in eu fired at 10:30:05. C's only notification (09:00:05) is
// before the window and the poller never saw it, so it has no event.
func TestStates(t *testing.T) {
	svc := startWith(t, "lookup.ndjson")
	ev := func(at, src, fp, name, state string) string {
		return `{"at":"2026-11-02T` + at + `Z","source":"` + src + `","fingerprint":"` + fp + `","alertname":"` + name + `","state":"` + state + `"}`
	}
	a, b := "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"
	checkJSON(t, svc, "/api/v1/states?"+window, `{"events":[`+
		ev("10:00:05", "prod", a, "A", "firing")+`,`+ev("10:00:15", "prod", a, "A", "firing")+`,`+
		ev("10:05:15", "prod", a, "A", "silenced")+`,`+ev("10:05:15", "prod", b, "B", "inhibited")+`,`+
		ev("10:08:15", "prod", a, "A", "firing")+`,`+ev("10:08:15", "prod", b, "B", "resolved")+`,`+
		ev("10:10:05", "prod", a, "A", "resolved")+`,`+ev("10:10:15", "prod", a, "A", "resolved")+`,`+
		ev("10:30:05", "eu", a, "A", "firing")+`],"blind":[]}`)
	// From 10:06, B's line opens inhibited and A's silenced (their last
	// poller states before the window).
	checkJSON(t, svc, "/api/v1/states?from=2026-11-02T10:06:00Z&to=2026-11-02T10:09:00Z&source=prod", `{"events":[`+
		ev("10:06:00", "prod", a, "A", "silenced")+`,`+ev("10:06:00", "prod", b, "B", "inhibited")+`,`+
		ev("10:08:15", "prod", a, "A", "firing")+`,`+ev("10:08:15", "prod", b, "B", "resolved")+`],"blind":[]}`)
}

// testdata/flapping.ndjson polls prod at 12:31 (ok), 12:35 (failed), 12:39
// (ok) and 12:41 (ok): the poller was blind from 12:35 to 12:39, and saw
// throughout 12:40–14:00. A window ending 12:37 ends the stretch there.
func TestStatesSayWhenThePollerWasBlind(t *testing.T) {
	svc := startWith(t, "flapping.ndjson")
	for q, want := range map[string]string{
		"from=2026-11-02T10:00:00Z&to=2026-11-02T14:00:00Z": `[{"source":"prod","from":"2026-11-02T12:35:00Z","to":"2026-11-02T12:39:00Z"}]`,
		"from=2026-11-02T12:40:00Z&to=2026-11-02T14:00:00Z": `[]`,
		"from=2026-11-02T12:00:00Z&to=2026-11-02T12:37:00Z": `[{"source":"prod","from":"2026-11-02T12:35:00Z","to":"2026-11-02T12:37:00Z"}]`,
	} {
		code, body := svc.Get(t, "/api/v1/states?"+q)
		var got struct{ Blind json.RawMessage }
		if err := json.Unmarshal(body, &got); code != 200 || err != nil {
			t.Fatalf("%s: %d %s", q, code, body)
		}
		sameJSON(t, q, got.Blind, want)
	}
}

func TestNotificationSeries(t *testing.T) {
	svc := startWith(t, "lookup.ndjson")
	checkJSON(t, svc, "/api/v1/notifications/series?step=30m&"+window, `{"by":"alertname","step_seconds":1800,"points":[
		{"t":"2026-11-02T10:00:00Z","key":"A","notifications":2},{"t":"2026-11-02T10:30:00Z","key":"A","notifications":1}]}`)
	checkJSON(t, svc, "/api/v1/notifications/series?step=1h&by=severity&source=prod&"+window, `{"by":"severity","step_seconds":3600,"points":[
		{"t":"2026-11-02T10:00:00Z","key":"P2","notifications":2}]}`)
	for _, bad := range []string{"step=0s", "step=1s&from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z"} {
		if code, body := svc.Get(t, "/api/v1/notifications/series?"+bad); code != 400 {
			t.Errorf("%s: %d %s, want 400", bad, code, body)
		}
	}
}
