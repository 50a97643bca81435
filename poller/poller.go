package poller

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	clientruntime "github.com/go-openapi/runtime/client"
	"github.com/go-openapi/strfmt"
	amclient "github.com/prometheus/alertmanager/api/v2/client"
	"github.com/prometheus/alertmanager/api/v2/client/alert"
	"github.com/prometheus/alertmanager/api/v2/client/general"
	"github.com/prometheus/alertmanager/api/v2/client/silence"
	"github.com/prometheus/alertmanager/api/v2/models"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/queue"
	"github.com/alertlens/alertlens/recording"
	"github.com/alertlens/alertlens/store"
)

// Querier is the part of the store the poller reads at start.
type Querier interface {
	Query(ctx context.Context, sql string, params map[string]string) ([]byte, error)
}

// Sections turns changes into one queue record's sections, so a poll's rows
// are acknowledged (and later stored) together.
func Sections(ch Changes) ([]queue.Section, error) {
	var secs []queue.Section
	add := func(table string, data []byte, err error) error {
		if err != nil {
			return err
		}
		if len(data) > 0 {
			secs = append(secs, store.Section(table, data))
		}
		return nil
	}
	states, err := store.EncodeRows(nil, ch.States)
	if err := add(store.TableAlertStates, states, err); err != nil {
		return nil, err
	}
	sils, err := store.EncodeRows(nil, ch.Silences)
	if err := add(store.TableSilences, sils, err); err != nil {
		return nil, err
	}
	if ch.Status != nil {
		st, err := store.EncodeRows(nil, []store.AlertmanagerStatus{*ch.Status})
		if err := add(store.TableAlertmanagerStatus, st, err); err != nil {
			return nil, err
		}
	}
	poll, err := store.EncodeRows(nil, []store.Poll{ch.Poll})
	if err := add(store.TablePolls, poll, err); err != nil {
		return nil, err
	}
	return secs, nil
}

// LoadState reads what the poller of source knew at its last successful
// poll, so that the first poll after a restart is diffed against it.
func LoadState(ctx context.Context, q Querier, source string, checkpoint time.Duration) (State, error) {
	st := State{Alerts: map[string]store.AlertState{}, Silences: map[string]store.Silence{}}
	p := map[string]string{"source": source}
	out, err := q.Query(ctx, queries.SQL("resume_last_poll"), p)
	if err != nil {
		return st, fmt.Errorf("poller %s: reading last poll: %w", source, err)
	}
	var last struct {
		At string `json:"at"`
		N  int    `json:"n"`
	}
	if err := json.Unmarshal(out, &last); err != nil {
		return st, fmt.Errorf("poller %s: parsing last poll %q: %w", source, out, err)
	}
	if last.N == 0 {
		return st, nil
	}
	lastAt, err := time.ParseInLocation(store.TimeLayout, last.At, time.UTC)
	if err != nil {
		return st, fmt.Errorf("poller %s: last poll time %q: %w", source, last.At, err)
	}
	p["since"] = lastAt.Add(-2 * checkpoint).Format(store.TimeLayout)
	out, err = q.Query(ctx, queries.SQL("resume_alerts"), p)
	if err != nil {
		return st, fmt.Errorf("poller %s: reading last alert states: %w", source, err)
	}
	if err := eachRow(out, func(b []byte) error {
		var r store.AlertState
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		if r.Kind != store.KindResolved {
			st.Alerts[r.Fingerprint] = r
		}
		return nil
	}); err != nil {
		return st, fmt.Errorf("poller %s: parsing alert states: %w", source, err)
	}
	out, err = q.Query(ctx, queries.SQL("resume_silences"), p)
	if err != nil {
		return st, fmt.Errorf("poller %s: reading silences: %w", source, err)
	}
	if err := eachRow(out, func(b []byte) error {
		var r store.Silence
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		st.Silences[r.ID] = r
		return nil
	}); err != nil {
		return st, fmt.Errorf("poller %s: parsing silences: %w", source, err)
	}
	out, err = q.Query(ctx, queries.SQL("resume_status"), p)
	if err != nil {
		return st, fmt.Errorf("poller %s: reading status: %w", source, err)
	}
	var s struct {
		ConfigHash string `json:"config_hash"`
		Uptime     string `json:"uptime"`
	}
	if err := json.Unmarshal(out, &s); err != nil {
		return st, fmt.Errorf("poller %s: parsing status %q: %w", source, out, err)
	}
	if up, err := time.ParseInLocation(store.TimeLayout, s.Uptime, time.UTC); err == nil && s.ConfigHash != "" {
		st.StatusHash = s.ConfigHash + "@" + up.Format(time.RFC3339Nano)
	}
	// A checkpoint exists to give every open alert a row at least every
	// interval; the next one is due an interval after the oldest of their
	// latest rows, whatever kind those rows are.
	st.LastCheckpoint = lastAt
	for _, r := range st.Alerts {
		if r.ObservedAt.Before(st.LastCheckpoint) {
			st.LastCheckpoint = r.ObservedAt.Time
		}
	}
	return st, nil
}

