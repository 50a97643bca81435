package store

import (
	"testing"
)

// FuzzDecodeBatch: whatever the rows, decodeBatch returns an error or rows
// whose canonical form is a fixed point (decoding it gives it again), so a
// stored row and a queued one that mean the same compare equal; its time
// range holds every row's time.
func FuzzDecodeBatch(f *testing.F) {
	f.Add(TablePolls, []byte(`{"polled_at":"2026-11-02 10:00:00.000","source":"eu","duration_seconds":0.3,"ok":true,"error":"","alerts":1,"silences":0,"changes":0}`+"\n"))
	f.Add(TableNotifications, []byte(`{"received_at":"2026-11-02 10:00:00.000","source":"eu","fingerprint":"ab","labels":{"a":"b"},"ends_at":null}`+"\n\n"))
	f.Add(TableSilences, []byte(`{"source":"eu","id":"x","updated_at":"2026-11-02 10:00:00.000","matchers":[{"name":"a","value":"b","is_regex":false,"is_equal":true}]}`))
	f.Add(TableEvents, []byte("{}\nnot json\n"))
	f.Fuzz(func(t *testing.T, table string, data []byte) {
		ti, ok := tables[table]
		if !ok {
			return
		}
		b, err := decodeBatch(ti, data)
		if err != nil {
			return
		}
		for i, r := range b.rows {
			again, err := decodeBatch(ti, []byte(r.canonical))
			if err != nil || len(again.rows) != 1 || again.rows[0].canonical != r.canonical {
				t.Fatalf("row %d: canonical %s is not a fixed point: %v", i, r.canonical, err)
			}
			if again.from.Before(b.from.Time) || again.to.After(b.to.Time) {
				t.Fatalf("row %d at %s outside the batch's range [%s, %s]", i, again.from, b.from, b.to)
			}
		}
	})
}
