package api_test

import "testing"

// testdata/whatif.ndjson: alert Flappy on Monday 2026-11-02 (UTC; working
// hours Mon–Fri 09:00–18:00, sleep hours 23:00–07:00), each episode one
// firing and one resolved notification, 5 s after its start and its end:
//
//	E1 10:00–10:02 (2 min)   E2 10:10–10:30 (20 min, 8 min after E1)
//	E3 10:33–10:40 (7 min, 3 min after E2)   E4 23:30–23:34 (4 min)
//
// Before: 4 episodes, 8 notifications; E4's two are out of hours and in
// sleep hours.
//
//	for 5m: E1 and E4 (shorter) vanish with their 4 notifications; E2 and
//	  E3 stay, each 300 s later -> 2 episodes, 4 notifications, none out of
//	  hours or asleep; 2 delayed, by 300 s.
//	keep_firing_for 5m: E3 came 3 min after E2: they merge (E2's firing,
//	  E3's resolved notification) -> 3 episodes, 6 notifications, 1 merged.
//	keep_firing_for 10m: E1–E2 (8 min) and E2–E3 merge too -> 2 episodes,
//	  E1's firing + E3's resolved + E4's two = 4 notifications, 2 merged.
//	both 5m: after for:, E3 starts at 10:38, 8 min after E2's end: no merge
//	  -> as for 5m alone.
func TestWhatIf(t *testing.T) {
	svc := startWith(t, "whatif.ndjson")
	w := "from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z&"
	before := `"before":{"notifications":8,"episodes":4,"out_of_hours":2,"sleep_hours":2}`
	cases := []struct{ name, query, want string }{
		{"for", "for=5m", `{"after":{"notifications":4,"episodes":2,"out_of_hours":0,"sleep_hours":0},` + before +
			`,"delayed":{"episodes":2,"max_delay_seconds":300},"for_seconds":300,"keep_firing_for_seconds":0,"merged":0}`},
		{"keep_firing_for", "keep_firing_for=5m", `{"after":{"notifications":6,"episodes":3,"out_of_hours":2,"sleep_hours":2},` + before +
			`,"delayed":{"episodes":0,"max_delay_seconds":0},"for_seconds":0,"keep_firing_for_seconds":300,"merged":1}`},
		{"keep_firing_for 10m", "keep_firing_for=10m", `{"after":{"notifications":4,"episodes":2,"out_of_hours":2,"sleep_hours":2},` + before +
			`,"delayed":{"episodes":0,"max_delay_seconds":0},"for_seconds":0,"keep_firing_for_seconds":600,"merged":2}`},
		{"both", "for=5m&keep_firing_for=5m", `{"after":{"notifications":4,"episodes":2,"out_of_hours":0,"sleep_hours":0},` + before +
			`,"delayed":{"episodes":2,"max_delay_seconds":300},"for_seconds":300,"keep_firing_for_seconds":300,"merged":0}`},
		{"nothing", "", `{"after":{"notifications":8,"episodes":4,"out_of_hours":2,"sleep_hours":2},` + before +
			`,"delayed":{"episodes":0,"max_delay_seconds":0},"for_seconds":0,"keep_firing_for_seconds":0,"merged":0}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkJSON(t, svc, "/api/v1/whatif?"+w+c.query, c.want) })
	}
	if code, body := svc.Get(t, "/api/v1/whatif?for=-5m"); code != 400 {
		t.Errorf("for=-5m: %d %s", code, body)
	}
}