func eachRow(data []byte, f func([]byte) error) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := f(sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Metrics are the poller's own metrics, per source (shaped like karma's).
type Metrics struct {
	up       *prometheus.GaugeVec
	errors   *prometheus.CounterVec
	cycles   *prometheus.CounterVec
	duration *prometheus.HistogramVec
	alerts   *prometheus.GaugeVec
}

// NewMetrics registers the poller metrics on reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "alertlens_alertmanager_up", Help: "1 if the last poll of the source succeeded."}, []string{"source"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "alertlens_alertmanager_poll_errors_total", Help: "Failed polls of the source."},
			[]string{"source"}),
		cycles: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "alertlens_alertmanager_collect_cycles_total", Help: "Polls of the source, failed or not."},
			[]string{"source"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "alertlens_alertmanager_poll_duration_seconds", Help: "Duration of one poll of the source.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12)}, []string{"source"}),
		alerts: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "alertlens_alertmanager_alerts", Help: "Alerts the source listed at the last successful poll."},
			[]string{"source"}),
	}
	if reg != nil {
		reg.MustRegister(m.up, m.errors, m.cycles, m.duration, m.alerts)
	}
	return m
}

// Options configure one source's poller.
type Options struct {
	Source     string
	URL        string
	Interval   time.Duration
	Timeout    time.Duration
	Checkpoint time.Duration
	MaxBackoff time.Duration
}

// Poller polls one source.
type Poller struct {
	opts   Options
	api    *amclient.AlertmanagerAPI
	q      queue.Producer
	st     Querier
	rec    *recording.Writer
	log    *slog.Logger
	m      *Metrics
	differ *Differ
	probe  *http.Client
}

// New builds a poller; Run loads its state and polls.
func New(opts Options, q queue.Producer, st Querier, rec *recording.Writer, log *slog.Logger, m *Metrics) (*Poller, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("poller %s: bad URL %q", opts.Source, opts.URL)
	}
	cr := clientruntime.New(u.Host, path.Join(u.Path, "/api/v2"), []string{u.Scheme})
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	// Every source's series exist from the start: a rate() over the errors
	// of a source that never failed is 0, not absent.
	m.errors.WithLabelValues(opts.Source)
	m.cycles.WithLabelValues(opts.Source)
	m.up.WithLabelValues(opts.Source)
	return &Poller{opts: opts, api: amclient.New(cr, strfmt.Default), q: q, st: st, rec: rec, log: log, m: m, probe: &http.Client{}}, nil
}

// Fetch reads one snapshot from the Alertmanager API.
func (p *Poller) Fetch(ctx context.Context) (Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	start := time.Now()
	snap := Snapshot{At: start}
	ap := alert.NewGetAlertsParamsWithContext(ctx)
	ar, err := p.api.Alert.GetAlerts(ap)
	if err != nil {
		return snap, fmt.Errorf("GET /api/v2/alerts: %w", err)
	}
	snap.Alerts = ar.Payload
	sr, err := p.api.Silence.GetSilences(silence.NewGetSilencesParamsWithContext(ctx))
	if err != nil {
		return snap, fmt.Errorf("GET /api/v2/silences: %w", err)
	}
	snap.Silences = sr.Payload
	if snap.Silences == nil {
		snap.Silences = []*models.GettableSilence{}
	}
	st, err := p.api.General.GetStatus(general.NewGetStatusParamsWithContext(ctx))
	if err != nil {
		return snap, fmt.Errorf("GET /api/v2/status: %w", err)
	}
	snap.Status = st.Payload
	snap.Duration = time.Since(start)
	return snap, nil
}

