package analysis

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alertlens/alertlens/store"
)

// sealStore answers SealInUse with one seal (the only store call sealFor
// makes) and counts the calls.
type sealStore struct {
	seal  store.Seal
	err   error
	asked int
}

func (s *sealStore) Query(context.Context, string, map[string]string) ([]byte, error) {
	return nil, errors.New("sealStore runs no statement")
}

func (s *sealStore) SealInUse(context.Context) (store.Seal, error) {
	s.asked++
	return s.seal, s.err
}

// A statement reads the seal's episodes when they are current, counted
// with the same dedup window, and the seal covers at least SealMinSpan of
// its scan (some of it with 0); its stretches when they are current and
// the seal covers some of the scan, whatever the span and dedup window;
// its muted time as its stretches, when the scan starts at a midnight;
// its counted notifications with its episodes, when it has them. One look
// at the seal decides them all. The seal covers the days before
// 2026-11-01 (made in November, now is 2026-11-20); 70 days before 11-01
// is 08-23 (31 days of October, 30 of September, 9 of August: 08-23 to
// 08-31).
func TestSealForCoversEnoughOfTheScan(t *testing.T) {
	nov1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	oct1 := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	tenWeeks := 70 * 24 * time.Hour
	current := store.Seal{ID: 7, To: nov1, DedupMillis: 60000, Episodes: true, Stretches: true, Muted: true, Notes: true}
	with := func(f func(*store.Seal)) store.Seal { s := current; f(&s); return s }
	var (
		none      = sealReads{}
		episodes  = sealReads{Episodes: true}
		stretches = sealReads{Stretches: true}
		muted     = sealReads{Muted: true}
		both      = sealReads{Episodes: true, Stretches: true}
		all       = sealReads{Episodes: true, Stretches: true, Muted: true}
		notes     = sealReads{Episodes: true, Notes: true}
	)
	gone := errors.New("the engine is gone")
	cases := []struct {
		name     string
		reads    sealReads // what the statement reads
		scanFrom string
		minSpan  time.Duration
		seal     store.Seal
		err      error     // SealInUse's
		want     sealReads // what it reads sealed
		asks     int       // SealInUse calls: none when the scan is decided on the dates alone
	}{
		{"70 days of the scan sealed", episodes, "2026-08-23 00:00:00.000", tenWeeks, current, nil, episodes, 1},
		{"69 days sealed: merged", episodes, "2026-08-24 00:00:00.000", tenWeeks, current, nil, none, 0},
		{"a week sealed, any span", episodes, "2026-10-25 00:00:00.000", 0, current, nil, episodes, 1},
		{"the last hour sealed, any span", episodes, "2026-10-31 23:00:00.000", 0, current, nil, episodes, 1},
		{"nothing sealed in the scan", episodes, "2026-11-01 00:00:00.000", 0, current, nil, none, 0},
		// The seal in the store is older than the month's (the compactor
		// has not run since October): it covers 40 days of a scan from
		// 08-22 (10 of August, 30 of September), short of 70.
		{"an older seal covers too little", episodes, "2026-08-22 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.To = oct1 }), nil, none, 1},
		{"not current", episodes, "2026-08-01 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.Episodes = false }), nil, none, 1},
		{"another dedup window", episodes, "2026-08-01 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.DedupMillis = 30000 }), nil, none, 1},
		{"the seal cannot be read", episodes, "2026-08-01 00:00:00.000", tenWeeks, current, gone, none, 1},
		{"stretches: a week sealed, short of the span", stretches, "2026-10-25 00:00:00.000", tenWeeks, current, nil, stretches, 1},
		{"stretches current, the episodes not", stretches, "2026-10-25 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.Episodes = false }), nil, stretches, 1},
		{"stretches with another dedup window", stretches, "2026-10-25 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.DedupMillis = 30000 }), nil, stretches, 1},
		{"stretches not current", stretches, "2026-08-01 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.Stretches = false }), nil, none, 1},
		{"stretches: nothing sealed in the scan", stretches, "2026-11-01 00:00:00.000", 0, current, nil, none, 0},
		{"stretches: an older seal covers none of the scan", stretches, "2026-10-25 00:00:00.000", 0, with(func(s *store.Seal) { s.To = oct1 }), nil, none, 1},
		{"stretches: the seal cannot be read", stretches, "2026-10-25 00:00:00.000", 0, current, gone, none, 1},
		{"both, the span too short for the episodes", both, "2026-10-25 00:00:00.000", tenWeeks, current, nil, stretches, 1},
		{"both, both sealed", both, "2026-08-01 00:00:00.000", tenWeeks, current, nil, both, 1},
		{"both, only the episodes current", both, "2026-08-01 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.Stretches = false }), nil, episodes, 1},
		{"muted: a week sealed, short of the span", muted, "2026-10-25 00:00:00.000", tenWeeks, current, nil, muted, 1},
		{"muted with another dedup window", muted, "2026-10-25 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.DedupMillis = 30000 }), nil, muted, 1},
		// A seal made before muted time was sealed has none (its
		// stretches are still current).
		{"muted: a seal without it", muted, "2026-10-25 00:00:00.000", 0, with(func(s *store.Seal) { s.Muted = false }), nil, none, 1},
		{"muted: a scan from inside a day", muted, "2026-10-31 23:00:00.000", 0, current, nil, none, 0},
		{"muted: nothing sealed in the scan", muted, "2026-11-01 00:00:00.000", 0, current, nil, none, 0},
		{"all, the episodes short of the span", all, "2026-10-25 00:00:00.000", tenWeeks, current, nil, sealReads{Stretches: true, Muted: true}, 1},
		{"all, a scan from inside a day", all, "2026-10-31 23:00:00.000", 0, current, nil, both, 1},
		{"all sealed", all, "2026-08-01 00:00:00.000", tenWeeks, current, nil, all, 1},
		// The counted notifications go with the episodes.
		{"notes with the episodes", notes, "2026-08-01 00:00:00.000", tenWeeks, current, nil, notes, 1},
		// A seal made before they were sealed has none (its episodes are
		// still current).
		{"notes: a seal without them", notes, "2026-08-01 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.Notes = false }), nil, episodes, 1},
		{"notes: the episodes not current", notes, "2026-08-01 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.Episodes = false }), nil, none, 1},
		{"notes with another dedup window", notes, "2026-08-01 00:00:00.000", tenWeeks, with(func(s *store.Seal) { s.DedupMillis = 30000 }), nil, none, 1},
		{"notes: the episodes short of the span", notes, "2026-10-25 00:00:00.000", tenWeeks, current, nil, none, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := &sealStore{seal: c.seal, err: c.err}
			a, err := New(st, Options{Database: "alertlens", DedupWindow: time.Minute, SealMinSpan: c.minSpan}, nil, now)
			if err != nil {
				t.Fatal(err)
			}
			got, reads := a.sealFor(t.Context(), c.scanFrom, c.reads)
			if reads != c.want || (reads != none && got.ID != c.seal.ID) || st.asked != c.asks {
				t.Errorf("sealFor(%s, %+v) = %+v, %+v after %d SealInUse calls; want %+v after %d",
					c.scanFrom, c.reads, got, reads, st.asked, c.want, c.asks)
			}
		})
	}
}
