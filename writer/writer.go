// Package writer drains the ingest queue into the store in batches.
//
// Exactly once: before a batch is inserted its range is persisted as the
// queue's in-flight batch, and each table's rows are inserted with a
// deduplication token derived from that range and the queue's ID (another
// queue, e.g. another replica's, has the same positions), so a batch
// inserted twice lands once. After a crash the same range is re-read and
// each table gets the rows it does not hold yet, compared by content: the
// engine can keep a token whose rows a kill discarded, so tokens alone
// would lose that batch. A batch whose insert failed is retried the same
// way, for the same reason. The cursor moves only after every table of the
// batch is in.
package writer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/alertlens/alertlens/queue"
	"github.com/alertlens/alertlens/store"
)

// Inserter is the part of the store the writer needs.
type Inserter interface {
	Insert(ctx context.Context, table string, rows []byte, token string) error
	// InsertMissing writes the rows the table does not hold yet: the batch
	// in flight at the last stop is written again with it, because the
	// engine may hold that batch's token without its rows (store.Store's
	// InsertMissing says how).
	InsertMissing(ctx context.Context, table string, rows []byte) (int, error)
}

// Options configure batching and retries.
type Options struct {
	BatchRows     int           // flush when this many rows are pending
	FlushInterval time.Duration // or when the oldest pending row is this old
	DeadLetter    string        // file receiving rows the store rejects
	MinBackoff    time.Duration
	MaxBackoff    time.Duration
}

// Validate checks o, naming the bad field.
func (o Options) Validate() error {
	switch {
	case o.BatchRows < 1:
		return fmt.Errorf("queue.batch_rows: %d must be at least 1", o.BatchRows)
	case o.FlushInterval <= 0:
		return fmt.Errorf("queue.flush_interval: %s must be positive", o.FlushInterval)
	case o.DeadLetter == "":
		return errors.New("queue.dead_letter: must be set")
	case o.MinBackoff <= 0 || o.MaxBackoff < o.MinBackoff:
		return fmt.Errorf("queue.retry_backoff: min %s / max %s are not a valid range", o.MinBackoff, o.MaxBackoff)
	}
	return nil
}

type metrics struct {
	written      *prometheus.CounterVec
	retried      prometheus.Counter
	deadLettered *prometheus.CounterVec
	latency      prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer, q *queue.Queue) *metrics {
	m := &metrics{
		written: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alertlens_rows_written_total", Help: "Rows written from the ingest queue to the store, by table.",
		}, []string{"table"}),
		retried: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alertlens_store_write_retries_total", Help: "Store inserts that failed and were retried.",
		}),
		deadLettered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alertlens_rows_dead_lettered_total", Help: "Rows the store rejected as invalid, moved to the dead-letter file, by table.",
		}, []string{"table"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "alertlens_store_write_duration_seconds", Help: "Duration of one successful insert into the store.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
	}
	for _, t := range store.Tables() {
		m.written.WithLabelValues(t)
		m.deadLettered.WithLabelValues(t)
	}
	if reg != nil {
		reg.MustRegister(m.written, m.retried, m.deadLettered, m.latency,
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "alertlens_queue_bytes", Help: "Bytes of the ingest queue on disk not yet written to the store.",
			}, func() float64 { return float64(q.Stats().Bytes) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "alertlens_queue_oldest_unwritten_age_seconds", Help: "Age of the oldest row in the queue not yet in the store (0 when empty).",
			}, func() float64 {
				if t := q.Stats().OldestAt; !t.IsZero() {
					return time.Since(t).Seconds()
				}
				return 0
			}))
	}
	return m
}

