// Package analysis computes alertlens's answers: each analysis is a Go
// function with a typed input and a typed answer (package models) over SQL
// in package queries. The registry pairs each function with its descriptor,
// from which the HTTP API, the CLI and the Grafana plugin follow.
package analysis

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

// Querier runs a rendered SELECT with bound parameters and returns its rows
// as JSONEachRow.
type Querier interface {
	Query(ctx context.Context, sql string, params map[string]string) ([]byte, error)
}

// Options bound what one request may cost and carry the settings the
// definitions depend on.
type Options struct {
	// Database holds the tables the SQL reads.
	Database     string
	QueryTimeout time.Duration
	MaxRows      int
	// MaxQueryMemory bounds one read query's engine memory, in bytes.
	MaxQueryMemory int64
	// PollInterval is the poller's period: "within one poll interval" in
	// the failed-inhibition definition.
	PollInterval time.Duration
	// WorkingHours decide which notifications were out of hours.
	WorkingHours config.WorkingHours
	// SleepHours are the nights the weekly review counts pages in.
	SleepHours config.WorkingHours
	// NullReceivers notify nobody (unrouted alerts).
	NullReceivers []string
	// DedupWindow is the HA dedup window: deliveries of one key within it
	// of the delivery that counted count once.
	DedupWindow time.Duration
	// EpisodesFromRaw builds episodes from every raw row, not from the
	// day summaries (which need a positive DedupWindow to give the same
	// count of notifications).
	EpisodesFromRaw bool
	// SealMinSpan: statements read sealed episodes only when the seal
	// covers at least this much of their scan (0: any of its days).
	SealMinSpan time.Duration
}

// Analyzer runs the analyses on a store.
type Analyzer struct {
	st   Querier
	sql  *queries.Set
	opts Options
	log  *slog.Logger
	now  func() time.Time
}

