package api_test

import "testing"

// testdata/flapping.ndjson, 2026-11-02, window 10:00–14:00, flap_gap 1h:
//
//	Flappy (ffff…): 09:00–09:20, 10:00–10:05, 10:35–10:45, 12:00–12:02,
//	  12:30–12:40 (polled, with a failed poll at 12:35 in the middle),
//	  13:30–open; an HA peer repeats the 10:35 firing.
//	  In the window: 5 episodes. Gaps: 40m (flap), 30m (flap), 75m (no),
//	  28m (flap), 50m (flap) -> 4 flaps.
//	  Ended durations [120 300 600 600] s: median 450; 80% of 4 -> the
//	  ceil(3.2) = 4th, 600 s = 10 min -> the smallest whole number of
//	  minutes longer: 11 -> for 660 s.
//	  All gaps [1680 1800 2400 3000 4500] s: median 2400.
//	  Flap gaps [1680 1800 2400 3000] s: 80% -> the 4th, 3000 s = 50 min
//	  -> 51 min -> keep_firing_for 3060 s.
//	Steady: 10:00–10:30, 12:00–12:10: gap 90m, no flap.
//	Hesitant: 10:00–10:10, 11:10–11:20 (gap exactly 1h: not a flap, the
//	  definition says "less than"), 11:30–11:40 (gap 10m: a flap) -> 1 flap.
//	  Gaps [600 3600]: median 2100. Durations all 600: for 660. Flap gaps
//	  [600]: 10 min -> 11 min -> 660. With flap_gap 61m both gaps are flaps:
//	  the 80% one of 2 is the 2nd, 3600 s = 60 min -> 61 min -> 3660.
const (
	flappy   = `{"fingerprint":"ffffffffffffffff","alertname":"Flappy","labels":{"alertname":"Flappy","severity":"P3"},"source":"prod","episodes":5,"flaps":4,"median_episode_seconds":450,"median_gap_seconds":2400,"suggested_for_seconds":660,"suggested_keep_firing_for_seconds":3060}`
	hesitant = `{"fingerprint":"0000000000000002","alertname":"Hesitant","labels":{"alertname":"Hesitant"},"source":"prod","episodes":3,"flaps":1,"median_episode_seconds":600,"median_gap_seconds":2100,"suggested_for_seconds":660,"suggested_keep_firing_for_seconds":660}`
	method   = `"method":{"flap":"an episode starting less than flap_gap after the previous episode of the same fingerprint ended; an alert is listed when at least min_flaps of its flaps start in the window","suggested_for_seconds":"the smallest whole number of minutes longer than at least 80% of the alert's ended episodes starting in the window, in seconds: a for: that long would have kept them from firing","suggested_keep_firing_for_seconds":"the smallest whole number of minutes longer than at least 80% of the alert's flap gaps (gaps shorter than flap_gap) in the window, in seconds: a keep_firing_for: that long would have merged them","median_gap_seconds":"the median of all gaps before the alert's episodes that start in the window, flaps or not","medians":"exact: the middle value, or the mean of the two middle values"}`
	fwin     = "from=2026-11-02T10:00:00Z&to=2026-11-02T14:00:00Z"
)

func TestFlapping(t *testing.T) {
	svc := startWith(t, "flapping.ndjson")
	cases := []struct{ name, query, want string }{
		{"defaults", fwin, `{"alerts":[` + flappy + `],"by_alertname":[{"alertname":"Flappy","fingerprints":1,"episodes":5,"flaps":4}],"flap_gap_seconds":3600,"min_flaps":2,` + method + `}`},
		{"min_flaps 1 adds the alert with one flap", fwin + "&min_flaps=1", `{"alerts":[` + flappy + `,` + hesitant + `],"by_alertname":[{"alertname":"Flappy","fingerprints":1,"episodes":5,"flaps":4},{"alertname":"Hesitant","fingerprints":1,"episodes":3,"flaps":1}],"flap_gap_seconds":3600,"min_flaps":1,` + method + `}`},
		// With flap_gap 61m the exact-hour gap becomes a flap too.
		{"flap_gap 61m", fwin + "&flap_gap=61m&match=%7Balertname%3D%22Hesitant%22%7D", `{"alerts":[{"fingerprint":"0000000000000002","alertname":"Hesitant","labels":{"alertname":"Hesitant"},"source":"prod","episodes":3,"flaps":2,"median_episode_seconds":600,"median_gap_seconds":2100,"suggested_for_seconds":660,"suggested_keep_firing_for_seconds":3660}],"by_alertname":[{"alertname":"Hesitant","fingerprints":1,"episodes":3,"flaps":2}],"flap_gap_seconds":3660,"min_flaps":2,` + method + `}`},
		{"empty window", "from=2026-11-03T10:00:00Z&to=2026-11-03T14:00:00Z", `{"alerts":[],"by_alertname":[],"flap_gap_seconds":3600,"min_flaps":2,` + method + `}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkJSON(t, svc, "/api/v1/flapping?"+c.query, c.want) })
	}
	for _, bad := range []string{"flap_gap=-1h", "flap_gap=soon", "min_flaps=0", "min_flaps=two"} {
		if code, body := svc.Get(t, "/api/v1/flapping?"+bad); code != 400 {
			t.Errorf("%s: %d %s, want 400", bad, code, body)
		}
	}
}
