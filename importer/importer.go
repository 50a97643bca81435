// Package importer replays recordings (recording.Line NDJSON) through the
// live code paths: webhook lines through webhook.Ingester, poll lines through
// the same per-source poller.Differ the live poller uses, in time order. So
// an imported recording gives the history live operation would have given.
package importer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/alertmanager/eventrecorder/eventrecorderpb"
	amwebhook "github.com/prometheus/alertmanager/notify/webhook"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/events"
	"github.com/alertlens/alertlens/httpauth"
	"github.com/alertlens/alertlens/poller"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/queue"
	"github.com/alertlens/alertlens/recording"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/webhook"
)

// Queue is the durable queue as an import uses it: all its records at once,
// and whether the writer has stored them.
type Queue interface {
	AppendAll(ctx context.Context, records [][]queue.Section) (queue.Position, error)
	Stored(pos queue.Position) bool
}

// Importer imports recordings. Imports run one at a time: each source's
// poll history must be diffed in order.
type Importer struct {
	mu         sync.Mutex
	q          Queue
	st         poller.Querier
	webhooks   *webhook.Handler
	limits     webhook.Limits
	dedup      time.Duration
	checkpoint time.Duration
	maxBytes   int64
	log        *slog.Logger
}

// New makes an importer.
func New(q Queue, st poller.Querier, webhooks *webhook.Handler, limits webhook.Limits, dedupWindow, checkpoint time.Duration, maxBytes int64, log *slog.Logger) *Importer {
	return &Importer{q: q, st: st, webhooks: webhooks, limits: limits, dedup: dedupWindow, checkpoint: checkpoint, maxBytes: maxBytes, log: log}
}

// Result is the answer of an import.
type Result struct {
	Lines int `json:"lines"`
	Rows  int `json:"rows"`
	// Readable: every row was in the store when the import answered (it
	// waits up to readableWait for the writer).
	Readable bool `json:"readable"`
	// AlreadyImported: the same recording was imported before; nothing was
	// stored again (lines and rows are the earlier import's).
	AlreadyImported bool `json:"already_imported"`
}

// Progress hears an import's phases as they go: "validating" and
// "replaying" count lines (done of total); "storing" waits for the writer
// (done and total are the import's rows).
type Progress func(phase string, done, total int64)

type progressKey struct{}

// WithProgress returns a context whose imports report to p.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

func report(ctx context.Context, phase string, done, total int64) {
	if p, ok := ctx.Value(progressKey{}).(Progress); ok {
		p(phase, done, total)
	}
}

// readableWait bounds how long an import waits for its rows to be stored.
const readableWait = 2 * time.Minute

// batcher collects an import's queue sections in memory, cut into large
// records, and appends them all at once at the end: a recording of many
// small lines would otherwise cost one fsync a line, and a queue that
// cannot take all of it takes none of it.
type batcher struct {
	secs    []queue.Section
	records [][]queue.Section
	rows    int
	all     int
}

func (b *batcher) Append(_ context.Context, secs ...queue.Section) error {
	for _, s := range secs {
		n := store.CountRows(s.Rows)
		b.rows += n
		b.all += n
	}
	b.secs = append(b.secs, secs...)
	return nil
}

func (b *batcher) cutIfLarge() {
	if b.rows >= 5000 {
		b.cut()
	}
}

// cut closes the record being collected.
func (b *batcher) cut() {
	if len(b.secs) == 0 {
		return
	}
	// Merge sections per table: fewer, larger sections.
	merged := map[string][]byte{}
	var order []string
	for _, s := range b.secs {
		if _, ok := merged[s.Table]; !ok {
			order = append(order, s.Table)
		}
		merged[s.Table] = append(merged[s.Table], s.Rows...)
	}
	secs := make([]queue.Section, 0, len(order))
	for _, t := range order {
		secs = append(secs, store.Section(t, merged[t]))
	}
	b.records = append(b.records, secs)
	b.secs, b.rows = nil, 0
}

// QueueError wraps a failure to queue: the client should retry (503).
type QueueError struct{ Err error }