// Writer drains one queue into one store.
type Writer struct {
	q    *queue.Queue
	st   Inserter
	opts Options
	log  *slog.Logger
	m    *metrics

	dlMu sync.Mutex

	// failingSince is when the current run of failed inserts began (unix
	// nanoseconds; 0 while inserts succeed).
	failingSince atomic.Int64
	// reason is why the last insert failed, when a client may be told.
	reason atomic.Pointer[string]

	drained     chan struct{}
	drainedOnce sync.Once

	// bufs holds each table's batch between batches: growing a fresh
	// multi-megabyte slice for every batch cost the intake about a tenth
	// of its CPU (copies, zeroing and page faults). Only Run's goroutine
	// touches it.
	bufs map[string][]byte
}

// maxKeptBuf bounds what bufs keeps of a batch's rows between batches.
const maxKeptBuf = 64 << 20

// Healthy returns an error while the store has refused every insert for at
// least d (a full disk, a lost server): the service is then not ready,
// however well it still takes input into its queue. It recovers by itself
// at the first insert that succeeds.
func (w *Writer) Healthy(d time.Duration) error {
	since := w.failingSince.Load()
	if since == 0 || time.Since(time.Unix(0, since)) < d {
		return nil
	}
	// Each refusal is in the log; the store's own text is not for clients.
	err := fmt.Errorf("the store has refused every write for %s", time.Since(time.Unix(0, since)).Round(time.Second))
	if r := w.reason.Load(); r != nil && *r != "" {
		err = fmt.Errorf("%w (%s)", err, *r)
	}
	return err
}

// Drained is closed the first time the writer finds the queue empty, i.e.
// once everything queued before this start is in the store.
func (w *Writer) Drained() <-chan struct{} { return w.drained }

// New makes a writer. reg may be nil.
func New(q *queue.Queue, st Inserter, opts Options, log *slog.Logger, reg prometheus.Registerer) (*Writer, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Writer{q: q, st: st, opts: opts, log: log, m: newMetrics(reg, q), drained: make(chan struct{}), bufs: map[string][]byte{}}, nil
}

// Run drains the queue until ctx is done; then it keeps draining what is
// already queued until drainCtx is done or the queue is empty, so a clean
// shutdown leaves nothing behind when the store is up.
func (w *Writer) Run(ctx, drainCtx context.Context) error {
	pos, inflight := w.q.Cursor()
	if inflight != nil {
		w.log.LogAttrs(ctx, slog.LevelInfo, "writer: retrying the batch in flight at the last stop",
			slog.String("start", inflight.Start.String()), slog.String("end", inflight.End.String()))
		recs, err := w.q.ReadRange(*inflight)
		if err != nil {
			return fmt.Errorf("writer: re-reading in-flight batch: %w", err)
		}
		if err := w.writeBatch(drainCtx, recs, *inflight, w.putMissing); err != nil {
			return err
		}
		pos = inflight.End
	}
	var pending []queue.Record
	pendingRows := 0
	start := pos
	draining := false
	timer := time.NewTimer(w.opts.FlushInterval)
	defer timer.Stop()
	for {
		recs, next, err := w.q.Read(pos, w.opts.BatchRows-pendingRows)
		var ce *queue.CorruptError
		if err != nil && !errors.As(err, &ce) {
			return fmt.Errorf("writer: reading queue: %w", err)
		}
		for _, r := range recs {
			for _, s := range r.Sections {
				pendingRows += store.CountRows(s.Rows)
			}
		}
		pending = append(pending, recs...)
		pos = next
		if len(pending) > 0 {
			w.q.SetOldest(pending[0].AppendedAt)
		}
		if ce != nil {
			// The rest of this segment cannot be read. Store what came
			// before it (a batch that ends at the last good record, so a
			// restart can re-read it), then move past the segment.
			w.log.LogAttrs(ctx, slog.LevelError, "writer: skipping corrupt rest of segment", slog.String("at", ce.Pos.String()), slog.String("error", ce.Err.Error()))
			if len(pending) > 0 {
				if err := w.writeBatch(drainCtx, pending, queue.Range{Start: start, End: pos}, w.putByToken); err != nil {
					return err
				}
			}
			pos = w.q.SkipSegment(ce.Pos)
			if err := w.q.Commit(pos); err != nil {
				return fmt.Errorf("writer: %w", err)
			}
			pending, pendingRows, start = nil, 0, pos
			continue
		}
		full := pendingRows >= w.opts.BatchRows
		old := len(pending) > 0 && time.Since(pending[0].AppendedAt) >= w.opts.FlushInterval
		if full || old || (draining && len(pending) > 0) {
			if err := w.writeBatch(drainCtx, pending, queue.Range{Start: start, End: pos}, w.putByToken); err != nil {
				return err
			}
			pending, pendingRows, start = nil, 0, pos
			continue
		}
		if len(recs) > 0 {
			continue // more may be readable right away
		}
		if len(pending) == 0 {
			w.drainedOnce.Do(func() { close(w.drained) })
		}
		if draining {
			return nil
		}
		wait := w.opts.FlushInterval
		if len(pending) > 0 {
			wait = max(time.Millisecond, w.opts.FlushInterval-time.Since(pending[0].AppendedAt))
		}
		timer.Reset(wait)
		select {
		case <-w.q.Notify():
		case <-timer.C:
		case <-ctx.Done():
			draining = true
		}
		if drainCtx.Err() != nil {
			return nil
		}
	}
}

