package api_test

import (
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
)

// Lists for filters over testdata/lookup.ndjson, 09:30–11:00 (its story in
// lookup_test.go): episodes overlapping the window are A (prod, P2, receiver
// team), B (prod, P1, routed to oncall by the poller), C (prod, P3, team)
// and A in eu (P2, team); D ended at 08:30, before the window.
func TestListsForFilters(t *testing.T) {
	svc := startWith(t, "lookup.ndjson")
	w := "from=2026-11-02T09:30:00Z&to=2026-11-02T11:00:00Z"
	checkJSON(t, svc, "/api/v1/sources?"+w, `{"values":[{"value":"eu","episodes":1},{"value":"prod","episodes":3}]}`)
	checkJSON(t, svc, "/api/v1/receivers?"+w, `{"values":[{"value":"oncall","episodes":1},{"value":"team","episodes":3}]}`)
	checkJSON(t, svc, "/api/v1/labels?"+w, `{"values":[{"value":"alertname","episodes":4},{"value":"severity","episodes":4}]}`)
	checkJSON(t, svc, "/api/v1/labels/severity/values?"+w, `{"values":[{"value":"P1","episodes":1},{"value":"P2","episodes":2},{"value":"P3","episodes":1}]}`)
	// Matchers and the source filter apply; the limit bounds.
	checkJSON(t, svc, "/api/v1/labels/severity/values?source=prod&"+w, `{"values":[{"value":"P1","episodes":1},{"value":"P2","episodes":1},{"value":"P3","episodes":1}]}`)
	checkJSON(t, svc, "/api/v1/labels/alertname/values?limit=1&match=%7Bseverity%3D%22P2%22%7D&"+w, `{"values":[{"value":"A","episodes":2}]}`)
}

// Label lists count episodes, not alerts: R fired at 12:00 and again at
// 12:20 (a new startsAt ends the first episode), two episodes of one
// alert; S fired once at 12:10. Window 12:00–13:00 on 2026-11-03.
func TestLabelListsCountEpisodes(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	hook := func(at, name, team, starts, fp string) string {
		return `{"kind":"webhook","at":"2026-11-03T` + at + `Z","source":"prod","payload":{"version":"4","receiver":"team","status":"firing","groupKey":"g","externalURL":"",` +
			`"alerts":[{"status":"firing","labels":{"alertname":"` + name + `","team":"` + team + `"},"annotations":{},"startsAt":"2026-11-03T` + starts +
			`Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"` + fp + `"}]}}` + "\n"
	}
	body := hook("12:00:05", "R", "db", "12:00:00", "00000000000000e1") + hook("12:20:05", "R", "db", "12:20:00", "00000000000000e1") +
		hook("12:10:05", "S", "web", "12:10:00", "00000000000000e2")
	importLines(t, svc, body)
	w := "from=2026-11-03T12:00:00Z&to=2026-11-03T13:00:00Z"
	checkJSON(t, svc, "/api/v1/labels?"+w, `{"values":[{"value":"alertname","episodes":3},{"value":"team","episodes":3}]}`)
	checkJSON(t, svc, "/api/v1/labels/team/values?"+w, `{"values":[{"value":"db","episodes":2},{"value":"web","episodes":1}]}`)
}
