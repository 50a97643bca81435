// Package queue is alertlens's durable ingest queue: an append-only log of
// segment files on local disk. Producers (webhook, poller, importer) append
// rows and are answered only once the rows are on disk; the writer reads from
// a persisted cursor and drains to the store. A crash between the two loses
// nothing, because the cursor moves only after the store has the rows.
//
// On-disk format: segment files NNNNNNNNNNNNNNNNNNNN.seg, each a sequence of
// records [u32 payload length][u32 CRC-32C of payload][payload]. A payload is
// [i64 append time, unix ns][u16 sections]{[u16 len][table][u32 len][rows]}
// with rows as JSONEachRow. A record never spans segments. A torn record at
// the end of the newest segment (a crash mid-write) is cut off at Open: it was
// never acknowledged.
//
// Fsync policy: with FsyncAlways (the default), Append returns after
// fdatasync of the segment, so acknowledged rows survive power loss.
// Concurrent appends share one sync (group commit). With FsyncNever, Append
// returns after write(2): rows survive a kill -9 of alertlens but not a crash
// of the machine.
package queue

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ErrFull is returned by Append when the queue's disk budget is used up. The
// webhook answers 503 for it, so Alertmanager retries later.
var ErrFull = errors.New("queue: disk budget exhausted")

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("queue: closed")

// Reason says why an append failed in words a client may read: the
// conditions it can act on by name, anything else (whose text can carry
// the queue's file paths) only as a pointer to the service's log.
func Reason(err error) string {
	switch {
	case errors.Is(err, ErrFull):
		return "the queue's disk budget is exhausted"
	case errors.Is(err, ErrClosed):
		return "alertlens is shutting down"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "the request ended before its data was queued"
	default:
		return "the queue cannot be written (the service log says why)"
	}
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const (
	headerSize = 8
	// maxRecord bounds one record so a corrupt length cannot make the
	// reader allocate gigabytes.
	maxRecord = 1 << 30
)

// Section is the rows for one table in one record.
type Section struct {
	Table string
	// Version is the shape of the rows (the store's row version for the
	// table when they were made), so rows queued before an upgrade can be
	// brought to the new shape before they are written. 0 means 1.
	Version uint16
	Rows    []byte // JSONEachRow, every row ending in '\n'
}

// Producer is the durable queue as everything that feeds it (webhook,
// event intake, poller, importer) sees it.
type Producer interface {
	Append(ctx context.Context, sections ...Section) error
}

// sectionName writes a section's table and version as the record stores
// them: version 1 as the bare table name, which is also how records written
// before versions existed read.
func sectionName(s Section) string {
	if s.Version <= 1 {
		return s.Table
	}
	return s.Table + "@" + strconv.Itoa(int(s.Version))
}

func parseSectionName(name string) (string, uint16, error) {
	table, v, ok := strings.Cut(name, "@")
	if !ok {
		return name, 1, nil
	}
	n, err := strconv.ParseUint(v, 10, 16)
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("queue: section %q has no valid row version", name)
	}
	return table, uint16(n), nil
}

// Position is a place in the log: a segment and a byte offset in it.
type Position struct {
	Segment uint64 `json:"segment"`
	Offset  int64  `json:"offset"`
}

// Less orders positions.
func (p Position) Less(o Position) bool {
	return p.Segment < o.Segment || (p.Segment == o.Segment && p.Offset < o.Offset)
}

func (p Position) String() string { return fmt.Sprintf("%d:%d", p.Segment, p.Offset) }

// Record is one appended unit, read back.
type Record struct {
	Pos        Position // where it starts
	Next       Position // where the next record starts
	AppendedAt time.Time
	Sections   []Section
}

// Range is a half-open span of the log [Start, End).
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// Fsync policies.
const (
	FsyncAlways = "always"
	FsyncNever  = "never"
)

// Options configure a queue.
type Options struct {
	Dir          string
	MaxBytes     int64 // disk budget of unconsumed segments
	SegmentBytes int64
	Fsync        string
}

