package writer_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/alertlens/alertlens/queue"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
	"github.com/alertlens/alertlens/writer"
)

func TestMain(m *testing.M) {
	switch os.Getenv("WRITER_HELPER") {
	case "ingest":
		crashIngest()
		syscall.Exit(0) // see storetest.Main
	case "verify":
		crashVerify()
		syscall.Exit(0)
	}
	storetest.Main(m)
}

func pollRow(producer string, i int) []byte {
	rows, _ := store.EncodeRows(nil, []store.Poll{{
		PolledAt: store.T(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond)),
		Source:   producer, OK: true, Alerts: uint32(i),
	}})
	return rows
}

type harness struct {
	st     *store.Store
	q      *queue.Queue
	w      *writer.Writer
	reg    *prometheus.Registry
	cancel context.CancelFunc
	done   chan error
	dlPath string
}

func start(t *testing.T, st *store.Store, qdir string, batch int) *harness {
	t.Helper()
	h := &harness{st: st, reg: prometheus.NewRegistry(), done: make(chan error, 1), dlPath: filepath.Join(qdir, "dead.ndjson")}
	var err error
	h.q, err = queue.Open(queue.Options{Dir: qdir, MaxBytes: 64 << 20, SegmentBytes: 1 << 20, Fsync: queue.FsyncAlways}, nil, h.reg)
	if err != nil {
		t.Fatal(err)
	}
	h.w, err = writer.New(h.q, st, writer.Options{
		BatchRows: batch, FlushInterval: 50 * time.Millisecond, DeadLetter: h.dlPath,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
	}, nil, h.reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.w.Run(ctx, context.Background()) }()
	t.Cleanup(func() { h.stop(t) })
	return h
}

func (h *harness) stop(t *testing.T) {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	if err := <-h.done; err != nil {
		t.Errorf("writer: %v", err)
	}
	_ = h.q.Close()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStoreOutageLosesAndDuplicatesNothing(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	if err := st.Exec(ctx, "DETACH TABLE {{db}}.polls"); err != nil {
		t.Fatal(err)
	}
	h := start(t, st, t.TempDir(), 100)
	const n = 1000
	for i := range n {
		if err := h.q.Append(ctx, queue.Section{Table: store.TablePolls, Rows: pollRow("p", i)}); err != nil {
			t.Fatalf("append %d during outage: %v", i, err)
		}
	}
	waitFor(t, "the writer to retry against the missing table", func() bool {
		return metric(t, h.reg, "alertlens_store_write_retries_total") >= 3
	})
	if err := st.Exec(ctx, "ATTACH TABLE {{db}}.polls"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "all rows after the outage", func() bool { return storetest.Count(t, st, store.TablePolls, "") >= n })
	h.stop(t)
	if got := storetest.Count(t, st, store.TablePolls, ""); got != n {
		t.Fatalf("%d rows stored, want exactly %d", got, n)
	}
	out, err := st.Query(ctx, "SELECT uniqExact(alerts) AS u, min(alerts) AS lo, max(alerts) AS hi FROM {{db}}.polls", nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(out)) != fmt.Sprintf(`{"u":%d,"lo":0,"hi":%d}`, n, n-1) {
		t.Fatalf("distinct rows: %s, want %d distinct values 0..%d", out, n, n-1)
	}
}

// metric sums the values of a counter or gauge family.
func metric(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			v := 0.0
			for _, m := range mf.Metric {
				v += m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
			return v
		}
	}
	t.Fatalf("metric %s not registered", name)
	return 0
}