func (e *QueueError) Error() string { return "cannot queue the import: " + e.Err.Error() }
func (e *QueueError) Unwrap() error { return e.Err }

// reason is the error's text for a client.
func (e *QueueError) reason() string { return "cannot queue the import: " + queue.Reason(e.Err) }

// Import parses and validates the whole recording first (a bad line stores
// nothing: *recording.LineError), then replays it. A recording imported
// before (the same bytes) is recognized and stores nothing again.
func (im *Importer) Import(ctx context.Context, r io.Reader) (Result, error) {
	h := sha256.New()
	lines, err := recording.Parse(io.TeeReader(r, h), config.ValidSourceName, int(im.maxBytes))
	if err != nil {
		return Result{}, err
	}
	return im.replay(ctx, lines, hex.EncodeToString(h.Sum(nil)))
}

// seen reports whether content was imported before, with what it gave.
func (im *Importer) seen(ctx context.Context, content string) (Result, bool, error) {
	out, err := im.st.Query(ctx, queries.SQL("import_seen"), map[string]string{"content": content})
	if err != nil {
		return Result{}, false, fmt.Errorf("checking earlier imports: %w", err)
	}
	var r struct {
		Seen  bool   `json:"seen"`
		Lines uint64 `json:"lines"`
		Rows  uint64 `json:"rows"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil {
		return Result{}, false, fmt.Errorf("checking earlier imports: %w", err)
	}
	return Result{Lines: int(r.Lines), Rows: int(r.Rows), Readable: true, AlreadyImported: r.Seen}, r.Seen, nil
}

// ImportEvents imports the event recorder's own JSONL file output (one
// event object a line, no source) as events of source, each at its own
// timestamp.
func (im *Importer) ImportEvents(ctx context.Context, r io.Reader, source string) (Result, error) {
	if !config.ValidSourceName(source) {
		return Result{}, fmt.Errorf("importing events: source %q is not a valid source name", source)
	}
	var lines []recording.Line
	h := sha256.New()
	h.Write([]byte("events\x00" + source + "\x00"))
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), int(im.maxBytes))
	for n := 1; sc.Scan(); n++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		ev, err := events.DecodeOne(raw, im.limits)
		if err != nil {
			return Result{}, &recording.LineError{Line: n, Err: err}
		}
		lines = append(lines, recording.Line{Kind: recording.KindEvent, At: ev.Timestamp.AsTime(), Source: source,
			Event: append(json.RawMessage(nil), raw...), Number: n})
		h.Write(raw)
		h.Write([]byte{'\n'})
	}
	if err := sc.Err(); err != nil {
		return Result{}, fmt.Errorf("reading events: %w", err)
	}
	return im.replay(ctx, lines, hex.EncodeToString(h.Sum(nil)))
}

func (im *Importer) replay(ctx context.Context, lines []recording.Line, content string) (Result, error) {
	// Every payload and event is decoded (and so validated) before anything
	// is stored.
	payloads := map[int]*amwebhook.Message{}
	evs := map[int]*eventrecorderpb.Event{}
	total := int64(len(lines))
	for i, l := range lines {
		report(ctx, "validating", int64(i), total)
		switch l.Kind {
		case recording.KindWebhook:
			msg, err := webhook.Decode(l.Payload, im.limits)
			if err != nil {
				return Result{}, &recording.LineError{Line: l.Number, Err: fmt.Errorf("payload: %w", err)}
			}
			payloads[l.Number] = msg
		case recording.KindPoll:
			if len(l.Alerts) > im.limits.MaxAlerts*100 {
				return Result{}, &recording.LineError{Line: l.Number, Err: fmt.Errorf("%d alerts in one poll exceed the limit of %d (100 × webhook.max_alerts)", len(l.Alerts), im.limits.MaxAlerts*100)}
			}
			for i, a := range l.Alerts {
				if err := webhook.CheckPolled(fmt.Sprintf("alerts[%d]", i), a, im.limits); err != nil {
					return Result{}, &recording.LineError{Line: l.Number, Err: err}
				}
			}
		case recording.KindEvent:
			ev, err := events.DecodeOne(l.Event, im.limits)
			if err != nil {
				return Result{}, &recording.LineError{Line: l.Number, Err: fmt.Errorf("event: %w", err)}
			}
			evs[l.Number] = ev
		}
	}
	recording.SortByTime(lines)

	im.mu.Lock()
	defer im.mu.Unlock()
	if earlier, ok, err := im.seen(ctx, content); err != nil || ok {
		return earlier, err
	}
	b := &batcher{}
	in := im.webhooks.ForImport(im.dedup, b)
	evIn := &events.Ingester{Queue: b, Limits: im.limits}
	differs := map[string]*poller.Differ{}
	differ := func(source string) (*poller.Differ, error) {
		if d, ok := differs[source]; ok {
			return d, nil
		}
		st, err := poller.LoadState(ctx, im.st, source, im.checkpoint)
		if err != nil {
			return nil, err
		}
		d := poller.NewDiffer(source, im.checkpoint, st)
		differs[source] = d
		return d, nil
	}
	for i, l := range lines {
		report(ctx, "replaying", int64(i), total)
		switch l.Kind {
		case recording.KindWebhook:
			if _, _, err := in.IngestDecoded(ctx, payloads[l.Number], l.Payload, l.Source, l.At); err != nil {
				return Result{}, &recording.LineError{Line: l.Number, Err: err}
			}
		case recording.KindPoll:
			d, err := differ(l.Source)
			if err != nil {
				return Result{}, err
			}
			snap := poller.Snapshot{At: l.At, Alerts: l.Alerts, Status: l.Status}
			if l.HasSilences {
				snap.Silences = l.Silences
			}
			if _, err := poller.Apply(ctx, d, b, snap); err != nil {
				return Result{}, err
			}
		case recording.KindEvent:
			if _, err := evIn.Add(ctx, []*eventrecorderpb.Event{evs[l.Number]}, l.Source, l.At); err != nil {
				return Result{}, &recording.LineError{Line: l.Number, Err: err}
			}
		case recording.KindPollError:
			d, err := differ(l.Source)
			if err != nil {
				return Result{}, err
			}
			sec, err := pollErrorSection(d, l)
			if err != nil {
				return Result{}, err
			}
			if err := b.Append(ctx, sec); err != nil {
				return Result{}, err
			}
		}
		b.cutIfLarge()
	}
	b.cut()
	// The import's own row goes with its last record: stored together.
	mark, err := store.EncodeRows(nil, []store.Import{{ImportedAt: store.T(time.Now()), Content: content, Lines: uint64(len(lines)), Rows: uint64(b.all)}})
	if err != nil {
		return Result{}, err
	}
	if n := len(b.records); n > 0 {
		b.records[n-1] = append(b.records[n-1], store.Section(store.TableImports, mark))
	} else {
		b.records = [][]queue.Section{{store.Section(store.TableImports, mark)}}
	}
	end, err := im.q.AppendAll(ctx, b.records)
	if err != nil {
		return Result{}, &QueueError{Err: err}
	}
	res := Result{Lines: len(lines), Rows: b.all}
	wait, cancel := context.WithTimeout(ctx, readableWait)
	defer cancel()
	for !im.q.Stored(end) {
		report(ctx, "storing", int64(res.Rows), int64(res.Rows))
		select {
		case <-wait.Done():
			return res, nil
		case <-time.After(10 * time.Millisecond):
		}
	}
	res.Readable = true
	return res, nil
}

// Register adds POST /api/v1/import behind the API's auth.
func (im *Importer) Register(e *echo.Echo, auth config.Auth) {
	e.POST("/api/v1/import", im.serve, httpauth.Middleware(auth, "alertlens API"))
}

func (im *Importer) serve(c echo.Context) error {
	req := c.Request()
	if req.ContentLength > im.maxBytes {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "recording of "+strconv.FormatInt(req.ContentLength, 10)+" bytes exceeds the limit of "+strconv.FormatInt(im.maxBytes, 10)+" (api.max_import_bytes)")
	}
	// A large recording takes longer than an ordinary request to upload
	// and replay: this handler alone gets an hour for both (it is behind the
	// API's auth, and its size is bounded).
	rc := http.NewResponseController(c.Response().Writer)
	_ = rc.SetReadDeadline(time.Now().Add(time.Hour))
	_ = rc.SetWriteDeadline(time.Now().Add(time.Hour))
	body := http.MaxBytesReader(c.Response(), req.Body, im.maxBytes)
	format := c.QueryParam("format")
	switch format {
	case "", "recording":
	case "events":
		if src := c.QueryParam("source"); !config.ValidSourceName(src) {
			return echo.NewHTTPError(http.StatusBadRequest, "parameter source: "+strconv.Quote(src)+" is not a source name (format=events needs the source the events come from)")
		}
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "parameter format: "+strconv.Quote(format)+" is neither recording nor events")
	}
	run := func(ctx context.Context) (res Result, err error) {
		if format == "events" {
			res, err = im.ImportEvents(ctx, body, c.QueryParam("source"))
		} else {
			res, err = im.Import(ctx, body)
		}
		if err == nil {
			im.log.LogAttrs(ctx, slog.LevelInfo, "recording imported", slog.Int("lines", res.Lines), slog.Int("rows", res.Rows))
		}
		return res, err
	}
	if strings.Contains(req.Header.Get("Accept"), "application/x-ndjson") {
		return im.stream(c, run)
	}
	res, err := run(req.Context())
	if err != nil {
		return im.failure(c, err)
	}
	return c.JSON(http.StatusOK, res)
}

// stream answers an import as NDJSON progress lines, for a client that
// asks (Accept: application/x-ndjson) to show what the server is doing:
// {"phase","done","total"} when a phase starts and at most every 200 ms in
// it, then one last line, the
// result {"phase":"done","result":{…}} or {"phase":"failed","status":N,
// "error":"…"} with the status the plain answer would have had (the
// response itself is 200 once it started).
func (im *Importer) stream(c echo.Context, run func(context.Context) (Result, error)) error {
	w := c.Response()
	// The header goes out with the first line, once the recording has been
	// read: an HTTP/1 server that starts answering first would consume the
	// unread body.
	w.Header().Set(echo.HeaderContentType, "application/x-ndjson")
	enc := json.NewEncoder(w)
	line := func(v any) {
		_ = enc.Encode(v)
		w.Flush()
	}
	type progressLine struct {
		Phase string `json:"phase"`
		Done  int64  `json:"done"`
		Total int64  `json:"total"`
	}
	// The import reports from this goroutine: no lock.
	var last time.Time
	lastPhase := ""
	ctx := WithProgress(c.Request().Context(), func(phase string, done, total int64) {
		if phase == lastPhase && time.Since(last) < 200*time.Millisecond {
			return
		}
		last, lastPhase = time.Now(), phase
		line(progressLine{phase, done, total})
	})
	res, err := run(ctx)
	if err != nil {
		he := &echo.HTTPError{}
		if !errors.As(im.failure(c, err), &he) {
			he = echo.NewHTTPError(http.StatusServiceUnavailable, "import failed")
		}
		line(map[string]any{"phase": "failed", "status": he.Code, "error": fmt.Sprint(he.Message)})
		return nil
	}
	line(map[string]any{"phase": "done", "result": res})
	return nil
}

// failure turns an import's error into the HTTP error a client gets.
func (im *Importer) failure(c echo.Context, err error) error {
	req := c.Request()
	var le *recording.LineError
	var qe *QueueError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "recording exceeds the limit of "+strconv.FormatInt(im.maxBytes, 10)+" bytes (api.max_import_bytes)")
	case errors.As(err, &le):
		return echo.NewHTTPError(http.StatusBadRequest, le.Error())
	case err != nil:
		// Neither the queue's nor the store's own text reaches the client.
		im.log.LogAttrs(req.Context(), slog.LevelError, "import failed", slog.String("error", err.Error()))
		c.Response().Header().Set("Retry-After", "10")
		if errors.As(err, &qe) {
			return echo.NewHTTPError(http.StatusServiceUnavailable, qe.reason())
		}
		return echo.NewHTTPError(http.StatusServiceUnavailable, "import failed, retry later (the service log says why)")
	}
	return nil
}
