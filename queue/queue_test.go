package queue

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func opts(dir string) Options {
	return Options{Dir: dir, MaxBytes: 1 << 20, SegmentBytes: 4096, Fsync: FsyncAlways}
}

func row(i int) []byte { return []byte(fmt.Sprintf(`{"i":%d}`+"\n", i)) }

func mustOpen(t *testing.T, o Options) *Queue {
	t.Helper()
	q, err := Open(o, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	return q
}

// readAll reads every readable record from pos.
func readAll(t *testing.T, q *Queue, pos Position) ([]Record, Position) {
	t.Helper()
	var all []Record
	for {
		recs, next, err := q.Read(pos, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			return all, pos
		}
		all = append(all, recs...)
		pos = next
	}
}

func TestAppendReadAcrossSegmentsAndReopen(t *testing.T) {
	dir := t.TempDir()
	q := mustOpen(t, opts(dir))
	ctx := context.Background()
	const n = 500 // ~ 20 KB: several 4 KiB segments
	for i := range n {
		if err := q.Append(ctx, Section{Table: "polls", Rows: row(i)}, Section{Table: "silences", Rows: row(-i)}); err != nil {
			t.Fatal(err)
		}
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	if len(segs) < 3 {
		t.Fatalf("%d segment files after %d appends of 4 KiB segments, want several", len(segs), n)
	}
	start, _ := q.Cursor()
	recs, end := readAll(t, q, start)
	if len(recs) != n {
		t.Fatalf("read %d records, want %d", len(recs), n)
	}
	for i, r := range recs {
		if len(r.Sections) != 2 || r.Sections[0].Table != "polls" || !bytes.Equal(r.Sections[0].Rows, row(i)) || !bytes.Equal(r.Sections[1].Rows, row(-i)) {
			t.Fatalf("record %d = %+v", i, r)
		}
	}
	// Commit half; after reopening only the other half is unread.
	half := recs[n/2].Pos
	if err := q.Commit(half); err != nil {
		t.Fatal(err)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	segsAfter, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	if len(segsAfter) >= len(segs) {
		t.Errorf("commit kept all %d segments, want the consumed ones removed", len(segsAfter))
	}
	q2 := mustOpen(t, opts(dir))
	pos, inflight := q2.Cursor()
	if pos != half || inflight != nil {
		t.Fatalf("cursor after reopen = %v, %v; want %v, nil", pos, inflight, half)
	}
	recs2, end2 := readAll(t, q2, pos)
	if len(recs2) != n-n/2 || !bytes.Equal(recs2[0].Sections[0].Rows, row(n/2)) {
		t.Fatalf("after reopen read %d records starting %q, want %d starting %q", len(recs2), recs2[0].Sections[0].Rows, n-n/2, row(n/2))
	}
	if end2 != end {
		t.Fatalf("end after reopen %v, want %v", end2, end)
	}
	// And appending continues after the old tail.
	if err := q2.Append(ctx, Section{Table: "polls", Rows: row(n)}); err != nil {
		t.Fatal(err)
	}
	more, _ := readAll(t, q2, end2)
	if len(more) != 1 || !bytes.Equal(more[0].Sections[0].Rows, row(n)) {
		t.Fatalf("after reopen and append read %+v", more)
	}
}

func TestTornTailIsCutOff(t *testing.T) {
	for _, tail := range []struct {
		name string
		data func(rec []byte) []byte
	}{
		{"half a header", func([]byte) []byte { return []byte{1, 2, 3} }},
		{"header without payload", func(rec []byte) []byte { return rec[:headerSize] }},
		{"half a payload", func(rec []byte) []byte { return rec[:len(rec)-3] }},
		{"bad checksum", func(rec []byte) []byte { c := bytes.Clone(rec); c[len(c)-1] ^= 0xff; return c }},
		{"absurd length", func([]byte) []byte { return []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0} }},
	} {
		t.Run(tail.name, func(t *testing.T) {
			dir := t.TempDir()
			q, err := Open(opts(dir), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if err := q.Append(context.Background(), Section{Table: "t", Rows: row(i)}); err != nil {
					t.Fatal(err)
				}
			}
			_ = q.Close()
			rec, _ := EncodeRecord(time.Now(), []Section{{Table: "t", Rows: row(99)}})
			f, err := os.OpenFile(filepath.Join(dir, segName(1)), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = f.Write(tail.data(rec))
			_ = f.Close()

			q2 := mustOpen(t, opts(dir))
			recs, _ := readAll(t, q2, Position{Segment: 1})
			if len(recs) != 3 {
				t.Fatalf("read %d records after a torn tail, want the 3 whole ones", len(recs))
			}
			if err := q2.Append(context.Background(), Section{Table: "t", Rows: row(3)}); err != nil {
				t.Fatal(err)
			}
			recs, _ = readAll(t, q2, Position{Segment: 1})
			if len(recs) != 4 || !bytes.Equal(recs[3].Sections[0].Rows, row(3)) {
				t.Fatalf("append after cutting the tail: read %d records", len(recs))
			}
		})
	}
}

func TestCorruptRecordInsideLogIsReported(t *testing.T) {
	dir := t.TempDir()
	o := opts(dir)
	q := mustOpen(t, o)
	for i := range 300 {
		if err := q.Append(context.Background(), Section{Table: "t", Rows: row(i)}); err != nil {
			t.Fatal(err)
		}
	}
	// Flip a byte in the first (closed) segment's first payload.
	p := filepath.Join(dir, segName(1))
	b, _ := os.ReadFile(p)
	b[headerSize+12] ^= 0xff
	if err := os.WriteFile(p, b, 0o640); err != nil {
		t.Fatal(err)
	}
	_, _, err := q.Read(Position{Segment: 1}, 10)
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Pos != (Position{Segment: 1}) {
		t.Fatalf("Read over a corrupt record: %v, want a CorruptError at 1:0", err)
	}
	recs, _, err := q.Read(q.SkipSegment(ce.Pos), 10)
	if err != nil || len(recs) == 0 {
		t.Fatalf("reading the next segment: %d records, %v", len(recs), err)
	}
}

func TestBudgetGivesErrFull(t *testing.T) {
	dir := t.TempDir()
	o := Options{Dir: dir, MaxBytes: 8192, SegmentBytes: 4096, Fsync: FsyncAlways}
	q := mustOpen(t, o)
	ctx := context.Background()
	big := bytes.Repeat([]byte("x"), 1000)
	big = append(big, '\n')
	var accepted int
	var err error
	for range 20 {
		if err = q.Append(ctx, Section{Table: "t", Rows: big}); err != nil {
			break
		}
		accepted++
	}
	if !errors.Is(err, ErrFull) {
		t.Fatalf("after %d appends got %v, want ErrFull", accepted, err)
	}
	if st := q.Stats(); st.Bytes > o.MaxBytes {
		t.Fatalf("queue holds %d bytes, over its %d budget", st.Bytes, o.MaxBytes)
	}
	recs, end := readAll(t, q, Position{Segment: 1})
	if len(recs) != accepted {
		t.Fatalf("%d records readable, want the %d accepted (a refused append must leave nothing)", len(recs), accepted)
	}
	// Consuming frees budget.
	if err := q.Commit(end); err != nil {
		t.Fatal(err)
	}
	if err := q.Append(ctx, Section{Table: "t", Rows: big}); err != nil {
		t.Fatalf("append after draining: %v", err)
	}
}

func TestInflightSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	q := mustOpen(t, opts(dir))
	for i := range 5 {
		_ = q.Append(context.Background(), Section{Table: "t", Rows: row(i)})
	}
	recs, end := readAll(t, q, Position{Segment: 1})
	r := Range{Start: recs[1].Pos, End: recs[3].Pos}
	if err := q.SetInflight(r); err != nil {
		t.Fatal(err)
	}
	_ = q.Close()
	q2 := mustOpen(t, opts(dir))
	_, inflight := q2.Cursor()
	if inflight == nil || *inflight != r {
		t.Fatalf("in-flight after reopen = %v, want %v", inflight, r)
	}
	got, err := q2.ReadRange(*inflight)
	if err != nil || len(got) != 2 || !bytes.Equal(got[0].Sections[0].Rows, row(1)) {
		t.Fatalf("ReadRange = %d records, %v", len(got), err)
	}
	if _, err := q2.ReadRange(Range{Start: recs[4].Pos, End: Position{Segment: 1, Offset: end.Offset + 100}}); err == nil {
		t.Fatal("ReadRange past the end succeeded")
	}
}

func TestConcurrentAppendsAllLand(t *testing.T) {
	q := mustOpen(t, opts(t.TempDir()))
	const workers, each = 8, 100
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := q.Append(context.Background(), Section{Table: "t", Rows: row(w*1000 + i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	recs, _ := readAll(t, q, Position{Segment: 1})
	seen := map[string]bool{}
	for _, r := range recs {
		seen[string(r.Sections[0].Rows)] = true
	}
	if len(recs) != workers*each || len(seen) != workers*each {
		t.Fatalf("%d records, %d distinct; want %d of each", len(recs), len(seen), workers*each)
	}
}

func TestAppendAfterCloseAndValidate(t *testing.T) {
	q, err := Open(opts(t.TempDir()), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = q.Close()
	if err := q.Append(context.Background(), Section{Table: "t", Rows: row(1)}); !errors.Is(err, ErrClosed) {
		t.Fatalf("append after close: %v, want ErrClosed", err)
	}
	for _, o := range []Options{
		{Dir: "", MaxBytes: 1 << 20, SegmentBytes: 4096, Fsync: FsyncAlways},
		{Dir: "x", MaxBytes: 1 << 20, SegmentBytes: 10, Fsync: FsyncAlways},
		{Dir: "x", MaxBytes: 100, SegmentBytes: 4096, Fsync: FsyncAlways},
		{Dir: "x", MaxBytes: 1 << 20, SegmentBytes: 4096, Fsync: "sometimes"},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("Validate(%+v) accepted bad options", o)
		}
	}
}

// FuzzRecover writes arbitrary bytes as the newest segment: Open must cut
// them back to whole records and never panic, and every record read back
// must decode.
func FuzzRecover(f *testing.F) {
	good, _ := EncodeRecord(time.Unix(1, 0), []Section{{Table: "t", Rows: []byte("{}\n")}})
	f.Add(good)
	f.Add(append(bytes.Clone(good), good[:5]...))
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, segName(1)), data, 0o640); err != nil {
			t.Fatal(err)
		}
		q, err := Open(opts(dir), nil, nil)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer func() { _ = q.Close() }()
		pos := Position{Segment: 1}
		for {
			recs, next, err := q.Read(pos, 100)
			if err != nil {
				// A record with a valid checksum but a malformed payload
				// is reported, not returned.
				var ce *CorruptError
				if !errors.As(err, &ce) {
					t.Fatalf("Read: %v", err)
				}
				return
			}
			if len(recs) == 0 {
				return
			}
			pos = next
		}
	})
}

func BenchmarkAppendFsync(b *testing.B) {
	for _, size := range []int{1, 100} {
		b.Run(fmt.Sprintf("rows=%d", size), func(b *testing.B) {
			q, err := Open(Options{Dir: b.TempDir(), MaxBytes: 8 << 30, SegmentBytes: 64 << 20, Fsync: FsyncAlways}, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = q.Close() }()
			rows := bytes.Repeat([]byte(`{"received_at":"2026-11-02 10:00:00.000","source":"prod","fingerprint":"0123456789abcdef","labels":{"alertname":"HighLatency","severity":"P2","service":"api"}}`+"\n"), size)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				if err := q.Append(context.Background(), Section{Table: "notifications", Rows: rows}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			reportPercentiles(b, lat)
		})
	}
}

// BenchmarkAppendFsyncConcurrent measures acknowledgement latency with 16
// producers sharing group commits.
func BenchmarkAppendFsyncConcurrent(b *testing.B) {
	q, err := Open(Options{Dir: b.TempDir(), MaxBytes: 8 << 30, SegmentBytes: 64 << 20, Fsync: FsyncAlways}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = q.Close() }()
	rows := []byte(`{"received_at":"2026-11-02 10:00:00.000","source":"prod","fingerprint":"0123456789abcdef"}` + "\n")
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(8) // 8 × GOMAXPROCS producers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var local []time.Duration
		for pb.Next() {
			t0 := time.Now()
			if err := q.Append(context.Background(), Section{Table: "notifications", Rows: rows}); err != nil {
				b.Error(err)
				return
			}
			local = append(local, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	b.StopTimer()
	reportPercentiles(b, lat)
}

// A section's row version survives the record; a table name without one
// (how records were written before versions existed) reads as version 1.
func TestSectionVersionRoundTrip(t *testing.T) {
	at := time.Unix(1700000000, 0)
	rec, err := EncodeRecord(at, []Section{{Table: "polls", Rows: []byte("{}\n")}, {Table: "events", Version: 3, Rows: []byte("{}\n")}})
	if err != nil {
		t.Fatal(err)
	}
	_, secs, err := decodePayload(rec[headerSize:])
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 2 || secs[0].Table != "polls" || secs[0].Version != 1 || secs[1].Table != "events" || secs[1].Version != 3 {
		t.Fatalf("decoded %+v", secs)
	}
	if !bytes.Contains(rec, []byte("events@3")) || bytes.Contains(rec, []byte("polls@")) {
		t.Fatal("version 1 must be written as the bare table name, others as table@N")
	}
	for _, bad := range []string{"polls@", "polls@x", "polls@0", "polls@70000"} {
		if _, _, err := parseSectionName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// AppendAll keeps all of its records or none: the budget is checked for
// their total. The position it returns is the end of the last one, across
// segment rolls.
func TestAppendAllIsAllOrNothing(t *testing.T) {
	o := Options{Dir: t.TempDir(), MaxBytes: 8192, SegmentBytes: 4096, Fsync: FsyncAlways}
	q := mustOpen(t, o)
	ctx := context.Background()
	row := append(bytes.Repeat([]byte("x"), 1000), '\n')
	records := func(n int) [][]Section {
		out := make([][]Section, n)
		for i := range out {
			out[i] = []Section{{Table: "t", Rows: row}}
		}
		return out
	}
	// Ten records of about 1 KB are over the 8 KiB budget together.
	if _, err := q.AppendAll(ctx, records(10)); !errors.Is(err, ErrFull) {
		t.Fatalf("got %v, want ErrFull", err)
	}
	if st := q.Stats(); st.Bytes != 0 {
		t.Fatalf("%d bytes kept of a refused group", st.Bytes)
	}
	// Five fit (over two segments of 4 KiB).
	end, err := q.AppendAll(ctx, records(5))
	if err != nil {
		t.Fatal(err)
	}
	recs, readEnd := readAll(t, q, Position{Segment: 1})
	if len(recs) != 5 || end != readEnd || end.Segment < 2 {
		t.Fatalf("%d records, end %v, read end %v; want 5 records ending where reading ends, past the first segment", len(recs), end, readEnd)
	}
	if q.Stored(end) {
		t.Fatal("Stored before the consumer committed")
	}
	if err := q.Commit(readEnd); err != nil {
		t.Fatal(err)
	}
	if !q.Stored(end) {
		t.Fatal("not Stored after the consumer committed past it")
	}
}

// The budget is about the disk: records the consumer has committed still
// occupy their segment file until the whole segment is removed, so they
// still count. (Counting only the unconsumed part let a queue with a 32 MiB
// budget hold 36.8 MiB.)
func TestBudgetCountsTheDisk(t *testing.T) {
	dir := t.TempDir()
	o := Options{Dir: dir, MaxBytes: 8192, SegmentBytes: 8192, Fsync: FsyncAlways}
	q := mustOpen(t, o)
	ctx := context.Background()
	row := append(bytes.Repeat([]byte("x"), 1000), '\n')
	for range 6 {
		if err := q.Append(ctx, Section{Table: "t", Rows: row}); err != nil {
			t.Fatal(err)
		}
	}
	_, end := readAll(t, q, Position{Segment: 1})
	if err := q.Commit(end); err != nil {
		t.Fatal(err)
	}
	if st := q.Stats(); st.Bytes != 0 {
		t.Fatalf("%d unwritten bytes after committing everything", st.Bytes)
	}
	var err error
	for range 3 {
		if err = q.Append(ctx, Section{Table: "t", Rows: row}); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrFull) {
		t.Fatalf("three more 1 KB records on 6 KB of segment: %v, want ErrFull", err)
	}
	var onDisk int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), ".seg") {
			onDisk += info.Size()
		}
	}
	if onDisk > o.MaxBytes {
		t.Fatalf("%d bytes of segments on disk, over the %d budget", onDisk, o.MaxBytes)
	}
}

// What a client reads about a failed append names what it can act on and
// never the queue's files.
func TestReason(t *testing.T) {
	pathErr := &os.PathError{Op: "write", Path: "/var/lib/alertlens/queue/00000001.seg", Err: syscall.EIO}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{ErrFull, "the queue's disk budget is exhausted"},
		{fmt.Errorf("%w (the disk itself is full: %w)", ErrFull, pathErr), "the queue's disk budget is exhausted"},
		{ErrClosed, "alertlens is shutting down"},
		{fmt.Errorf("queue: %w", context.Canceled), "the request ended before its data was queued"},
		{fmt.Errorf("queue: writing segment: %w", pathErr), "the queue cannot be written (the service log says why)"},
	} {
		if got := Reason(tc.err); got != tc.want {
			t.Errorf("Reason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// A queue keeps its ID across reopening, commits and in-flight batches; a
// new directory gets another (the writer's insert tokens depend on it).
func TestIDIsMadeOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	q := mustOpen(t, opts(dir))
	id := q.ID()
	if len(id) != 16 {
		t.Fatalf("ID %q: want 16 hex digits", id)
	}
	if err := q.Append(context.Background(), Section{Table: "t", Rows: row(1)}); err != nil {
		t.Fatal(err)
	}
	_, end := readAll(t, q, Position{Segment: 1})
	if err := q.SetInflight(Range{Start: Position{Segment: 1}, End: end}); err != nil {
		t.Fatal(err)
	}
	if err := q.Commit(end); err != nil {
		t.Fatal(err)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if got := mustOpen(t, opts(dir)).ID(); got != id {
		t.Errorf("reopened queue has ID %q, want %q", got, id)
	}
	if other := mustOpen(t, opts(t.TempDir())).ID(); other == id {
		t.Errorf("a new queue directory got the same ID %q", id)
	}
}
