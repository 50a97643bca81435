// Package app wires alertlens together: store, ingest queue, writer, HTTP
// server and (with the capture issue) webhook, poller and importer. Tests run
// the whole service in-process on port 0 through New/Start/Addr/Stop.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/net/netutil"

	"github.com/alertlens/alertlens/analysis"
	"github.com/alertlens/alertlens/api"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/events"
	"github.com/alertlens/alertlens/httpauth"
	"github.com/alertlens/alertlens/importer"
	"github.com/alertlens/alertlens/poller"
	"github.com/alertlens/alertlens/queue"
	"github.com/alertlens/alertlens/recording"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/ui"
	"github.com/alertlens/alertlens/version"
	"github.com/alertlens/alertlens/webhook"
	"github.com/alertlens/alertlens/writer"
)

// App is one running alertlens.
type App struct {
	cfg   config.Config
	log   *slog.Logger
	reg   *prometheus.Registry
	Store *store.Store
	Queue *queue.Queue

	writer   *writer.Writer
	recorder *recording.Writer
	pollers  []*poller.Poller
	compact  *store.Compactor
	echo     *echo.Echo
	http     *http.Server
	ln       net.Listener
	failed   chan error
	cleanup  lifecycle

	runCtx     context.Context
	runCancel  context.CancelFunc
	drainCtx   context.Context
	drainStop  context.CancelFunc
	writerDone chan struct{}
	writerErr  error
	producers  sync.WaitGroup
	stopOnce   sync.Once
	stopErr    error
}

// OpenStore opens the configured backend and wraps it.
func OpenStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, error) {
	var b store.Backend
	var err error
	switch cfg.Store.Kind {
	case "embedded":
		b, err = store.OpenEmbedded(cfg.Store.ChdbLib, cfg.Store.DataDir, cfg.Store.ReadConnections)
	case "clickhouse":
		b, err = store.OpenClickHouse(ctx, string(cfg.Store.ClickHouse.DSN), cfg.Store.ClickHouse.Cluster != "")
	default:
		err = fmt.Errorf("store.kind: unknown backend %q", cfg.Store.Kind)
	}
	if err != nil {
		return nil, err
	}
	st, err := store.New(b, store.Options{
		Database: cfg.Store.Database, Cluster: cfg.Store.ClickHouse.Cluster, Retention: time.Duration(cfg.Store.Retention),
	}, log)
	if err != nil {
		_ = b.Close()
		return nil, err
	}
	return st, nil
}