// Validate checks o, naming the bad field.
func (o Options) Validate() error {
	switch {
	case o.Dir == "":
		return errors.New("queue.dir: must be set")
	case o.SegmentBytes < 4096:
		return fmt.Errorf("queue.segment_bytes: %d is below 4096", o.SegmentBytes)
	case o.MaxBytes < o.SegmentBytes:
		return fmt.Errorf("queue.max_bytes: %d is below queue.segment_bytes (%d)", o.MaxBytes, o.SegmentBytes)
	case o.Fsync != FsyncAlways && o.Fsync != FsyncNever:
		return fmt.Errorf("queue.fsync: %q is neither %q nor %q", o.Fsync, FsyncAlways, FsyncNever)
	}
	return nil
}

type cursorFile struct {
	// ID names this queue among all that ever wrote to a store: positions
	// restart at the beginning in a new queue directory (another replica,
	// or a queue directory lost), and the store's insert deduplication
	// must not take their batches for ones it already has.
	ID        string   `json:"id"`
	Committed Position `json:"committed"`
	Inflight  *Range   `json:"inflight,omitempty"`
}

type appendReq struct {
	recs [][]byte // appended together, or none of them (budget)
	done chan error
	end  *Position // set, when not nil, to the position after the last record
}

// Queue is the durable log. Append is safe for concurrent use; reading and
// committing belong to one consumer (the writer).
type Queue struct {
	opts Options
	log  *slog.Logger

	reqs    chan appendReq
	stop    chan struct{}
	stopped chan struct{}
	notify  chan struct{}

	mu       sync.Mutex
	segments []uint64         // existing segment ids, ascending
	sizes    map[uint64]int64 // durable size of each segment
	active   *os.File         // newest segment, open for append
	cursor   cursorFile       // as last persisted
	readers  map[uint64]*os.File
	oldestAt time.Time // append time of the record at the cursor, zero if empty
	pending  int64     // written but not yet synced: invisible to Read

	closeMu sync.RWMutex
	closed  bool

	queued *prometheus.CounterVec
	full   prometheus.Counter
}

// Open opens (or creates) the queue in opts.Dir, recovering from a crash:
// a torn tail record is cut off, and segments wholly before the cursor are
// removed.
//
// reg may be nil (no metrics).
func Open(opts Options, log *slog.Logger, reg prometheus.Registerer) (*Queue, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("queue: creating %s: %w", opts.Dir, err)
	}
	q := &Queue{
		opts: opts, log: log,
		reqs: make(chan appendReq, 1024), stop: make(chan struct{}), stopped: make(chan struct{}),
		notify: make(chan struct{}, 1), sizes: map[uint64]int64{}, readers: map[uint64]*os.File{},
	}
	q.queued = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "alertlens_rows_queued_total", Help: "Rows durably appended to the ingest queue, by table.",
	}, []string{"table"})
	q.full = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "alertlens_queue_full_total", Help: "Appends refused because the queue's disk budget was used up.",
	})
	if reg != nil {
		reg.MustRegister(q.queued, q.full)
	}
	if err := q.loadCursor(); err != nil {
		return nil, err
	}
	if err := q.scanSegments(); err != nil {
		return nil, err
	}
	go q.appendLoop()
	return q, nil
}

func segName(id uint64) string { return fmt.Sprintf("%020d.seg", id) }

func (q *Queue) loadCursor() error {
	b, err := os.ReadFile(filepath.Join(q.opts.Dir, "cursor.json"))
	switch {
	case errors.Is(err, os.ErrNotExist):
		q.cursor = cursorFile{Committed: Position{Segment: 1}}
	case err != nil:
		return fmt.Errorf("queue: reading cursor: %w", err)
	default:
		if err := json.Unmarshal(b, &q.cursor); err != nil {
			return fmt.Errorf("queue: cursor file %s is corrupt: %w", filepath.Join(q.opts.Dir, "cursor.json"), err)
		}
	}
	if q.cursor.ID != "" {
		return nil
	}
	// A new queue, or one written before queues had an ID (an in-flight
	// batch of that one is retried under the new ID: the store may then
	// keep it twice, once).
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return fmt.Errorf("queue: making its ID: %w", err)
	}
	q.cursor.ID = hex.EncodeToString(id[:])
	return q.saveCursor(q.cursor)
}

