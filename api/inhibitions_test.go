package api_test

import "testing"

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
//	        inhibited 30 s after -> failure. The config changed at the 10:14
//	        poll (same uptime): a reload 90 s before.
//	Well    never inhibited; notified 10:03:30 -> no failure.
//	Xeno    inhibited up to 10:10, active from 10:11; notified 10:11:50:
//	        10:11 active, 10:13 active -> no failure.
func TestFailedInhibitions(t *testing.T) {
	svc := startWithPollInterval(t, "inhibitions.ndjson", "1m")
	labels := func(name string) string { return `{"alertname":"` + name + `","cluster":"a"}` }
	by := `[{"fingerprint":"5555555555555555","alertname":"Source"}]`
	want := `{"failures":[
		{"fingerprint":"aaaaaaaaaaaaaaa1","alertname":"Target","labels":` + labels("Target") + `,"receiver":"team","source":"prod","notified_at":"2026-11-02T10:05:30Z","inhibited_by":` + by + `,"known_cause":"Alertmanager restarted at 2026-11-02T10:04:50Z (40s before)"},
		{"fingerprint":"aaaaaaaaaaaaaaa2","alertname":"Unlucky","labels":` + labels("Unlucky") + `,"receiver":"team","source":"prod","notified_at":"2026-11-02T10:08:30Z","inhibited_by":` + by + `,"known_cause":"Alertmanager restarted at 2026-11-02T10:04:50Z (3m40s before)"},
		{"fingerprint":"aaaaaaaaaaaaaaa6","alertname":"Yonder","labels":` + labels("Yonder") + `,"receiver":"team","source":"prod","notified_at":"2026-11-02T10:12:30Z","inhibited_by":` + by + `},
		{"fingerprint":"aaaaaaaaaaaaaaa3","alertname":"Victim","labels":` + labels("Victim") + `,"receiver":"team","source":"prod","notified_at":"2026-11-02T10:15:30Z","inhibited_by":` + by + `,"known_cause":"Alertmanager configuration reloaded, first seen at 2026-11-02T10:14:00Z (1m30s before)"}]}`
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-02T10:00:00Z&to=2026-11-02T11:00:00Z", want)
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-02T10:00:00Z&to=2026-11-02T11:00:00Z&match=%7Balertname%3D~%22W.*%7CX.*%22%7D", `{"failures":[]}`)
	checkJSON(t, svc, "/api/v1/inhibitions/failed?from=2026-11-02T10:00:00Z&to=2026-11-02T10:05:00Z&receiver=team", `{"failures":[]}`)
	if code, _ := svc.Get(t, "/api/v1/inhibitions/failed?receiver=nobody"); code != 400 {
		t.Errorf("unknown receiver: %d, want 400", code)
	}
}