// New builds the service: the store is opened and migrated, the queue
// recovered. Nothing listens until Start.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (_ *App, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration:\n%w", err)
	}
	a := &App{cfg: cfg, log: log, reg: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			if cerr := a.cleanup.run(context.Background()); cerr != nil {
				log.LogAttrs(ctx, slog.LevelError, "cleanup after failed start", slog.String("error", cerr.Error()))
			}
		}
	}()
	a.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), version.NewCollector())

	a.Store, err = OpenStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a.cleanup.push("store", func(context.Context) error { return a.Store.Close() })
	if err := a.Store.Migrate(ctx); err != nil {
		return nil, err
	}
	// Tables an answer kept for itself when the process died.
	dropped, err := a.Store.DropKept(ctx)
	if err != nil {
		return nil, err
	}
	if dropped > 0 {
		log.LogAttrs(ctx, slog.LevelInfo, "dropped tables answers kept before the last stop", slog.Int("tables", dropped))
	}
	seal := time.Duration(cfg.Webhook.DedupWindow)
	if cfg.Store.EpisodesFromRaw {
		seal = 0 // reads never use sealed episodes
	}
	a.compact = store.NewCompactor(a.Store, store.CompactorOptions{
		Interval: time.Duration(cfg.Store.CompactInterval), DedupWindow: seal,
	}, log, a.reg)

	a.Queue, err = queue.Open(queue.Options{
		Dir: cfg.QueueDir(), MaxBytes: int64(cfg.Queue.MaxBytes), SegmentBytes: int64(cfg.Queue.SegmentBytes), Fsync: cfg.Queue.Fsync,
	}, log, a.reg)
	if err != nil {
		return nil, err
	}
	a.cleanup.push("queue", func(context.Context) error { return a.Queue.Close() })

	var ins writer.Inserter = a.Store
	if cfg.Store.Kind == "embedded" && cfg.Store.MinFreeBytes > 0 {
		ins = store.NewHeadroom(a.Store, cfg.Store.DataDir, uint64(cfg.Store.MinFreeBytes))
	}
	a.writer, err = writer.New(a.Queue, ins, writer.Options{
		BatchRows: cfg.Queue.BatchRows, FlushInterval: time.Duration(cfg.Queue.FlushInterval), DeadLetter: cfg.DeadLetterPath(),
		MinBackoff: time.Duration(cfg.Queue.MinBackoff), MaxBackoff: time.Duration(cfg.Queue.MaxBackoff),
	}, log, a.reg)
	if err != nil {
		return nil, err
	}

	if cfg.Record != "" {
		a.recorder, err = recording.Create(cfg.Record)
		if err != nil {
			return nil, err
		}
		a.cleanup.push("recording", func(context.Context) error { return a.recorder.Close() })
	}

	a.echo = echo.New()
	a.echo.HideBanner, a.echo.HidePort = true, true
	a.echo.HTTPErrorHandler = a.jsonErrorHandler
	a.echo.JSONSerializer = api.JSONSerializer{}
	a.routes()

	limits := webhook.Limits{MaxBodyBytes: int64(cfg.Webhook.MaxBodyBytes), MaxAlerts: cfg.Webhook.MaxAlerts,
		MaxLabels: cfg.Webhook.MaxLabels, MaxLabelBytes: cfg.Webhook.MaxLabelBytes}
	hooks := webhook.NewHandler(a.Queue, limits, webhook.NewDedup(time.Duration(cfg.Webhook.DedupWindow)), a.recorder, log, a.reg)
	hooks.Register(a.echo, cfg.Webhook.Auth)
	evIn := events.NewIngester(a.Queue, limits, a.recorder, log, a.reg)
	events.NewHandler(evIn, log, a.reg).Register(a.echo, cfg.Webhook.Auth)
	importer.New(a.Queue, a.Store, hooks, limits, time.Duration(cfg.Webhook.DedupWindow), time.Duration(cfg.CheckpointInterval),
		int64(cfg.API.MaxImportBytes), log).Register(a.echo, cfg.API.Auth)

	an, err := analysis.New(a.Store, AnalysisOptions(cfg), log, nil)
	if err != nil {
		return nil, err
	}
	api.New(an, log, a.reg).Register(a.echo, cfg.API.Auth)
	ui.Register(a.echo, httpauth.Middleware(cfg.API.Auth, "alertlens API"))

	pm := poller.NewMetrics(a.reg)
	for _, s := range cfg.Sources {
		p, err := poller.New(poller.Options{Source: s.Name, URL: s.URL, Interval: time.Duration(cfg.PollInterval),
			Timeout: time.Duration(cfg.PollTimeout), Checkpoint: time.Duration(cfg.CheckpointInterval)}, a.Queue, a.Store, a.recorder, log, pm)
		if err != nil {
			return nil, err
		}
		a.pollers = append(a.pollers, p)
	}
	return a, nil
}

func (a *App) routes() {
	a.echo.GET("/-/healthy", func(c echo.Context) error { return c.String(http.StatusOK, "alertlens is Healthy.\n") })
	a.echo.GET("/-/ready", func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 5*time.Second)
		defer cancel()
		if err := a.Store.Ready(ctx); errors.Is(err, store.ErrNotMigrated) {
			return c.String(http.StatusServiceUnavailable, "alertlens is not ready: the store is not migrated yet\n")
		} else if err != nil {
			a.log.LogAttrs(ctx, slog.LevelWarn, "readiness: the store does not answer", slog.String("error", err.Error()))
			return c.String(http.StatusServiceUnavailable, "alertlens is not ready: the store does not answer (the service log says why)\n")
		}
		// A store that answers but cannot write (a full disk) is not ready
		// either: what is acknowledged only piles up in the queue.
		if err := a.writer.Healthy(time.Duration(a.cfg.Queue.NotReadyAfter)); err != nil {
			return c.String(http.StatusServiceUnavailable, "alertlens is not ready: "+err.Error()+"\n")
		}
		return c.String(http.StatusOK, "alertlens is Ready.\n")
	})
	a.echo.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{Registry: a.reg})))
}

// jsonErrorHandler answers every error as {"error": "..."}, the contract's
// error shape. Only an echo.HTTPError's message is meant for clients; any
// other error is logged and answered without its text.
func (a *App) jsonErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, msg := http.StatusInternalServerError, "internal error (the service log says why)"
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code, msg = he.Code, fmt.Sprint(he.Message)
	} else {
		a.log.LogAttrs(c.Request().Context(), slog.LevelError, "request failed", slog.String("path", c.Path()), slog.String("error", err.Error()))
	}
	_ = c.JSON(code, map[string]string{"error": msg})
}