// ID names this queue: it is made when the queue directory is, and kept.
func (q *Queue) ID() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.cursor.ID
}

func (q *Queue) scanSegments() error {
	entries, err := os.ReadDir(q.opts.Dir)
	if err != nil {
		return fmt.Errorf("queue: listing %s: %w", q.opts.Dir, err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".seg")
		if !ok {
			continue
		}
		id, err := strconv.ParseUint(name, 10, 64)
		if err != nil {
			continue
		}
		if id < q.cursor.Committed.Segment {
			if err := os.Remove(filepath.Join(q.opts.Dir, e.Name())); err != nil {
				return fmt.Errorf("queue: removing consumed segment: %w", err)
			}
			continue
		}
		q.segments = append(q.segments, id)
	}
	sort.Slice(q.segments, func(i, j int) bool { return q.segments[i] < q.segments[j] })
	if len(q.segments) == 0 {
		q.segments = []uint64{q.cursor.Committed.Segment}
	}
	for _, id := range q.segments[:len(q.segments)-1] {
		st, err := os.Stat(filepath.Join(q.opts.Dir, segName(id)))
		if err != nil {
			return fmt.Errorf("queue: %w", err)
		}
		q.sizes[id] = st.Size()
	}
	last := q.segments[len(q.segments)-1]
	f, err := os.OpenFile(filepath.Join(q.opts.Dir, segName(last)), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("queue: opening segment: %w", err)
	}
	valid, err := validLength(f)
	if err != nil {
		_ = f.Close()
		return err
	}
	if st, _ := f.Stat(); st != nil && st.Size() != valid {
		q.log.LogAttrs(context.Background(), slog.LevelWarn, "queue: cutting off torn tail record",
			slog.String("segment", segName(last)), slog.Int64("valid_bytes", valid), slog.Int64("file_bytes", st.Size()))
		if err := f.Truncate(valid); err != nil {
			_ = f.Close()
			return fmt.Errorf("queue: truncating torn tail: %w", err)
		}
	}
	if _, err := f.Seek(valid, io.SeekStart); err != nil {
		_ = f.Close()
		return fmt.Errorf("queue: %w", err)
	}
	q.sizes[last] = valid
	q.active = f
	return syncDir(q.opts.Dir)
}

// validLength returns the length of the longest prefix of f made of whole,
// checksummed records.
func validLength(f *os.File) (int64, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("queue: %w", err)
	}
	var off int64
	hdr := make([]byte, headerSize)
	var buf []byte
	for {
		if _, err := io.ReadFull(f, hdr); err != nil {
			return off, nil
		}
		n := binary.LittleEndian.Uint32(hdr[0:4])
		if n > maxRecord {
			return off, nil
		}
		if cap(buf) < int(n) {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := io.ReadFull(f, buf); err != nil {
			return off, nil
		}
		if crc32.Checksum(buf, castagnoli) != binary.LittleEndian.Uint32(hdr[4:8]) {
			return off, nil
		}
		off += headerSize + int64(n)
	}
}

