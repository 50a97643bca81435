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
	seal    store.Seal
	current bool
	err     error
	asked   int
}

func (s *sealStore) Query(context.Context, string, map[string]string) ([]byte, error) {
	return nil, errors.New("sealStore runs no statement")
}

func (s *sealStore) SealInUse(context.Context) (store.Seal, bool, error) {
	s.asked++
	return s.seal, s.current, s.err
}

// A statement reads the seal when it is current, counted with the same
// dedup window, and covers at least SealMinSpan of its scan (some of it
// with 0). The seal covers the days before 2026-11-01 (made in November,
// now is 2026-11-20); 70 days before 11-01 is 08-23 (31 days of October,
// 30 of September, 9 of August: 08-23 to 08-31).
func TestSealForCoversEnoughOfTheScan(t *testing.T) {
	nov1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	tenWeeks := 70 * 24 * time.Hour
	cases := []struct {
		name     string
		scanFrom string
		minSpan  time.Duration
		seal     store.Seal
		current  bool
		want     bool
		asks     int   // SealInUse calls: none when the scan is decided on the dates alone
		err      error // SealInUse's
	}{
		{"70 days of the scan sealed", "2026-08-23 00:00:00.000", tenWeeks, store.Seal{ID: 7, To: nov1, DedupMillis: 60000}, true, true, 1, nil},
		{"69 days sealed: merged", "2026-08-24 00:00:00.000", tenWeeks, store.Seal{ID: 7, To: nov1, DedupMillis: 60000}, true, false, 0, nil},
		{"a week sealed, any span", "2026-10-25 00:00:00.000", 0, store.Seal{ID: 7, To: nov1, DedupMillis: 60000}, true, true, 1, nil},
		{"the last hour sealed, any span", "2026-10-31 23:00:00.000", 0, store.Seal{ID: 7, To: nov1, DedupMillis: 60000}, true, true, 1, nil},
		{"nothing sealed in the scan", "2026-11-01 00:00:00.000", 0, store.Seal{ID: 7, To: nov1, DedupMillis: 60000}, true, false, 0, nil},
		// The seal in the store is older than the month's (the compactor
		// has not run since October): it covers 40 days of a scan from
		// 08-22 (10 of August, 30 of September), short of 70.
		{"an older seal covers too little", "2026-08-22 00:00:00.000", tenWeeks, store.Seal{ID: 7, To: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), DedupMillis: 60000}, true, false, 1, nil},
		{"not current", "2026-08-01 00:00:00.000", tenWeeks, store.Seal{ID: 7, To: nov1, DedupMillis: 60000}, false, false, 1, nil},
		{"another dedup window", "2026-08-01 00:00:00.000", tenWeeks, store.Seal{ID: 7, To: nov1, DedupMillis: 30000}, true, false, 1, nil},
		{"the seal cannot be read", "2026-08-01 00:00:00.000", tenWeeks, store.Seal{ID: 7, To: nov1, DedupMillis: 60000}, true, false, 1, errors.New("the engine is gone")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := &sealStore{seal: c.seal, current: c.current, err: c.err}
			a, err := New(st, Options{Database: "alertlens", DedupWindow: time.Minute, SealMinSpan: c.minSpan}, nil, now)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := a.sealFor(t.Context(), c.scanFrom)
			if ok != c.want || (ok && got.ID != c.seal.ID) || st.asked != c.asks {
				t.Errorf("sealFor(%s) = %+v, %v after %d SealInUse calls; want ok %v after %d", c.scanFrom, got, ok, st.asked, c.want, c.asks)
			}
		})
	}
}
