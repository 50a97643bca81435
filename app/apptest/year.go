package apptest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

// YearEnd is where the synthetic year ends.
var YearEnd = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

// HeavyReads lets one read run for ten minutes and answer any number of
// rows: what a benchmark over the synthetic year asks of a service.
func HeavyReads(cfg config.Config) config.Config {
	cfg.API.QueryTimeout = config.Duration(10 * time.Minute)
	cfg.HTTP.WriteTimeout = config.Duration(11 * time.Minute) // the answer must outlast the query
	cfg.API.MaxRows = 10_000_000                              // a busy week has more failed inhibitions than the default allows
	return cfg
}

// GenerateYear writes the synthetic year (api/testdata/bench/generate.sql)
// into the service's store at scale (1: 10M notifications and 10M poller
// rows; more than 1 adds long annotations) and merges it.
func (s *Service) GenerateYear(tb testing.TB, scale int) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(storetest.RepoRoot(), "api", "testdata", "bench", "generate.sql"))
	if err != nil {
		tb.Fatal(err)
	}
	long := "0"
	if scale > 1 {
		long = "1"
	}
	params := map[string]string{"end": strconv.FormatInt(YearEnd.Unix(), 10), "fps": strconv.Itoa(5000 * scale),
		"rows": strconv.Itoa(10_000_000 * scale), "long_annotations": long}
	ctx := context.Background()
	for _, stmt := range store.SplitStatements(string(b)) {
		if _, err := s.Store.Query(ctx, stmt, params); err != nil {
			tb.Fatalf("generating the synthetic year: %v\n%s", err, stmt)
		}
	}
	for _, t := range []string{store.TableNotifications, store.TableAlertStates, "alert_labels"} {
		if err := s.Store.Exec(ctx, "OPTIMIZE TABLE {{db}}."+t+" FINAL"); err != nil {
			tb.Fatal(err)
		}
	}
}
