package workhours

import (
	"testing"
	"time"
)

func TestIntervalsAcrossDaylightSaving(t *testing.T) {
	sc, err := Default("Europe/Berlin").Parse("working_hours")
	if err != nil {
		t.Fatal(err)
	}
	// Berlin leaves summer time on Sunday 2026-10-25: 09:00 local is 07:00
	// UTC on Friday 10-23 and 08:00 UTC on Monday 10-26.
	got := sc.Intervals(time.Date(2026, 10, 23, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 27, 0, 0, 0, 0, time.UTC))
	want := []Interval{
		{time.Date(2026, 10, 23, 7, 0, 0, 0, time.UTC), time.Date(2026, 10, 23, 16, 0, 0, 0, time.UTC)},
		{time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC), time.Date(2026, 10, 26, 17, 0, 0, 0, time.UTC)},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].From.Equal(want[i].From) || !got[i].To.Equal(want[i].To) {
			t.Fatalf("interval %d: got %v, want %v", i, got[i], want[i])
		}
	}
	for _, c := range []struct {
		at string
		in bool
	}{
		{"2026-10-23T06:59:00Z", false}, {"2026-10-23T07:00:00Z", true}, {"2026-10-23T15:59:00Z", true},
		{"2026-10-23T16:00:00Z", false}, {"2026-10-24T10:00:00Z", false}, {"2026-10-26T07:30:00Z", false}, {"2026-10-26T08:00:00Z", true},
	} {
		at, _ := time.Parse(time.RFC3339, c.at)
		if sc.In(at) != c.in {
			t.Errorf("In(%s) = %v", c.at, !c.in)
		}
		inIv := false
		for _, iv := range got {
			inIv = inIv || (!at.Before(iv.From) && at.Before(iv.To))
		}
		if inIv != c.in {
			t.Errorf("%s in intervals = %v, want %v", c.at, inIv, c.in)
		}
	}
}

func TestParseErrorsNameTheField(t *testing.T) {
	for _, c := range []struct {
		spec  Spec
		field string
	}{
		{Spec{Timezone: "Mars/Olympus", Days: []string{"mon"}, Start: "09:00", End: "17:00"}, "x.timezone"},
		{Spec{Days: []string{"monday"}, Start: "09:00", End: "17:00"}, "x.days"},
		{Spec{Days: []string{"mon"}, Start: "9am", End: "17:00"}, "x.start"},
		{Spec{Days: []string{"mon"}, Start: "09:00", End: "25:00"}, "x.end"},
		{Spec{Days: []string{"mon"}, Start: "09:00", End: "09:00"}, "x.end"},
	} {
		if _, err := c.spec.Parse("x"); err == nil || err.Error()[:len(c.field)] != c.field {
			t.Errorf("Parse(%+v) = %v, want an error naming %s", c.spec, err, c.field)
		}
	}
}

func TestOvernight(t *testing.T) {
	sc, err := DefaultSleep("Europe/Berlin").Parse("sleep_hours")
	if err != nil {
		t.Fatal(err)
	}
	// The night of Saturday 10-24 to Sunday 10-25 is 9 hours long in Berlin:
	// 23:00 CEST (21:00 UTC) to 07:00 CET (06:00 UTC).
	ivs := sc.Intervals(time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 12, 0, 0, 0, time.UTC))
	if len(ivs) != 1 || !ivs[0].From.Equal(time.Date(2026, 10, 24, 21, 0, 0, 0, time.UTC)) || !ivs[0].To.Equal(time.Date(2026, 10, 25, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("intervals %v", ivs)
	}
	for at, in := range map[string]bool{"2026-10-24T20:59:00Z": false, "2026-10-24T21:00:00Z": true, "2026-10-25T05:59:00Z": true, "2026-10-25T06:00:00Z": false} {
		tt, _ := time.Parse(time.RFC3339, at)
		if sc.In(tt) != in {
			t.Errorf("In(%s) = %v", at, !in)
		}
	}
}
