package analysis

import (
	"testing"
	"time"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/workhours"
)

// The hours as the "in_hours" fragment reads them, derived by hand. Window
// Saturday 2026-11-07 12:00Z to Monday 2026-11-09 12:00Z.
//
//   - The default, Mon–Fri 09:00–18:00 UTC: only Monday 09:00–18:00 overlaps
//     (Friday's ended before the window).
//   - "night", every day 23:00–07:00 UTC: Sat 23:00–Sun 07:00 and Sun
//     23:00–Mon 07:00 (Friday's night ended before the window, Monday's
//     starts after it).
//
// The lists start on Saturday (day 20764 since 1970-01-01: 56 years with 14
// leap days are 20454 days to 2026-01-01, and 7 November is 310 days later)
// and end on Monday: 3 days each. The nights are cut at midnight: Saturday
// holds 23:00–24:00, Sunday 00:00–07:00 and 23:00–24:00, Monday 00:00–07:00.
// The default's days come first, so night's start at 3.
func TestBindIntervals(t *testing.T) {
	night := workhours.Spec{Timezone: "UTC", Days: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, Start: "23:00", End: "07:00"}
	sat := time.Date(2026, 11, 7, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		wh       config.WorkingHours
		from, to time.Time
		want     map[string]string
	}{
		{"default and one receiver", config.WorkingHours{Spec: workhours.Default("UTC"), Receivers: map[string]workhours.Spec{"night": night}}, sat, sat.Add(48 * time.Hour), map[string]string{
			"h_days": "[[],[],[('2026-11-09 09:00:00.000','2026-11-09 18:00:00.000')]," +
				"[('2026-11-07 23:00:00.000','2026-11-08 00:00:00.000')]," +
				"[('2026-11-08 00:00:00.000','2026-11-08 07:00:00.000'),('2026-11-08 23:00:00.000','2026-11-09 00:00:00.000')]," +
				"[('2026-11-09 00:00:00.000','2026-11-09 07:00:00.000')]]",
			"h_at": "{'night':3}", "h_day0": "20764", "h_ndays": "3",
		}},
		// the weekend alone: no working hours, no days
		{"none", config.WorkingHours{Spec: workhours.Default("UTC")}, sat, sat.Add(24 * time.Hour), map[string]string{
			"h_days": "[]", "h_at": "{}", "h_day0": "0", "h_ndays": "0",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			if err := bindIntervals(got, "h", tc.wh, tc.from, tc.to); err != nil {
				t.Fatal(err)
			}
			for k, want := range tc.want {
				if got[k] != want {
					t.Errorf("%s:\n got %s\nwant %s", k, got[k], want)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("bound %d parameters, want %d: %v", len(got), len(tc.want), got)
			}
		})
	}
}

// Working hours on whole minutes, by hand. Mon–Fri 09:00–18:00:
//   - in UTC over Monday 2026-11-09: 09:00–18:00, on minutes;
//   - the same from 10:00:07 to 12:00:00.5: the whole interval overlapping
//     the window, whose ends play no part;
//   - in Europe/Amsterdam on Monday 1930-06-02: the Netherlands kept
//     Amsterdam time then, UTC+00:19:32 in summer (+00:20 from 1937), so
//     09:00 local was 08:40:28 UTC: off the minute;
//   - there on Monday 2026-11-09 (CET, UTC+1): 08:00–17:00 UTC, on minutes.
func TestOnMinutes(t *testing.T) {
	mon := time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)
	ams := workhours.Default("Europe/Amsterdam")
	old := time.Date(1930, 6, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		spec     workhours.Spec
		from, to time.Time
		want     bool
	}{
		{"UTC", workhours.Default("UTC"), mon, mon.Add(24 * time.Hour), true},
		{"a window off the minute", workhours.Default("UTC"), mon.Add(10*time.Hour + 7*time.Second), mon.Add(12*time.Hour + 500*time.Millisecond), true},
		{"Amsterdam time in 1930", ams, old, old.Add(24 * time.Hour), false},
		{"Amsterdam in 2026", ams, mon, mon.Add(24 * time.Hour), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := onMinutes(tc.spec, tc.from, tc.to)
			if err != nil || got != tc.want {
				t.Errorf("onMinutes = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}
