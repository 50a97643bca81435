package analysis

import (
	"slices"
	"testing"
	"time"

	"github.com/alertlens/alertlens/models"
)

// One inhibitor with three episodes: from 1 s to 2 s, from 5 s with no end
// known (a later start ends it), from 9 s to 9.5 s (times in ms since the
// epoch).
func TestInhibitorHistory(t *testing.T) {
	end := func(ms int64) *int64 { return &ms }
	s := signals{"prod": {"aaaa": {Fingerprint: "aaaa", Starts: []int64{1000, 5000, 9000}, Ends: []*int64{end(2000), nil, end(9500)}}}}
	at := func(ms int64) time.Time { return time.UnixMilli(ms) }
	for _, c := range []struct {
		ms     int64
		fp     string
		firing bool
	}{
		{999, "aaaa", false},  // before its first start
		{1000, "aaaa", true},  // at a start: started
		{1999, "aaaa", true},  // before its end
		{2000, "aaaa", false}, // at its end: ended
		{4999, "aaaa", false}, // between episodes
		{5000, "aaaa", true},  // no end known
		{8999, "aaaa", true},  // still no end
		{9000, "aaaa", true},  // the next episode
		{9500, "aaaa", false}, // ended
		{1500, "bbbb", true},  // nothing known of it: firing, as the poller named it
	} {
		if got := s.firingAt("prod", c.fp, at(c.ms)); got != c.firing {
			t.Errorf("firingAt(%s, %d ms) = %v, want %v", c.fp, c.ms, got, c.firing)
		}
	}
	// Refired: the episode at t began within five minutes before t, after
	// an earlier one. The latest start by t decides: at 8 s that is 5 s
	// (3 s before); at 9 s + 5 min it is 9 s, exactly five minutes before,
	// which still counts; 1 ms later it does not; the first episode has
	// none before it.
	for _, c := range []struct {
		ms     int64
		detail string
	}{
		{1500, ""},
		{5000, "inhibitor aaaa fired again at 1970-01-01T00:00:05Z (0s before)"},
		{8000, "inhibitor aaaa fired again at 1970-01-01T00:00:05Z (3s before)"},
		{9000 + 300_000, "inhibitor aaaa fired again at 1970-01-01T00:00:09Z (5m0s before)"},
		{9000 + 300_001, ""},
	} {
		cause, detail := s.refired("prod", []string{"bbbb", "aaaa"}, at(c.ms))
		if detail != c.detail || (cause == "inhibitor_refired") != (c.detail != "") {
			t.Errorf("refired at %d ms = %q, %q; want %q", c.ms, cause, detail, c.detail)
		}
	}
}

func TestWholeDays(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct{ from, to, daysFrom, daysTo string }{
		// from a midnight to five past one: the day between
		{"2026-11-05T00:00:00Z", "2026-11-06T00:05:00Z", "2026-11-05T00:00:00Z", "2026-11-06T00:00:00Z"},
		// from a morning: its day is partial, the next one whole
		{"2026-11-05T10:00:00Z", "2026-11-07T00:05:00Z", "2026-11-06T00:00:00Z", "2026-11-07T00:00:00Z"},
		// up to a midnight: the day before it is whole
		{"2026-11-05T00:00:00Z", "2026-11-06T00:00:00Z", "2026-11-05T00:00:00Z", "2026-11-06T00:00:00Z"},
		// within one day, and across one midnight: no whole day
		{"2026-11-05T10:00:00Z", "2026-11-05T12:00:00Z", "2026-11-06T00:00:00Z", "2026-11-06T00:00:00Z"},
		{"2026-11-05T10:00:00Z", "2026-11-06T09:00:00Z", "2026-11-06T00:00:00Z", "2026-11-06T00:00:00Z"},
		// another zone: the days are UTC's (10:00+02:00 is 08:00 UTC)
		{"2026-11-05T10:00:00+02:00", "2026-11-07T01:00:00+02:00", "2026-11-06T00:00:00Z", "2026-11-06T00:00:00Z"},
	} {
		df, dt := wholeDays(at(c.from), at(c.to))
		if !df.Equal(at(c.daysFrom)) || !dt.Equal(at(c.daysTo)) {
			t.Errorf("wholeDays(%s, %s) = %s, %s; want %s, %s", c.from, c.to, df.Format(time.RFC3339), dt.Format(time.RFC3339), c.daysFrom, c.daysTo)
		}
	}
}

// The two paths' candidates merged: an events verdict decides its
// notification (a failure is kept with its first rule, a non-failure drops
// the notification), and the polls judge only the notifications no event
// decided.
func TestMergeVerdicts(t *testing.T) {
	yes, no := true, false
	at := func(s int64) models.Time { return models.NewTime(time.Unix(s, 0)) }
	row := func(fp string, s int64, failed *bool, rules ...string) failedRow {
		r := failedRow{Failed: failed, RuleNames: rules}
		r.Source, r.Fingerprint, r.Receiver, r.NotifiedAt = "prod", fp, "team", at(s)
		return r
	}
	type verdict struct {
		fp, basis, rule string
	}
	for _, c := range []struct {
		name             string
		byEvents, byPoll []failedRow
		want             []verdict
	}{
		{"no events: every poll candidate, in its order",
			nil, []failedRow{row("b", 2, nil), row("a", 1, nil)},
			[]verdict{{"b", "polls", ""}, {"a", "polls", ""}}},
		{"nothing at all", nil, nil, nil},
		{"events decide theirs, polls the rest",
			[]failedRow{row("a", 1, &yes, "r1", "r2"), row("b", 2, &no)},
			// a and b at the same times as the events' (decided), a at
			// another time and c (not decided)
			[]failedRow{row("a", 1, nil), row("b", 2, nil), row("a", 3, nil), row("c", 2, nil)},
			[]verdict{{"a", "events", "r1"}, {"a", "polls", ""}, {"c", "polls", ""}}},
		{"an event that is no failure still decides its notification",
			[]failedRow{row("a", 1, &no)}, []failedRow{row("a", 1, nil)}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []verdict
			for _, r := range mergeVerdicts(c.byEvents, c.byPoll) {
				v := verdict{fp: r.Fingerprint, basis: r.Basis}
				if r.Rule != nil {
					v.rule = r.Rule.Name
				}
				got = append(got, v)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