// New makes an Analyzer. now may be nil (the wall clock).
func New(st Querier, opts Options, log *slog.Logger, now func() time.Time) (*Analyzer, error) {
	set, err := queries.NewSet(opts.Database)
	if err != nil {
		return nil, fmt.Errorf("analysis: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &Analyzer{st: st, sql: set, opts: opts, log: log, now: now}, nil
}

// Options returns the options the Analyzer was made with.
func (a *Analyzer) Options() Options { return a.opts }

// run executes the named statement with the given template data and the
// API's limits, and decodes each row into a new T.
func run[T any](ctx context.Context, a *Analyzer, name string, data queries.Data, params map[string]string) ([]T, error) {
	sql, params, err := a.statement(ctx, name, data, params)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	l, ok := a.st.(lender)
	if !ok {
		l = copied{a.st}
	}
	// The rows are decoded where the engine wrote them (the decoded rows
	// copy what they hold), not copied out first.
	var rows []T
	var decodeErr error
	err = l.QueryLent(ctx, sql, params, func(out []byte) error {
		a.logStatement(ctx, name, start, len(out), nil)
		rows, decodeErr = decodeRows[T](name, out, a.opts.MaxRows, decodeParts(), minDecodePart)
		return decodeErr
	})
	switch {
	case decodeErr != nil:
		return nil, decodeErr
	case err != nil:
		a.logStatement(ctx, name, start, 0, err)
		return nil, fmt.Errorf("query %s: %w", name, err)
	}
	return rows, nil
}

// lender is a Querier that can hand its rows over without copying them
// (store.Lender).
type lender interface {
	QueryLent(ctx context.Context, sql string, params map[string]string, use func(rows []byte) error) error
}

// copied lends a Querier's rows, which are its own copy.
type copied struct{ Querier }

func (c copied) QueryLent(ctx context.Context, sql string, params map[string]string, use func(rows []byte) error) error {
	out, err := c.Query(ctx, sql, params)
	if err != nil {
		return err
	}
	return use(out)
}

// statement renders the named statement with the limits and the settings
// the definitions depend on, and returns the parameters it binds. It reads
// kept episodes and notifications only when they were kept for its own
// window and filters, and sealed episodes when there is a seal current for
// its scan (see sealFor).
func (a *Analyzer) statement(ctx context.Context, name string, data queries.Data, params map[string]string) (string, map[string]string, error) {
	secs := max(1, int(a.opts.QueryTimeout.Seconds()))
	mem := a.opts.MaxQueryMemory
	if mem <= 0 {
		mem = 2 << 30
	}
	data.Settings = queries.Settings(secs, mem)
	data.Settings.InOrder = inOrder[name]
	data.Settings.IndexSetMax = indexSetMax[name]
	data.DedupMillis = a.opts.DedupWindow.Milliseconds()
	data.FromDays = a.fromDays()
	data.NotesFromDays = data.NotesFromDays && data.FromDays
	if !data.FromDays || !sameCore(data.KeptFor, params) {
		data.Kept = ""
	}
	if !sameNotes(data.KeptNotesFor, params) {
		data.KeptNotes = ""
	}
	want := sealReads{
		Episodes:  data.FromDays && data.Kept == "" && a.sql.BuildsEpisodes(name),
		Stretches: data.FromDays && a.sql.ReadsStretches(name),
		Muted:     data.FromDays && a.sql.ReadsMuted(name),
	}
	want.Notes = want.Episodes && data.NotesFromDays && data.HoursOnMinutes && data.KeptNotes == ""
	if want != (sealReads{}) {
		seal, reads := a.sealFor(ctx, params["scan_from"], want)
		data.Sealed, data.SealedStretches, data.SealedMuted, data.SealedNotes = reads.Episodes, reads.Stretches, reads.Muted, reads.Notes
		if reads != (sealReads{}) {
			params = maps.Clone(params)
			params["seal"] = strconv.FormatUint(seal.ID, 10)
			params["sealed_to"] = seal.To.Format(time.DateOnly)
			if reads.Episodes {
				params["sealed_last_start"] = seal.LastStart.UTC().Format(chTime)
			}
		}
	}
	sql, err := a.sql.Render(name, data)
	return sql, params, err
}

// sealer is a store that seals the episodes, stretches and muted time of
// finished months (see store.Store.SealEpisodes).
type sealer interface {
	SealInUse(ctx context.Context) (store.Seal, error)
}

// sealReads are the parts of a seal a statement reads (or would). Notes,
// the sealed episodes' counted notifications, only with Episodes.
type sealReads struct{ Episodes, Stretches, Muted, Notes bool }

// sealFor returns the newest seal and what a statement scanning from
// scanFrom reads from it, of what it asks for: the episodes when they are
// current, counted notifications with this dedup window, and the seal
// covers some of the scan's days, at least Options.SealMinSpan of them;
// the stretches when they are current and the seal covers some of the
// scan (their window then runs over fewer rows, whatever the span: loops
// over 30 days at a big Alertmanager's scale, 16 of the 37 days scanned
// sealed, 0.97-1.16 s against 1.30-1.46 s; the dedup window plays no part
// in a stretch); the muted time likewise, when the scan starts at a
// midnight (it is sealed per day; scans always do); the counted
// notifications with the episodes, when the seal has them. When the seal
// cannot be read, none (the statement then reads as it would with no
// seal).
//
// Reading sealed episodes has a cost of its own: they come unsorted,
// so every episode of the scan is sorted for the window that ends each at
// the next one's start, which the summaries, merged in their table's
// order, skip. Flapping at a big Alertmanager's scale, read sealed
// against merged, by window (and the sealed days of its scan): 7 days (5)
// 1.6-1.9x as long, 21 (7) 1.7x, 30 (16) 1.3-1.4x, 45 (31) 1.6-1.7x, 60
// (46) 0.8-1.1x, 75 (61) 1.2-1.3x, 90 (76) 0.84-0.91x; at 45 and 75 days
// episodes cross the scan's first midnight, which costs the sealed read
// more.
func (a *Analyzer) sealFor(ctx context.Context, scanFrom string, want sealReads) (store.Seal, sealReads) {
	s, isSealer := a.st.(sealer)
	from, err := time.Parse(chTime, scanFrom)
	if !isSealer || err != nil {
		return store.Seal{}, sealReads{}
	}
	sealedTo := store.SealedTo(a.now())
	want.Episodes = want.Episodes && covers(sealedTo, from, a.opts.SealMinSpan)
	want.Notes = want.Notes && want.Episodes
	want.Stretches = want.Stretches && covers(sealedTo, from, 0)
	want.Muted = want.Muted && covers(sealedTo, from, 0) && from.Equal(from.Truncate(24*time.Hour))
	// A seal covers months before the one it was made in: a scan that
	// reaches too little of them needs none, and does not look (7 ms a
	// statement).
	if want == (sealReads{}) {
		return store.Seal{}, sealReads{}
	}
	seal, err := s.SealInUse(ctx)
	if err != nil {
		if ctx.Err() == nil {
			a.log.LogAttrs(ctx, slog.LevelWarn, "analysis: reading the seal", slog.String("error", err.Error()))
		}
		return store.Seal{}, sealReads{}
	}
	episodes := want.Episodes && seal.Episodes && seal.DedupMillis == a.opts.DedupWindow.Milliseconds() && covers(seal.To, from, a.opts.SealMinSpan)
	return seal, sealReads{
		Episodes:  episodes,
		Stretches: want.Stretches && seal.Stretches && covers(seal.To, from, 0),
		Muted:     want.Muted && seal.Muted && covers(seal.To, from, 0),
		Notes:     want.Notes && episodes && seal.Notes,
	}
}

// covers says whether a seal up to sealedTo covers enough of a scan from
// from: some of it, and at least minSpan.
func covers(sealedTo, from time.Time, minSpan time.Duration) bool {
	return from.Before(sealedTo) && sealedTo.Sub(from) >= minSpan
}

// inOrder are the statements that run faster when the engine aggregates
// the day summaries in their table's order (see queries.Limits): their
// episodes come out sorted per alert, and the windows over each alert's
// episodes (their ends, flapping's gaps) then sort nothing. Measured at a
// big Alertmanager's scale: flapping over 90 days 11 s -> 7 s, over 7 days
// and noise by a quarter; alerts over 90 days, stale silences, loops'
// stretches and building kept episodes ran slower, so they are not here.
// The inhibition pairs are sorted by pair, which they are grouped by.
var inOrder = map[string]bool{
	"flapping": true, "noise": true,
	"weekly_summary": true, "suggestions_inhibit_support": true,
	"inhibition_pairs": true,
}

// indexSetMax are the statements that use the tables' index only with an
// alerts' set no larger than this (see queries.Limits). The inhibitors'
// histories name every inhibitor of a window's failed inhibitions, tens or
// hundreds at a real Alertmanager, tens of thousands in a fleet-wide storm
// (44,330 over a week at a big Alertmanager's scale: the statement 0.59-
// 0.72 s against 0.68-0.94 s, 0.84-0.96 s against 0.99-1.27 s with a
// day's raw rows in the current month's parts). The index pays below
// that: with 100 or 1,000 inhibitors both ran alike, and reading the
// partial days' rows without it took two to three times as long with 100.
var indexSetMax = map[string]int{"inhibitor_signals": 10000}

// fromDays says whether episodes are built from the day summaries: they
// give the raw rows' count of notifications only with a positive dedup
// window.
func (a *Analyzer) fromDays() bool { return a.opts.DedupWindow > 0 && !a.opts.EpisodesFromRaw }

// logStatement says which statement of an answer took the time, for
// whoever tunes one.
func (a *Analyzer) logStatement(ctx context.Context, name string, start time.Time, bytes int, err error) {
	a.log.LogAttrs(ctx, slog.LevelDebug, "statement", slog.String("name", name),
		slog.Duration("took", time.Since(start)), slog.Int("bytes", bytes), slog.Bool("failed", err != nil))
}

// lane runs f in an errgroup's goroutine (an answer running statements at
// once): a panic there becomes f's error (logged with its stack by the API,
// the request answered 503) instead of ending the process, as the HTTP
// server's recovery does for the request's own goroutine.
func lane(f func() error) func() error {
	return func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		return f()
	}
}

// noData is the template data of statements with no label filter.
var noData = queries.Data{}