// EncodeRecord builds the bytes of one record.
func EncodeRecord(at time.Time, sections []Section) ([]byte, error) {
	size := headerSize + 8 + 2
	for _, s := range sections {
		if len(sectionName(s)) > 0xffff || int64(len(s.Rows)) > maxRecord {
			return nil, fmt.Errorf("queue: section for %q too large", s.Table)
		}
		size += 2 + len(sectionName(s)) + 4 + len(s.Rows)
	}
	if len(sections) > 0xffff || size-headerSize > maxRecord {
		return nil, fmt.Errorf("queue: record of %d bytes exceeds the %d-byte limit", size, maxRecord)
	}
	b := make([]byte, headerSize, size)
	b = binary.LittleEndian.AppendUint64(b, uint64(at.UnixNano()))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(sections)))
	for _, s := range sections {
		name := sectionName(s)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(name)))
		b = append(b, name...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(s.Rows)))
		b = append(b, s.Rows...)
	}
	payload := b[headerSize:]
	binary.LittleEndian.PutUint32(b[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(b[4:8], crc32.Checksum(payload, castagnoli))
	return b, nil
}

func decodePayload(p []byte) (time.Time, []Section, error) {
	if len(p) < 10 {
		return time.Time{}, nil, errors.New("queue: record payload too short")
	}
	at := time.Unix(0, int64(binary.LittleEndian.Uint64(p[0:8])))
	n := int(binary.LittleEndian.Uint16(p[8:10]))
	p = p[10:]
	secs := make([]Section, 0, n)
	for range n {
		if len(p) < 2 {
			return at, nil, errors.New("queue: record truncated in table name length")
		}
		tl := int(binary.LittleEndian.Uint16(p))
		p = p[2:]
		if len(p) < tl+4 {
			return at, nil, errors.New("queue: record truncated in table name")
		}
		table, version, err := parseSectionName(string(p[:tl]))
		if err != nil {
			return at, nil, err
		}
		p = p[tl:]
		rl := int(binary.LittleEndian.Uint32(p))
		p = p[4:]
		if len(p) < rl {
			return at, nil, errors.New("queue: record truncated in rows")
		}
		secs = append(secs, Section{Table: table, Version: version, Rows: p[:rl:rl]})
		p = p[rl:]
	}
	return at, secs, nil
}

// Append writes sections as one record and returns once it is durable per
// the fsync policy. It returns ErrFull when the disk budget would be
// exceeded; nothing of the record is kept then.
func (q *Queue) Append(ctx context.Context, sections ...Section) error {
	rec, err := EncodeRecord(time.Now(), sections)
	if err != nil {
		return err
	}
	if err := q.AppendEncoded(ctx, rec); err != nil {
		if errors.Is(err, ErrFull) {
			q.full.Inc()
		}
		return err
	}
	for _, s := range sections {
		q.queued.WithLabelValues(s.Table).Add(float64(countLines(s.Rows)))
	}
	return nil
}

// AppendEncoded appends a record made by EncodeRecord.
func (q *Queue) AppendEncoded(ctx context.Context, rec []byte) error {
	return q.send(ctx, appendReq{recs: [][]byte{rec}, done: make(chan error, 1)})
}

// AppendAll appends records (each one record's sections) together: the
// disk budget is checked for all of them at once, so when the queue is full
// none is kept. It returns the position after the last one, which the
// writer has passed once all of them are in the store. (A crash in the
// middle of the write can leave a prefix of them, like any producer's
// records before a crash.)
func (q *Queue) AppendAll(ctx context.Context, records [][]Section) (Position, error) {
	req := appendReq{done: make(chan error, 1), end: new(Position)}
	var queued []Section
	for _, secs := range records {
		rec, err := EncodeRecord(time.Now(), secs)
		if err != nil {
			return Position{}, err
		}
		req.recs = append(req.recs, rec)
		queued = append(queued, secs...)
	}
	if len(req.recs) == 0 {
		committed, _ := q.Cursor()
		return committed, nil
	}
	if err := q.send(ctx, req); err != nil {
		if errors.Is(err, ErrFull) {
			q.full.Inc()
		}
		return Position{}, err
	}
	for _, s := range queued {
		q.queued.WithLabelValues(s.Table).Add(float64(countLines(s.Rows)))
	}
	return *req.end, nil
}

// Stored reports whether the writer has stored everything before pos.
func (q *Queue) Stored(pos Position) bool {
	committed, _ := q.Cursor()
	return !committed.Less(pos)
}

func (q *Queue) send(ctx context.Context, req appendReq) error {
	// The read lock keeps Close from stopping the loop between our check
	// and our send: every request sent is answered.
	q.closeMu.RLock()
	if q.closed {
		q.closeMu.RUnlock()
		return ErrClosed
	}
	select {
	case q.reqs <- req:
	case <-ctx.Done():
		q.closeMu.RUnlock()
		return ctx.Err()
	}
	q.closeMu.RUnlock()
	// Once handed over, the record may be written whatever ctx does, so the
	// caller must learn the outcome: wait for it.
	return <-req.done
}

func (q *Queue) appendLoop() {
	defer close(q.stopped)
	for {
		var batch []appendReq
		select {
		case r := <-q.reqs:
			batch = append(batch, r)
		case <-q.stop:
			// Answer whatever is still waiting.
			for {
				select {
				case r := <-q.reqs:
					r.done <- ErrClosed
				default:
					return
				}
			}
		}
	gather:
		for len(batch) < 512 {
			select {
			case r := <-q.reqs:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		q.writeBatch(batch)
	}
}

// diskBytesLocked is what the segment files hold on disk: the budget is
// about the disk, and a consumed part of a segment stays there until the
// whole segment is removed.
func (q *Queue) diskBytesLocked() int64 {
	var n int64
	for _, s := range q.sizes {
		n += s
	}
	return n + q.pending
}

// unwrittenBytesLocked is what the writer has not stored yet.
func (q *Queue) unwrittenBytesLocked() int64 {
	return q.diskBytesLocked() - q.cursor.Committed.Offset
}

func (q *Queue) writeBatch(batch []appendReq) {
	results := make([]error, len(batch))
	wrote := false
	var failed error
	for i, r := range batch {
		total := int64(0)
		for _, rec := range r.recs {
			total += int64(len(rec))
		}
		q.mu.Lock()
		if q.diskBytesLocked()+total > q.opts.MaxBytes {
			q.mu.Unlock()
			results[i] = ErrFull
			continue
		}
		q.mu.Unlock()
		for _, rec := range r.recs {
			q.mu.Lock()
			active := q.segments[len(q.segments)-1]
			size := q.sizes[active] + q.pending
			q.mu.Unlock()
			if size > 0 && size+int64(len(rec)) > q.opts.SegmentBytes {
				if err := q.roll(); err != nil {
					failed = err
				}
			}
			if failed == nil {
				if _, err := q.active.Write(rec); err != nil {
					failed = diskFull(fmt.Errorf("queue: writing segment: %w", err))
					// A partial write leaves a torn record: cut it off so the
					// next record starts on a boundary.
					q.mu.Lock()
					end := q.sizes[q.segments[len(q.segments)-1]] + q.pending
					q.mu.Unlock()
					_ = q.active.Truncate(end)
					_, _ = q.active.Seek(end, io.SeekStart)
				}
			}
			if failed != nil {
				break
			}
			wrote = true
			q.mu.Lock()
			q.pendingGrow(int64(len(rec)))
			if r.end != nil {
				seg := q.segments[len(q.segments)-1]
				*r.end = Position{Segment: seg, Offset: q.sizes[seg] + q.pending}
			}
			q.mu.Unlock()
		}
		if failed != nil {
			results[i] = failed
		}
	}
	if wrote && q.opts.Fsync == FsyncAlways {
		if err := q.active.Sync(); err != nil {
			err = diskFull(fmt.Errorf("queue: fsync: %w", err))
			for i := range results {
				if results[i] == nil {
					results[i] = err
				}
			}
		}
	}
	q.mu.Lock()
	q.publishLocked()
	q.mu.Unlock()
	for i, r := range batch {
		r.done <- results[i]
	}
	if wrote {
		select {
		case q.notify <- struct{}{}:
		default:
		}
	}
}

// diskFull makes a write that failed for want of space a full queue: the
// producer answers "retry later", as for the disk budget.
func diskFull(err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w (the disk itself is full: %w)", ErrFull, err)
	}
	return err
}

// pending holds bytes written but not yet visible to the reader: a record
// becomes readable only after the sync that makes it durable, so the writer
// never stores a row that a crash could still take back from the producer.
func (q *Queue) pendingGrow(n int64) { q.pending += n }

func (q *Queue) publishLocked() {
	q.sizes[q.segments[len(q.segments)-1]] += q.pending
	q.pending = 0
}

func (q *Queue) roll() error {
	// Publish and sync what the old segment holds before leaving it.
	if err := q.active.Sync(); err != nil {
		return fmt.Errorf("queue: fsync before roll: %w", err)
	}
	q.mu.Lock()
	q.publishLocked()
	next := q.segments[len(q.segments)-1] + 1
	q.mu.Unlock()
	f, err := os.OpenFile(filepath.Join(q.opts.Dir, segName(next)), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("queue: creating segment: %w", err)
	}
	if err := syncDir(q.opts.Dir); err != nil {
		_ = f.Close()
		return err
	}
	old := q.active
	q.mu.Lock()
	q.segments = append(q.segments, next)
	q.sizes[next] = 0
	q.active = f
	q.mu.Unlock()
	return old.Close()
}

// Notify returns a channel that receives after appends (coalesced).
func (q *Queue) Notify() <-chan struct{} { return q.notify }

// Cursor returns the persisted cursor: everything before Committed is in the
// store; Inflight, if set, is a batch that may or may not be.
func (q *Queue) Cursor() (Position, *Range) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.cursor.Committed, q.cursor.Inflight
}

// Read returns records from pos, up to maxRows rows (at least one record if
// any is readable), and the position after the last one.
func (q *Queue) Read(pos Position, maxRows int) ([]Record, Position, error) {
	var out []Record
	rows := 0
	for rows < maxRows || len(out) == 0 {
		rec, ok, err := q.readOne(pos)
		if err != nil {
			return out, pos, err
		}
		if !ok {
			break
		}
		out = append(out, rec)
		for _, s := range rec.Sections {
			rows += countLines(s.Rows)
		}
		pos = rec.Next
	}
	return out, pos, nil
}

// ReadRange returns exactly the records in r.
func (q *Queue) ReadRange(r Range) ([]Record, error) {
	var out []Record
	pos := r.Start
	for pos.Less(r.End) {
		rec, ok, err := q.readOne(pos)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("queue: range %s-%s ends past the log at %s", r.Start, r.End, pos)
		}
		out = append(out, rec)
		pos = rec.Next
	}
	return out, nil
}