func TestRejectedRowsGoToDeadLetter(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	h := start(t, st, t.TempDir(), 1000)
	bad := []byte(`{"polled_at":"yesterday","source":"bad"}` + "\n")
	for i := range 10 {
		rows := pollRow("good", i)
		if i == 5 {
			rows = bad
		}
		// Each record also carries a valid silences row: the rejection of
		// one table must not hold back or duplicate the other.
		sil, _ := store.EncodeRows(nil, []store.Silence{{Source: "s", ID: strconv.Itoa(i), UpdatedAt: store.T(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)), ObservedAt: store.T(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)), Matchers: []store.Matcher{}, StartsAt: store.T(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)), EndsAt: store.T(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))}})
		if err := h.q.Append(ctx, queue.Section{Table: store.TablePolls, Rows: rows}, queue.Section{Table: store.TableSilences, Rows: sil}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the good rows", func() bool { return storetest.Count(t, st, store.TablePolls, "") >= 9 })
	waitFor(t, "the silences", func() bool { return storetest.Count(t, st, store.TableSilences, "") >= 10 })
	h.stop(t)
	if got := storetest.Count(t, st, store.TablePolls, ""); got != 9 {
		t.Fatalf("%d polls rows stored, want the 9 good ones", got)
	}
	if got := storetest.Count(t, st, store.TableSilences, ""); got != 10 {
		t.Fatalf("%d silences rows stored, want 10", got)
	}
	b, err := os.ReadFile(h.dlPath)
	if err != nil {
		t.Fatalf("dead-letter file: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1 {
		t.Fatalf("dead-letter file has %d lines, want 1:\n%s", len(lines), b)
	}
	var dl struct{ Table, Error, Rows string }
	if err := json.Unmarshal([]byte(lines[0]), &dl); err != nil {
		t.Fatal(err)
	}
	if dl.Table != store.TablePolls || dl.Rows != string(bad) || !strings.Contains(dl.Error, "CANNOT_PARSE") {
		t.Fatalf("dead letter = %+v", dl)
	}
	if v := metric(t, h.reg, "alertlens_rows_dead_lettered_total"); v != 1 {
		t.Fatalf("dead-lettered metric = %v, want 1", v)
	}
}

// TestKill9WhileIngesting runs a child process that appends rows (printing
// each acknowledged one) while its writer inserts them, kills it with
// SIGKILL mid-stream, then has a second child drain the queue and check the
// store: every acknowledged row present, none twice.
func TestKill9WhileIngesting(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes with the embedded engine")
	}
	dir := t.TempDir()
	for round := range 2 {
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), "WRITER_HELPER=ingest", "HELPER_DIR="+dir, "HELPER_ROUND="+strconv.Itoa(round), "ALERTLENS_CHDB_LIB="+storetest.LibPath())
		child.Stderr = os.Stderr
		out, err := child.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		acked := map[string]int{} // producer -> count of acknowledged rows (each producer is sequential)
		sc := bufio.NewScanner(out)
		total := 0
		for sc.Scan() {
			var p string
			var i int
			if _, err := fmt.Sscanf(sc.Text(), "ack %s %d", &p, &i); err != nil {
				continue
			}
			if i != acked[p] {
				t.Fatalf("producer %s acknowledged %d after %d", p, i, acked[p])
			}
			acked[p] = i + 1
			total++
			if total == 3000 {
				if err := child.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		_ = child.Wait()
		if total < 3000 {
			t.Fatalf("round %d: child stopped after %d acks", round, total)
		}
		b, _ := json.Marshal(acked)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("acked-%d.json", round)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	verify := exec.Command(os.Args[0], "-test.run=^$")
	verify.Env = append(os.Environ(), "WRITER_HELPER=verify", "HELPER_DIR="+dir, "ALERTLENS_CHDB_LIB="+storetest.LibPath())
	verify.Stderr = os.Stderr
	res, err := verify.Output()
	if err != nil {
		t.Fatalf("verify child: %v", err)
	}
	if got := strings.TrimSpace(string(res)); got != "OK" {
		t.Fatalf("verify child says:\n%s", got)
	}
}

func helperStore() (*store.Store, *queue.Queue, *writer.Writer) {
	dir := os.Getenv("HELPER_DIR")
	b, err := store.OpenEmbedded(os.Getenv("ALERTLENS_CHDB_LIB"), filepath.Join(dir, "engine"), 1)
	must(err)
	st, err := store.New(b, store.Options{Database: "crash", Retention: 400 * 24 * time.Hour}, nil)
	must(err)
	must(st.Migrate(context.Background()))
	q, err := queue.Open(queue.Options{Dir: filepath.Join(dir, "queue"), MaxBytes: 1 << 30, SegmentBytes: 256 << 10, Fsync: queue.FsyncAlways}, nil, nil)
	must(err)
	w, err := writer.New(q, st, writer.Options{BatchRows: 200, FlushInterval: 5 * time.Millisecond, DeadLetter: filepath.Join(dir, "dead.ndjson"),
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}, nil, nil)
	must(err)
	return st, q, w
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
}

func crashIngest() {
	_, q, w := helperStore()
	go func() { _ = w.Run(context.Background(), context.Background()) }()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for p := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("r%s-p%d", os.Getenv("HELPER_ROUND"), p)
			for i := 0; ; i++ {
				must(q.Append(context.Background(), queue.Section{Table: store.TablePolls, Rows: pollRow(name, i)}))
				mu.Lock()
				fmt.Printf("ack %s %d\n", name, i)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func crashVerify() {
	st, q, w := helperStore()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, context.Background()) }()
	for q.Stats().Bytes > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	must(<-done)
	var problems []string
	for round := range 2 {
		b, err := os.ReadFile(filepath.Join(os.Getenv("HELPER_DIR"), fmt.Sprintf("acked-%d.json", round)))
		must(err)
		var acked map[string]int
		must(json.Unmarshal(b, &acked))
		for p, n := range acked {
			out, err := st.Query(context.Background(), "SELECT count() AS c, uniqExact(alerts) AS u, countIf(alerts < {n:UInt32}) AS acked FROM {{db}}.polls WHERE source = {p:String}",
				map[string]string{"p": p, "n": strconv.Itoa(n)})
			must(err)
			var r struct{ C, U, Acked int }
			must(json.Unmarshal(out, &r))
			if r.C != r.U {
				problems = append(problems, fmt.Sprintf("%s: %d rows but %d distinct (duplicates)", p, r.C, r.U))
			}
			if r.Acked != n {
				problems = append(problems, fmt.Sprintf("%s: %d of %d acknowledged rows stored", p, r.Acked, n))
			}
		}
	}
	if len(problems) > 0 {
		fmt.Println(strings.Join(problems, "\n"))
		return
	}
	fmt.Println("OK")
}

func BenchmarkQueueToEmbeddedStore(b *testing.B) {
	st := storetest.New(b)
	for _, batch := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			ctx := context.Background()
			q, err := queue.Open(queue.Options{Dir: b.TempDir(), MaxBytes: 8 << 30, SegmentBytes: 64 << 20, Fsync: queue.FsyncNever}, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = q.Close() }()
			// Realistic notification rows, appended as webhook-sized records
			// of 100 alerts; the timed part is draining them into the store.
			rows := make([]store.Notification, 100)
			const total = 100000
			for r := 0; r < total/100; r++ {
				for i := range rows {
					k := r*100 + i
					rows[i] = store.Notification{
						ReceivedAt: store.T(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(k) * time.Second)), Source: "prod", Receiver: "team-" + strconv.Itoa(k%7),
						GroupKey: `{}:{alertname="A` + strconv.Itoa(k%50) + `"}`, Status: "firing", Fingerprint: fmt.Sprintf("%016x", k%5000), Alertname: "A" + strconv.Itoa(k%50), Severity: "P" + strconv.Itoa(k%4),
						Labels:      map[string]string{"alertname": "A" + strconv.Itoa(k%50), "instance": "host-" + strconv.Itoa(k%500) + ":9100", "job": "node", "severity": "P" + strconv.Itoa(k%4)},
						Annotations: map[string]string{"summary": "Something is wrong on host-" + strconv.Itoa(k%500)}, StartsAt: store.T(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)),
						GroupLabels: map[string]string{}, RouteLabels: map[string]string{},
					}
				}
				data, _ := store.EncodeRows(nil, rows)
				if err := q.Append(ctx, queue.Section{Table: store.TableNotifications, Rows: data}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for range b.N {
				if err := st.Exec(ctx, "TRUNCATE TABLE {{db}}.notifications"); err != nil {
					b.Fatal(err)
				}
				q2 := q
				if err := q2.Commit(queue.Position{Segment: 1}); err != nil {
					b.Fatal(err)
				}
				w, err := writer.New(q2, st, writer.Options{BatchRows: batch, FlushInterval: time.Hour, DeadLetter: filepath.Join(b.TempDir(), "dl"),
					MinBackoff: time.Millisecond, MaxBackoff: time.Second}, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				t0 := time.Now()
				cctx, cancel := context.WithCancel(ctx)
				cancel() // drain mode: write everything queued, then return
				if err := w.Run(cctx, ctx); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(total)/time.Since(t0).Seconds(), "rows/s")
			}
			b.StopTimer()
			if n := storetest.Count(b, st, store.TableNotifications, ""); n != total {
				b.Fatalf("stored %d rows, want %d", n, total)
			}
		})
	}
}

