package store

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

//go:embed upkeep/*.sql
var upkeepFS embed.FS

// upkeeper is a backend that runs maintenance on a connection of its own
// (the embedded engine: a merge on the writer's connection would hold
// every insert behind it for seconds, one on a read connection every read
// when there is one).
type upkeeper interface {
	Upkeep(ctx context.Context, sql string, params map[string]string) error
}

// Upkeep implements upkeeper.
func (e *Embedded) Upkeep(ctx context.Context, sql string, params map[string]string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.upMu.Lock()
	defer e.upMu.Unlock()
	_, err := query(e.upkeep, sql, params)
	return err
}

// CompactSummaries merges every partition of the per-day episode summaries
// that holds more than one part into one, newest first, and says how many
// it merged. Answers do not change (a summary merged is the same summary);
// reads group half the rows afterwards.
func (s *Store) CompactSummaries(ctx context.Context) (int, error) {
	table := TableEpisodeDays
	if s.opts.Cluster != "" {
		table += "_local"
	}
	parts, err := s.partitionIDs(ctx, "parts", map[string]string{"db": s.opts.Database, "table": table})
	if err != nil {
		return 0, fmt.Errorf("store: listing the parts of %s: %w", table, err)
	}
	optimize, err := s.upkeepText("compact_summaries")
	if err != nil {
		return 0, err
	}
	for n, p := range parts {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if err := s.upkeepRun(ctx, optimize, map[string]string{"partition": p}); err != nil {
			return n, fmt.Errorf("store: merging partition %s of %s: %w", p, table, err)
		}
	}
	return len(parts), nil
}

// Compactor runs CompactSummaries and then SealEpisodes every interval
// (Once).
type Compactor struct {
	s       *Store
	opts    CompactorOptions
	log     *slog.Logger
	merged  prometheus.Counter
	sealed  prometheus.Counter
	failed  prometheus.Counter
	seconds prometheus.Counter
}

// CompactorOptions say how often the compactor runs and how it seals.
type CompactorOptions struct {
	Interval time.Duration
	// DedupWindow is the HA dedup window reads count notifications with;
	// 0 when they build episodes from the raw rows (nothing is sealed).
	DedupWindow time.Duration
	// Now is the clock the current month is taken from (nil: the wall
	// clock).
	Now func() time.Time
}

// NewCompactor registers the compactor's metrics; Run starts it.
func NewCompactor(s *Store, opts CompactorOptions, log *slog.Logger, reg prometheus.Registerer) *Compactor {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Compactor{
		s: s, opts: opts, log: log,
		merged: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alertlens_compaction_partitions_merged_total",
			Help: "Partitions of the per-day episode summaries the engine was asked to merge into one part.",
		}),
		sealed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alertlens_compaction_seals_total",
			Help: "Seals built: the episodes of the months before the current one summed up once, and their inhibited stretches and muted time found once.",
		}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alertlens_compaction_failures_total",
			Help: "Runs that merging the per-day episode summaries or sealing the episodes failed in.",
		}),
		seconds: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alertlens_compaction_seconds_total",
			Help: "Time spent merging the per-day episode summaries and sealing the episodes.",
		}),
	}
	if reg != nil {
		reg.MustRegister(c.merged, c.sealed, c.failed, c.seconds)
	}
	return c
}

// Run runs Once every interval until ctx is done; the first run comes one
// interval after the start, so a restart is not slowed by it.
func (c *Compactor) Run(ctx context.Context) {
	t := time.NewTicker(c.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		n, sealed, err := c.Once(ctx)
		took := time.Since(start)
		switch {
		case err != nil && ctx.Err() == nil:
			c.log.LogAttrs(ctx, slog.LevelWarn, "compacting the episode summaries", slog.String("error", err.Error()),
				slog.Int("partitions", n), slog.Duration("took", took))
		case n > 0 || sealed:
			c.log.LogAttrs(ctx, slog.LevelDebug, "compacted the episode summaries", slog.Int("partitions", n),
				slog.Bool("sealed", sealed), slog.Duration("took", took))
		}
	}
}

// Once merges the summaries and then seals the episodes (the seal is built
// from merged parts, which the engine then leaves as they are), counting
// what it did in the compactor's metrics. It says how many partitions it
// merged and whether it built a seal.
func (c *Compactor) Once(ctx context.Context) (merged int, sealed bool, err error) {
	start := time.Now()
	defer func() {
		c.merged.Add(float64(merged))
		if sealed {
			c.sealed.Inc()
		}
		c.seconds.Add(time.Since(start).Seconds())
		if err != nil && ctx.Err() == nil {
			c.failed.Inc()
		}
	}()
	if merged, err = c.s.CompactSummaries(ctx); err != nil {
		return merged, false, err
	}
	sealed, err = c.s.SealEpisodes(ctx, c.opts.Now(), c.opts.DedupWindow)
	return merged, sealed, err
}