// CorruptError reports a record that fails its checksum inside the log (not
// at its tail): the rest of that segment cannot be trusted.
type CorruptError struct {
	Pos Position
	Err error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("queue: corrupt record at %s: %v", e.Pos, e.Err)
}

func (q *Queue) readOne(pos Position) (Record, bool, error) {
	q.mu.Lock()
	size, exists := q.sizes[pos.Segment]
	last := q.segments[len(q.segments)-1]
	q.mu.Unlock()
	if !exists {
		if pos.Segment < last {
			return Record{}, false, &CorruptError{Pos: pos, Err: errors.New("segment missing")}
		}
		return Record{}, false, nil
	}
	if pos.Offset >= size {
		if pos.Segment < last {
			return q.readOne(Position{Segment: pos.Segment + 1})
		}
		return Record{}, false, nil
	}
	f, err := q.reader(pos.Segment)
	if err != nil {
		return Record{}, false, err
	}
	hdr := make([]byte, headerSize)
	if _, err := f.ReadAt(hdr, pos.Offset); err != nil {
		return Record{}, false, &CorruptError{Pos: pos, Err: err}
	}
	n := binary.LittleEndian.Uint32(hdr[0:4])
	if n > maxRecord || pos.Offset+headerSize+int64(n) > size {
		return Record{}, false, &CorruptError{Pos: pos, Err: fmt.Errorf("bad record length %d", n)}
	}
	payload := make([]byte, n)
	if _, err := f.ReadAt(payload, pos.Offset+headerSize); err != nil {
		return Record{}, false, &CorruptError{Pos: pos, Err: err}
	}
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(hdr[4:8]) {
		return Record{}, false, &CorruptError{Pos: pos, Err: errors.New("checksum mismatch")}
	}
	at, secs, err := decodePayload(payload)
	if err != nil {
		return Record{}, false, &CorruptError{Pos: pos, Err: err}
	}
	return Record{Pos: pos, Next: Position{pos.Segment, pos.Offset + headerSize + int64(n)}, AppendedAt: at, Sections: secs}, true, nil
}

