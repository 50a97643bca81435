package store

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
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

func upkeepSQL(name string) (string, error) {
	b, err := upkeepFS.ReadFile("upkeep/" + name + ".sql")
	if err != nil {
		return "", fmt.Errorf("store: reading upkeep statement %s: %w", name, err)
	}
	return string(b), nil
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
	list, err := upkeepSQL("parts")
	if err != nil {
		return 0, err
	}
	out, err := s.b.Query(ctx, list, map[string]string{"db": s.opts.Database, "table": table})
	if err != nil {
		return 0, fmt.Errorf("store: listing the parts of %s: %w", table, err)
	}
	text, err := upkeepSQL("compact_summaries")
	if err != nil {
		return 0, err
	}
	optimize, err := s.opts.Render(text)
	if err != nil {
		return 0, err
	}
	run := func(params map[string]string) error { return s.b.Write(ctx, optimize, params) }
	if u, ok := s.b.(upkeeper); ok {
		run = func(params map[string]string) error { return u.Upkeep(ctx, optimize, params) }
	}
	n := 0
	for line := range strings.Lines(string(out)) {
		var row struct {
			PartitionID string `json:"partition_id"`
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			return n, fmt.Errorf("store: listing the parts of %s: %w", table, err)
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if err := run(map[string]string{"partition": row.PartitionID}); err != nil {
			return n, fmt.Errorf("store: merging partition %s of %s: %w", row.PartitionID, table, err)
		}
		n++
	}
	return n, nil
}

// Compactor runs CompactSummaries every interval.
type Compactor struct {
	s        *Store
	interval time.Duration
	log      *slog.Logger
	merged   prometheus.Counter
	failed   prometheus.Counter
	seconds  prometheus.Counter
}

// NewCompactor registers the compactor's metrics; Run starts it.
func NewCompactor(s *Store, interval time.Duration, log *slog.Logger, reg prometheus.Registerer) *Compactor {
	c := &Compactor{
		s: s, interval: interval, log: log,
		merged: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alertlens_compaction_partitions_merged_total",
			Help: "Partitions of the per-day episode summaries the engine was asked to merge into one part.",
		}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alertlens_compaction_failures_total",
			Help: "Runs that merging the per-day episode summaries failed in.",
		}),
		seconds: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alertlens_compaction_seconds_total",
			Help: "Time spent merging the per-day episode summaries.",
		}),
	}
	if reg != nil {
		reg.MustRegister(c.merged, c.failed, c.seconds)
	}
	return c
}

// Run merges the summaries every interval until ctx is done; the first run
// comes one interval after the start, so a restart is not slowed by it.
func (c *Compactor) Run(ctx context.Context) {
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		n, err := c.s.CompactSummaries(ctx)
		took := time.Since(start)
		c.merged.Add(float64(n))
		c.seconds.Add(took.Seconds())
		if err != nil && ctx.Err() == nil {
			c.failed.Inc()
			c.log.LogAttrs(ctx, slog.LevelWarn, "merging the episode summaries", slog.String("error", err.Error()),
				slog.Int("partitions", n), slog.Duration("took", took))
			continue
		}
		if n > 0 {
			c.log.LogAttrs(ctx, slog.LevelDebug, "merged the episode summaries", slog.Int("partitions", n), slog.Duration("took", took))
		}
	}
}