// Run polls until ctx ends. It first waits for the store to give the state
// of the last poll (retrying), so a restart creates no fake transitions.
func (p *Poller) Run(ctx context.Context) {
	src := slog.String("source", p.opts.Source)
	for p.differ == nil {
		st, err := LoadState(ctx, p.st, p.opts.Source, p.opts.Checkpoint)
		if err == nil {
			p.differ = NewDiffer(p.opts.Source, p.opts.Checkpoint, st)
			p.log.LogAttrs(ctx, slog.LevelInfo, "poller: resumed", src, slog.Int("alerts", len(st.Alerts)), slog.Int("silences", len(st.Silences)))
			break
		}
		p.log.LogAttrs(ctx, slog.LevelWarn, "poller: cannot load last state yet", src, slog.String("error", err.Error()))
		select {
		case <-ctx.Done():
			return
		case <-time.After(p.opts.Interval):
		}
	}
	failures := 0
	for {
		if err := p.PollOnce(ctx); err != nil {
			failures++
		} else {
			failures = 0
		}
		wait := p.opts.Interval
		for i := 0; i < failures && wait < p.opts.MaxBackoff; i++ {
			wait *= 2
		}
		wait = min(wait, max(p.opts.MaxBackoff, p.opts.Interval))
		if !p.sleep(ctx, wait, failures > 0) {
			return
		}
	}
}

// sleep waits d, or less: while backing off after failures it probes the
// source's /-/ready every poll interval and returns as soon as the source
// answers, so changes after an outage are recorded when they happen, not a
// backoff later. It returns false when ctx ended.
func (p *Poller) sleep(ctx context.Context, d time.Duration, backingOff bool) bool {
	deadline := time.Now().Add(d)
	for {
		step := min(p.opts.Interval, time.Until(deadline))
		if step <= 0 {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(step):
		}
		if backingOff && time.Until(deadline) > 0 && p.ready(ctx) {
			p.log.LogAttrs(ctx, slog.LevelInfo, "poller: source answers again; polling now", slog.String("source", p.opts.Source))
			return true
		}
	}
}

// ready asks the source's /-/ready, which costs Alertmanager nothing.
func (p *Poller) ready(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, min(p.opts.Timeout, 2*time.Second))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(p.opts.URL, "/")+"/-/ready", nil)
	if err != nil {
		return false
	}
	resp, err := p.probe.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// PollOnce polls and queues the result (the changes, or the failure).
func (p *Poller) PollOnce(ctx context.Context) error {
	src := p.opts.Source
	p.m.cycles.WithLabelValues(src).Inc()
	snap, err := p.Fetch(ctx)
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: not a failure of the source
	}
	if err != nil {
		took := time.Since(snap.At)
		p.m.up.WithLabelValues(src).Set(0)
		p.m.errors.WithLabelValues(src).Inc()
		p.m.duration.WithLabelValues(src).Observe(took.Seconds())
		p.log.LogAttrs(ctx, slog.LevelWarn, "poller: poll failed", slog.String("source", src), slog.String("error", err.Error()))
		row := p.differ.Failed(snap.At, took, err.Error())
		data, eerr := store.EncodeRows(nil, []store.Poll{row})
		if eerr == nil {
			eerr = p.q.Append(ctx, store.Section(store.TablePolls, data))
		}
		if eerr != nil {
			p.log.LogAttrs(ctx, slog.LevelError, "poller: cannot queue failed-poll row", slog.String("source", src), slog.String("error", eerr.Error()))
		}
		p.record(ctx, recording.Line{Kind: recording.KindPollError, At: snap.At, Source: src, Error: err.Error()})
		return err
	}
	p.m.up.WithLabelValues(src).Set(1)
	p.m.duration.WithLabelValues(src).Observe(snap.Duration.Seconds())
	p.m.alerts.WithLabelValues(src).Set(float64(len(snap.Alerts)))
	ch, err := Apply(ctx, p.differ, p.q, snap)
	if err != nil {
		p.log.LogAttrs(ctx, slog.LevelError, "poller: cannot queue poll; it will be diffed again", slog.String("source", src), slog.String("error", err.Error()))
		return err
	}
	line := recording.Line{Kind: recording.KindPoll, At: snap.At, Source: src, Alerts: snap.Alerts, Silences: snap.Silences}
	if ch.Status != nil {
		// The recording format carries status only when it changed: where
		// absent, the last one stands.
		line.Status = snap.Status
	}
	p.record(ctx, line)
	return nil
}

// Apply diffs snap and queues the changes as one record; the differ moves
// on only when the queue took them. The importer calls it too.
func Apply(ctx context.Context, d *Differ, q queue.Producer, snap Snapshot) (Changes, error) {
	ch, commit := d.Diff(snap)
	secs, err := Sections(ch)
	if err != nil {
		return ch, err
	}
	if err := q.Append(ctx, secs...); err != nil {
		return ch, err
	}
	commit()
	return ch, nil
}

func (p *Poller) record(ctx context.Context, l recording.Line) {
	if err := p.rec.Write(l); err != nil {
		p.log.LogAttrs(ctx, slog.LevelError, "poller: writing recording", slog.String("error", err.Error()))
	}
}