func (q *Queue) reader(seg uint64) (*os.File, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if f, ok := q.readers[seg]; ok {
		return f, nil
	}
	f, err := os.Open(filepath.Join(q.opts.Dir, segName(seg)))
	if err != nil {
		return nil, fmt.Errorf("queue: opening segment for read: %w", err)
	}
	q.readers[seg] = f
	return f, nil
}

// SkipSegment returns the start of the segment after pos's, for a consumer
// that met a CorruptError and must move on.
func (q *Queue) SkipSegment(pos Position) Position { return Position{Segment: pos.Segment + 1} }

// SetInflight persists that the records in r are being written to the store,
// so that after a crash exactly the same batch is retried.
func (q *Queue) SetInflight(r Range) error {
	q.mu.Lock()
	c := q.cursor
	q.mu.Unlock()
	c.Inflight = &r
	return q.saveCursor(c)
}

// Commit persists that everything before pos is in the store, and removes
// segments wholly before it. The oldest-unwritten age is unknown again until
// the consumer reads on (SetOldest).
func (q *Queue) Commit(pos Position) error {
	if err := q.saveCursor(cursorFile{ID: q.ID(), Committed: pos}); err != nil {
		return err
	}
	q.mu.Lock()
	var drop []uint64
	keep := q.segments[:0]
	for _, s := range q.segments {
		if s < pos.Segment && s != q.segments[len(q.segments)-1] {
			drop = append(drop, s)
			delete(q.sizes, s)
			if f, ok := q.readers[s]; ok {
				_ = f.Close()
				delete(q.readers, s)
			}
			continue
		}
		keep = append(keep, s)
	}
	q.segments = keep
	q.oldestAt = time.Time{}
	q.mu.Unlock()
	for _, s := range drop {
		if err := os.Remove(filepath.Join(q.opts.Dir, segName(s))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("queue: removing consumed segment: %w", err)
		}
	}
	return nil
}

