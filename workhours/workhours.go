// Package workhours decides what is in and out of working hours: weekly
// schedules in a time zone, per receiver, turned into UTC intervals so the
// store can count notifications against them with plain comparisons (the
// engine needs a constant time zone per expression; receivers have many).
package workhours

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // zone data without relying on the host's
)

// Spec is a schedule as configured.
type Spec struct {
	Timezone string   `yaml:"timezone"`
	Days     []string `yaml:"days"`
	Start    string   `yaml:"start"`
	End      string   `yaml:"end"`
}

// Schedule is a parsed Spec.
type Schedule struct {
	Loc        *time.Location
	Days       [7]bool // by time.Weekday
	Start, End int     // minutes after local midnight; End < Start runs past midnight
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// DefaultSleep is every night 23:00–07:00, in tz.
func DefaultSleep(tz string) Spec {
	return Spec{Timezone: tz, Days: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, Start: "23:00", End: "07:00"}
}

// Default is Mon–Fri 09:00–18:00 (docs/definitions.md), in tz.
func Default(tz string) Spec {
	return Spec{Timezone: tz, Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "09:00", End: "18:00"}
}

func clock(s string) (int, error) {
	var h, m int
	if _, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) || len(s) != 5 {
		return 0, fmt.Errorf("%q is not a time of day HH:MM", s)
	}
	return h*60 + m, nil
}

// Parse checks a Spec; errors name the field under prefix.
func (s Spec) Parse(prefix string) (Schedule, error) {
	var sc Schedule
	tz := s.Timezone
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return sc, fmt.Errorf("%s.timezone: %q is not a known time zone", prefix, s.Timezone)
	}
	sc.Loc = loc
	for _, d := range s.Days {
		wd, ok := dayNames[strings.ToLower(d)]
		if !ok {
			return sc, fmt.Errorf("%s.days: %q is not one of mon, tue, wed, thu, fri, sat, sun", prefix, d)
		}
		sc.Days[wd] = true
	}
	if sc.Start, err = clock(s.Start); err != nil {
		return sc, fmt.Errorf("%s.start: %w", prefix, err)
	}
	if sc.End, err = clock(s.End); err != nil {
		return sc, fmt.Errorf("%s.end: %w", prefix, err)
	}
	if sc.End == sc.Start {
		return sc, fmt.Errorf("%s.end: %s equals start", prefix, s.End)
	}
	return sc, nil
}

// Interval is a half-open UTC interval [From, To).
type Interval struct{ From, To time.Time }

// Intervals lists the working intervals overlapping [from, to), in UTC,
// following the zone's daylight-saving changes day by day.
func (sc Schedule) Intervals(from, to time.Time) []Interval {
	var out []Interval
	local := from.In(sc.Loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, sc.Loc).AddDate(0, 0, -1)
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		if !sc.Days[day.Weekday()] {
			continue
		}
		y, m, d := day.Date()
		start := time.Date(y, m, d, sc.Start/60, sc.Start%60, 0, 0, sc.Loc).UTC()
		endDay := d
		if sc.End < sc.Start {
			endDay++ // overnight: ends the next morning
		}
		end := time.Date(y, m, endDay, sc.End/60, sc.End%60, 0, 0, sc.Loc).UTC()
		if end.After(from) && start.Before(to) {
			out = append(out, Interval{From: start, To: end})
		}
	}
	return out
}

// In reports whether t is in the schedule's hours. An overnight period
// belongs to the day it starts on.
func (sc Schedule) In(t time.Time) bool {
	l := t.In(sc.Loc)
	mins := l.Hour()*60 + l.Minute()
	if sc.End > sc.Start {
		return sc.Days[l.Weekday()] && mins >= sc.Start && mins < sc.End
	}
	prev := l.AddDate(0, 0, -1).Weekday()
	return (sc.Days[l.Weekday()] && mins >= sc.Start) || (sc.Days[prev] && mins < sc.End)
}
