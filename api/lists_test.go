package api_test

import "testing"

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