func (q *Queue) saveCursor(c cursorFile) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("queue: encoding cursor: %w", err)
	}
	tmp := filepath.Join(q.opts.Dir, "cursor.json.tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return fmt.Errorf("queue: writing cursor: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return fmt.Errorf("queue: writing cursor: %w", err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("queue: fsync cursor: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("queue: closing cursor: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(q.opts.Dir, "cursor.json")); err != nil {
		return fmt.Errorf("queue: replacing cursor: %w", err)
	}
	if err := syncDir(q.opts.Dir); err != nil {
		return err
	}
	q.mu.Lock()
	q.cursor = c
	q.mu.Unlock()
	return nil
}

// Stats is a snapshot for metrics.
type Stats struct {
	Bytes    int64     // unconsumed bytes on disk
	OldestAt time.Time // append time of the oldest unwritten record, zero if none known
}

// Stats returns the queue's size.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return Stats{Bytes: q.unwrittenBytesLocked(), OldestAt: q.oldestAt}
}

// SetOldest records the append time of the oldest unwritten record, as the
// consumer learns it.
func (q *Queue) SetOldest(t time.Time) {
	q.mu.Lock()
	q.oldestAt = t
	q.mu.Unlock()
}

// Close stops accepting appends and closes files. Records already
// acknowledged stay on disk for the next Open.
func (q *Queue) Close() error {
	q.closeMu.Lock()
	if q.closed {
		q.closeMu.Unlock()
		return nil
	}
	q.closed = true
	q.closeMu.Unlock()
	close(q.stop)
	<-q.stopped
	q.mu.Lock()
	defer q.mu.Unlock()
	var errs []error
	for _, f := range q.readers {
		errs = append(errs, f.Close())
	}
	errs = append(errs, q.active.Close())
	return errors.Join(errs...)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("queue: opening dir for fsync: %w", err)
	}
	defer func() { _ = d.Close() }()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("queue: fsync dir: %w", err)
	}
	return nil
}

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}