// put stores rows of one table and says how many it wrote.
type put func(ctx context.Context, table string, rows []byte, token string) (int, error)

// putByToken is how a batch is written: a retry whose token the engine has
// seen is dropped.
func (w *Writer) putByToken(ctx context.Context, table string, rows []byte, token string) (int, error) {
	return store.CountRows(rows), w.st.Insert(ctx, table, rows, token)
}

// putMissing is how the batch in flight at the last stop, and a batch
// after a failed try, is written again: each table gets the rows it does
// not hold yet (the engine may hold that batch's token without its rows)
// and what the store derives from them. Each try compares anew, so a try
// that failed after storing rows is not repeated.
func (w *Writer) putMissing(ctx context.Context, table string, rows []byte, _ string) (int, error) {
	n, err := w.st.InsertMissing(ctx, table, rows)
	if err == nil {
		w.log.LogAttrs(ctx, slog.LevelInfo, "writer: wrote what the store was missing of a batch written before",
			slog.String("table", table), slog.Int("rows", store.CountRows(rows)), slog.Int("missing", n))
	}
	return n, err
}

// writeBatch stores the records of r with put, retrying store outages until
// ctx ends.
func (w *Writer) writeBatch(ctx context.Context, recs []queue.Record, r queue.Range, put put) error {
	if err := w.q.SetInflight(r); err != nil {
		return fmt.Errorf("writer: %w", err)
	}
	tables := map[string][]byte{}
	// A table whose rows cannot be brought to the current shape goes
	// record by record, so only the bad ones are dead-lettered.
	oneByOne := map[string]bool{}
	for _, rec := range recs {
		for _, s := range rec.Sections {
			rows, err := store.UpgradeRows(s)
			switch {
			case store.IsRejected(err):
				oneByOne[s.Table] = true
				if _, ok := tables[s.Table]; !ok {
					tables[s.Table] = nil
				}
			case err != nil:
				return fmt.Errorf("writer: %w", err)
			default:
				b, ok := tables[s.Table]
				if !ok {
					b = w.bufs[s.Table][:0]
				}
				tables[s.Table] = append(b, rows...)
			}
		}
	}
	defer func() {
		for t, b := range tables {
			if cap(b) <= maxKeptBuf {
				w.bufs[t] = b
			}
		}
	}()
	names := make([]string, 0, len(tables))
	for t := range tables {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		token := fmt.Sprintf("b-%s-%s-%s-%s", w.q.ID(), r.Start, r.End, t)
		var err error
		if oneByOne[t] {
			err = w.insertEach(ctx, recs, t, put)
		} else if err = w.insert(ctx, put, t, tables[t], token); store.IsRejected(err) {
			// Find the bad rows: one record at a time, each with its own
			// token, so a crash here is retried the same way.
			err = w.insertEach(ctx, recs, t, put)
		}
		if err != nil {
			return err
		}
	}
	if err := w.q.Commit(r.End); err != nil {
		return fmt.Errorf("writer: %w", err)
	}
	return nil
}