// Start listens and starts the writer (and producers).
func (a *App) Start() error {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", a.cfg.Listen, err)
	}
	// Every client is bounded: headers within 10 s, the whole request within
	// http.read_timeout, the answer within http.write_timeout, idle
	// keep-alive connections closed, at most http.max_connections open.
	hc := a.cfg.HTTP
	ln = netutil.LimitListener(ln, hc.MaxConnections)
	srv := &http.Server{Handler: a.echo, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Duration(hc.ReadTimeout),
		WriteTimeout: time.Duration(hc.WriteTimeout), IdleTimeout: time.Duration(hc.IdleTimeout), MaxHeaderBytes: int(hc.MaxHeaderBytes),
		ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
	if a.cfg.TLS.CertFile != "" {
		// Load the pair now: a bad certificate must stop the start, not
		// leave a process up that serves nothing.
		cert, err := tls.LoadX509KeyPair(a.cfg.TLS.CertFile, a.cfg.TLS.KeyFile)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("tls.cert_file, tls.key_file: %w", err)
		}
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	a.http, a.ln = srv, ln
	a.failed = make(chan error, 1)
	a.runCtx, a.runCancel = context.WithCancel(context.Background())
	a.drainCtx, a.drainStop = context.WithCancel(context.Background())
	a.writerDone = make(chan struct{})
	go func() {
		defer close(a.writerDone)
		a.writerErr = a.writer.Run(a.runCtx, a.drainCtx)
	}()
	go func() {
		var err error
		if a.http.TLSConfig != nil {
			err = a.http.ServeTLS(ln, "", "")
		} else {
			err = a.http.Serve(ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.LogAttrs(context.Background(), slog.LevelError, "http server stopped", slog.String("error", err.Error()))
			a.failed <- fmt.Errorf("http server on %s: %w", ln.Addr(), err)
		}
	}()
	if a.cfg.Store.CompactInterval > 0 {
		a.Go(a.compact.Run)
	}
	// Pollers resume from the stored state, so they wait until the queue
	// left by the last run is in the store: otherwise they would diff
	// against a stale state and store fake transitions.
	for _, p := range a.pollers {
		a.Go(func(ctx context.Context) {
			select {
			case <-a.writer.Drained():
			case <-ctx.Done():
				return
			}
			p.Run(ctx)
		})
	}
	a.log.LogAttrs(context.Background(), slog.LevelInfo, "alertlens listening", slog.String("addr", ln.Addr().String()),
		slog.String("store", a.cfg.Store.Kind), slog.String("data_dir", a.cfg.Store.DataDir))
	return nil
}

// Failed delivers the error of an HTTP server that stopped by itself: the
// process must then stop, as Alertmanager does, rather than stay up
// deaf.
func (a *App) Failed() <-chan error { return a.failed }

// Addr is the address the server listens on (useful with port 0).
func (a *App) Addr() string { return a.ln.Addr().String() }

// Go runs a producer (poller, …) until Stop, which waits for it before the
// queue is flushed.
func (a *App) Go(f func(ctx context.Context)) {
	a.producers.Add(1)
	go func() {
		defer a.producers.Done()
		f(a.runCtx)
	}()
}

// Stop shuts down in order: HTTP (no new input), producers, then the writer
// drains what is queued, then queue and store close. ctx bounds it all; rows
// the writer could not drain in time stay in the queue for the next start.
func (a *App) Stop(ctx context.Context) error {
	a.stopOnce.Do(func() {
		var errs []error
		if a.http != nil {
			if err := a.http.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("http shutdown: %w", err))
			}
			a.runCancel()
			a.producers.Wait()
			stop := context.AfterFunc(ctx, a.drainStop)
			<-a.writerDone
			if a.writerErr != nil {
				errs = append(errs, fmt.Errorf("writer: %w", a.writerErr))
			}
			stop()
			a.drainStop()
		}
		errs = append(errs, a.cleanup.run(ctx))
		a.stopErr = errors.Join(errs...)
	})
	return a.stopErr
}

// Compact merges the episode summaries and seals the finished months'
// episodes once, as store.compact_interval does every interval.
func (a *App) Compact(ctx context.Context) error {
	_, _, err := a.compact.Once(ctx)
	return err
}

// WriterDone is closed when the writer stops: at Stop, or by itself on a
// fatal queue error (then Stop reports that error).
func (a *App) WriterDone() <-chan struct{} { return a.writerDone }

// AnalysisOptions are the analyses' options under cfg.
func AnalysisOptions(cfg config.Config) analysis.Options {
	return analysis.Options{Database: cfg.Store.Database, QueryTimeout: time.Duration(cfg.API.QueryTimeout),
		MaxRows: cfg.API.MaxRows, MaxQueryMemory: int64(cfg.API.MaxQueryMemory), PollInterval: time.Duration(cfg.PollInterval),
		DedupWindow: time.Duration(cfg.Webhook.DedupWindow), EpisodesFromRaw: cfg.Store.EpisodesFromRaw,
		SealMinSpan:  time.Duration(cfg.Store.SealMinSpan),
		WorkingHours: cfg.WorkingHours, SleepHours: cfg.EffectiveSleepHours(), NullReceivers: cfg.NullReceivers}
}