// TestCorruptRecordIsSkippedAndRestartable: a record that fails its checksum
// inside a closed segment loses the rest of that segment (nothing can say
// where the next record starts) but nothing else; the batch written before
// it ends at the last good record, so the in-flight range a crash leaves
// behind can be re-read at the next start.
func TestCorruptRecordIsSkippedAndRestartable(t *testing.T) {
	st := storetest.New(t)
	qdir := t.TempDir()
	q, err := queue.Open(queue.Options{Dir: qdir, MaxBytes: 64 << 20, SegmentBytes: 4096, Fsync: queue.FsyncAlways}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 60 // about 3 segments of 4 KiB
	for i := range n {
		if err := q.Append(context.Background(), queue.Section{Table: store.TablePolls, Rows: pollRow("p", i)}); err != nil {
			t.Fatal(err)
		}
	}
	// Where records start in segment 1, to corrupt its 10th record.
	recs, _, err := q.Read(queue.Position{Segment: 1}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var inFirst []queue.Record
	for _, r := range recs {
		if r.Pos.Segment == 1 {
			inFirst = append(inFirst, r)
		}
	}
	if len(inFirst) < 12 || len(recs) != n {
		t.Fatalf("layout: %d records, %d in segment 1", len(recs), len(inFirst))
	}
	_ = q.Close()
	seg1 := filepath.Join(qdir, fmt.Sprintf("%020d.seg", 1))
	b, err := os.ReadFile(seg1)
	if err != nil {
		t.Fatal(err)
	}
	b[inFirst[9].Pos.Offset+20] ^= 0xff
	if err := os.WriteFile(seg1, b, 0o640); err != nil {
		t.Fatal(err)
	}
	// First the store is down: the writer is stopped with the batch before
	// the corruption in flight, as a crash would leave it. That range must be
	// readable again.
	q2, err := queue.Open(queue.Options{Dir: qdir, MaxBytes: 64 << 20, SegmentBytes: 4096, Fsync: queue.FsyncAlways}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := writer.New(q2, downStore{}, writer.Options{BatchRows: 1000, FlushInterval: 10 * time.Millisecond,
		DeadLetter: filepath.Join(qdir, "dl"), MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	drain, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := w.Run(drain, drain); err == nil {
		t.Fatal("writer against a store that is down returned no error")
	}
	_, inflight := q2.Cursor()
	if inflight == nil || inflight.End != inFirst[9].Pos {
		t.Fatalf("in-flight batch %v, want one ending at the corrupt record %v", inflight, inFirst[9].Pos)
	}
	if _, err := q2.ReadRange(*inflight); err != nil {
		t.Fatalf("the in-flight batch cannot be re-read: %v", err)
	}
	_ = q2.Close()

	h := start(t, st, qdir, 1000)
	lost := len(inFirst) - 9 // the corrupt record and the rest of its segment
	waitFor(t, "every readable row", func() bool { return storetest.Count(t, st, store.TablePolls, "") >= n-lost })
	h.stop(t)
	if got := storetest.Count(t, st, store.TablePolls, ""); got != n-lost {
		t.Fatalf("%d rows stored, want %d (all but the %d from the corrupt record on)", got, n-lost, lost)
	}
	if got := storetest.Count(t, st, store.TablePolls, fmt.Sprintf("alerts >= 9 AND alerts < %d", len(inFirst))); got != 0 {
		t.Fatalf("%d rows from the unreadable part of segment 1 stored", got)
	}
	// A restart (the cursor is committed past the corruption) starts cleanly.
	h2 := start(t, st, qdir, 1000)
	h2.stop(t)
}

// downStore is a store that is always unreachable (a stand-in for an outage
// at a chosen moment; the outage test above uses the real engine).
type downStore struct{}

func (downStore) Insert(context.Context, string, []byte, string) error {
	return fmt.Errorf("store down")
}

func (downStore) InsertMissing(context.Context, string, []byte) (int, error) {
	return 0, fmt.Errorf("store down")
}

// Rows queued with a row version this alertlens does not know (queued by a
// newer one, then downgraded) are dead-lettered, not guessed at; rows of
// the current version (1, also written as no version at all) in the same
// batch are stored.
func TestRowsOfUnknownVersionGoToDeadLetter(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	h := start(t, st, t.TempDir(), 1000)
	for i := range 4 {
		s := queue.Section{Table: store.TablePolls, Rows: pollRow("v", i)}
		switch i {
		case 1:
			s.Version = 1
		case 2:
			s.Version = 9
		}
		if err := h.q.Append(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the rows of known versions", func() bool { return storetest.Count(t, st, store.TablePolls, "") >= 3 })
	h.stop(t)
	if got := storetest.Count(t, st, store.TablePolls, ""); got != 3 {
		t.Fatalf("%d polls rows stored, want 3 (versions 0, 1 and 0 again; not the one of version 9)", got)
	}
	b, err := os.ReadFile(h.dlPath)
	if err != nil {
		t.Fatalf("dead-letter file: %v", err)
	}
	if n := strings.Count(strings.TrimSpace(string(b)), "\n") + 1; n != 1 || !strings.Contains(string(b), "row version 9") {
		t.Fatalf("dead-letter file: %s", b)
	}
}

// losingStore stores a batch and then loses its rows, keeping the engine's
// record of the batch's token — what a kill -9 between the two leaves — and
// fails the insert so the writer stops before it commits the batch.
type losingStore struct {
	*store.Store
	lost chan struct{}
}

func (s losingStore) Insert(ctx context.Context, table string, rows []byte, token string) error {
	if err := s.Store.Insert(ctx, table, rows, token); err != nil {
		return err
	}
	if err := s.Exec(ctx, "ALTER TABLE {{db}}."+table+" DELETE WHERE 1 SETTINGS mutations_sync = 2"); err != nil {
		return err
	}
	select {
	case s.lost <- struct{}{}:
	default:
	}
	return fmt.Errorf("the process died here")
}

// TestInFlightBatchWhoseRowsWereLost: the first writer's batch reaches the
// engine, which keeps its token and loses its rows, and the writer stops
// with the batch in flight. The next writer must store all 50 rows: with
// the batch's tokens alone the engine drops them as duplicates.
func TestInFlightBatchWhoseRowsWereLost(t *testing.T) {
	st := storetest.New(t)
	qdir := t.TempDir()
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	q, err := queue.Open(queue.Options{Dir: qdir, MaxBytes: 64 << 20, SegmentBytes: 1 << 20, Fsync: queue.FsyncAlways}, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	for i := range n {
		if err := q.Append(ctx, queue.Section{Table: store.TablePolls, Rows: pollRow("p", i)}); err != nil {
			t.Fatal(err)
		}
	}
	lossy := losingStore{Store: st, lost: make(chan struct{}, 1)}
	w, err := writer.New(q, lossy, writer.Options{
		BatchRows: 1000, FlushInterval: 10 * time.Millisecond, DeadLetter: filepath.Join(qdir, "dead.ndjson"),
		MinBackoff: time.Hour, MaxBackoff: time.Hour,
	}, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx, runCtx) }()
	<-lossy.lost
	stop()
	if err := <-done; err == nil {
		t.Fatal("the first writer stopped cleanly; the batch must still be in flight")
	}
	_ = q.Close()
	if got := storetest.Count(t, st, store.TablePolls, ""); got != 0 {
		t.Fatalf("%d rows stored before the restart, want 0 (lost)", got)
	}

	h := start(t, st, qdir, 1000)
	<-h.w.Drained()
	h.stop(t)
	if got := storetest.Count(t, st, store.TablePolls, ""); got != n {
		t.Fatalf("%d rows stored after the restart, want the batch's %d", got, n)
	}
	if got := storetest.Count(t, st, store.TablePolls, fmt.Sprintf("alerts < %d", n)); got != n {
		t.Fatal("rows stored that the batch did not hold")
	}
}

// TestFailedTryIsRetriedByContent: the first try reaches the engine, which
// keeps its token and loses its rows (losingStore: a server that dies
// between the two while alertlens keeps running), and fails. The same
// writer's retry must store all 50 rows: with the batch's token the engine
// drops them as duplicates, every time.
func TestFailedTryIsRetriedByContent(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	qdir := t.TempDir()
	reg := prometheus.NewRegistry()
	q, err := queue.Open(queue.Options{Dir: qdir, MaxBytes: 64 << 20, SegmentBytes: 1 << 20, Fsync: queue.FsyncAlways}, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = q.Close() }()
	const n = 50
	for i := range n {
		if err := q.Append(ctx, queue.Section{Table: store.TablePolls, Rows: pollRow("p", i)}); err != nil {
			t.Fatal(err)
		}
	}
	lossy := losingStore{Store: st, lost: make(chan struct{}, 1)}
	w, err := writer.New(q, lossy, writer.Options{BatchRows: 1000, FlushInterval: 10 * time.Millisecond, DeadLetter: filepath.Join(qdir, "dead.ndjson"),
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 10 * time.Millisecond}, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx, runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	<-lossy.lost
	waitFor(t, "the batch after the failed try", func() bool { return storetest.Count(t, st, store.TablePolls, "") >= n })
	<-w.Drained()
	if got := storetest.Count(t, st, store.TablePolls, ""); got != n {
		t.Fatalf("%d rows stored, want the batch's %d", got, n)
	}
}