func (w *Writer) insertEach(ctx context.Context, recs []queue.Record, table string, put put) error {
	for _, rec := range recs {
		for i, s := range rec.Sections {
			if s.Table != table {
				continue
			}
			token := fmt.Sprintf("r-%s-%s-%d-%s", w.q.ID(), rec.Pos, i, table)
			rows, err := store.UpgradeRows(s)
			if err == nil {
				err = w.insert(ctx, put, table, rows, token)
			}
			if store.IsRejected(err) {
				err = w.deadLetter(rec, s, err)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// insert puts rows, retrying everything but rejections with capped
// exponential backoff until it succeeds or ctx ends.
func (w *Writer) insert(ctx context.Context, put put, table string, rows []byte, token string) error {
	backoff := w.opts.MinBackoff
	for {
		t0 := time.Now()
		written, err := put(ctx, table, rows, token)
		if err == nil || store.IsRejected(err) {
			w.failingSince.Store(0) // the store answers
		} else {
			w.failingSince.CompareAndSwap(0, t0.UnixNano())
			var safe interface{ ClientReason() string }
			reason := ""
			if errors.As(err, &safe) {
				reason = safe.ClientReason()
			}
			w.reason.Store(&reason)
		}
		if err == nil {
			w.m.latency.Observe(time.Since(t0).Seconds())
			w.m.written.WithLabelValues(table).Add(float64(written))
			return nil
		}
		if store.IsRejected(err) {
			return err
		}
		w.m.retried.Inc()
		w.log.LogAttrs(ctx, slog.LevelWarn, "writer: store insert failed, will retry",
			slog.String("table", table), slog.Duration("backoff", backoff), slog.String("error", err.Error()))
		// A failed try may have left the engine holding the batch's token
		// without its rows (a server that died between the two), and a
		// retry with the token would be dropped: the retries compare by
		// content instead (which also sums up again rows stored without
		// their episode summaries).
		put = w.putMissing
		select {
		case <-ctx.Done():
			return fmt.Errorf("writer: giving up on %s insert (rows stay queued): %w", table, errors.Join(ctx.Err(), err))
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, w.opts.MaxBackoff)
	}
}

type deadLetterLine struct {
	At       time.Time `json:"at"`
	Position string    `json:"position"`
	Table    string    `json:"table"`
	Error    string    `json:"error"`
	Rows     string    `json:"rows"`
}

func (w *Writer) deadLetter(rec queue.Record, s queue.Section, cause error) error {
	w.dlMu.Lock()
	defer w.dlMu.Unlock()
	b, err := json.Marshal(deadLetterLine{At: time.Now().UTC(), Position: rec.Pos.String(), Table: s.Table, Error: cause.Error(), Rows: string(s.Rows)})
	if err != nil {
		return fmt.Errorf("writer: encoding dead letter: %w", err)
	}
	f, err := os.OpenFile(w.opts.DeadLetter, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("writer: opening dead-letter file: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		_ = f.Close()
		return fmt.Errorf("writer: writing dead letter: %w", err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("writer: fsync dead letter: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writer: closing dead-letter file: %w", err)
	}
	n := store.CountRows(s.Rows)
	w.m.deadLettered.WithLabelValues(s.Table).Add(float64(n))
	w.log.LogAttrs(context.Background(), slog.LevelError, "writer: store rejected rows, moved to dead-letter file",
		slog.String("table", s.Table), slog.Int("rows", n), slog.String("file", w.opts.DeadLetter), slog.String("error", cause.Error()))
	return nil
}
