package api_test

import "testing"

// testdata/silences_top.ndjson, source prod, 2026-11-02, polls only
// (silences s1 alice, s2 bob, s3 dave, s4 carol, all active):
//
//	09:00  V silenced by s4, W silenced by s3
//	09:30  V still s4 (no change, so no new row), W active
//	10:10  X and Y silenced by s1, Z by s2 (V s4, W active)
//	10:20  V, X, Y, Z gone
//	11:30  U silenced by s2
//
// Window 10:00–11:00: s1 muted X and Y (2); s2 muted Z (1; U came after
// the window); s4 muted V, whose 09:00 state held until 10:20 (1); s3's
// muting of W ended at 09:30, before the window: not listed. Ties sort by
// source, then id.
func TestSilencesTop(t *testing.T) {
	svc := startWith(t, "silences_top.ndjson")
	w := "from=2026-11-02T10:00:00Z&to=2026-11-02T11:00:00Z"
	checkJSON(t, svc, "/api/v1/silences/top?"+w, `{"silences": [
		{"source": "prod", "id": "s1", "alerts": 2, "created_by": "alice", "comment": "maintenance by alice"},
		{"source": "prod", "id": "s2", "alerts": 1, "created_by": "bob", "comment": "maintenance by bob"},
		{"source": "prod", "id": "s4", "alerts": 1, "created_by": "carol", "comment": "maintenance by carol"}]}`)
	checkJSON(t, svc, "/api/v1/silences/top?limit=1&"+w, `{"silences": [
		{"source": "prod", "id": "s1", "alerts": 2, "created_by": "alice", "comment": "maintenance by alice"}]}`)
	// 09:00–09:45: W by s3 until 09:30, V by s4.
	checkJSON(t, svc, "/api/v1/silences/top?from=2026-11-02T09:00:00Z&to=2026-11-02T09:45:00Z", `{"silences": [
		{"source": "prod", "id": "s3", "alerts": 1, "created_by": "dave", "comment": "maintenance by dave"},
		{"source": "prod", "id": "s4", "alerts": 1, "created_by": "carol", "comment": "maintenance by carol"}]}`)
	// Only X and Z match {alertname=~"X|Z"}.
	checkJSON(t, svc, "/api/v1/silences/top?match=%7Balertname%3D~%22X%7CZ%22%7D&"+w, `{"silences": [
		{"source": "prod", "id": "s1", "alerts": 1, "created_by": "alice", "comment": "maintenance by alice"},
		{"source": "prod", "id": "s2", "alerts": 1, "created_by": "bob", "comment": "maintenance by bob"}]}`)
	if code, body := svc.Get(t, "/api/v1/silences/top?limit=0&"+w); code != 400 {
		t.Errorf("limit=0: %d %s, want 400", code, body)
	}
}
