package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

// benchEnd is the end of the synthetic year.
var benchEnd = apptest.YearEnd

// firstAlert is the fingerprint of alert 0 where alerts are numbered and
// fingerprinted lower(hex(cityHash64(number))): the synthetic year's
// generator (generate.sql) and tests that insert rows the same way.
const firstAlert = "42131ede3a743632"

func benchSQL(b *testing.B, name string) string {
	s, err := os.ReadFile(filepath.Join("testdata", "bench", name))
	if err != nil {
		b.Fatal(err)
	}
	return string(s)
}

// BenchmarkAnalysesSyntheticYear generates a year of history (10M
// notifications, 10M poller rows, 2.1M polls; ALERTLENS_BENCH_SCALE times
// that) in the embedded engine and times every analysis over the last 7
// days, and some over 90, through the HTTP API, next to naive
// join-everything formulations; it reports bytes on disk per row.
//
// ALERTLENS_BENCH_STORE=DIR keeps the year in DIR (database "bench") and
// reuses it when it is there: generating the 10× year takes about 9
// minutes, and comparing two versions wants the same store.
func BenchmarkAnalysesSyntheticYear(b *testing.B) {
	keep := os.Getenv("ALERTLENS_BENCH_STORE")
	if keep != "" {
		if err := storetest.UseDataDir(keep); err != nil {
			b.Fatal(err)
		}
	}
	cfg := apptest.HeavyReads(apptest.Config(b))
	// Seals read as the service reads them (the suites read them always).
	cfg.Store.SealMinSpan = config.Default().Store.SealMinSpan
	if keep != "" {
		cfg.Store.Database = "bench"
	}
	svc := apptest.Start(b, cfg)
	ctx := context.Background()
	t0 := time.Now()
	// ALERTLENS_BENCH_SCALE=10 is the big Alertmanager's year: 50,000
	// fingerprints, 100M rows in each table, with long annotations.
	scale := 1
	if v := os.Getenv("ALERTLENS_BENCH_SCALE"); v != "" {
		if scale, _ = strconv.Atoi(v); scale < 1 {
			b.Fatalf("ALERTLENS_BENCH_SCALE=%q: want a whole number from 1", v)
		}
	}
	if keep == "" || storetest.Count(b, svc.Store, store.TableNotifications, "") == 0 {
		svc.GenerateYear(b, scale)
	}
	generated := time.Since(t0)
	out, err := svc.Store.Query(ctx, "SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = {db:String} AND active AND table IN ('notifications', 'alert_states') GROUP BY table ORDER BY table", map[string]string{"db": svc.Cfg.Store.Database})
	if err != nil {
		b.Fatal(err)
	}
	perRow := map[string]float64{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r struct {
			Table string
			Rows  float64
			Bytes float64
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Rows != float64(10_000_000*scale) {
			b.Fatalf("parts %s: %v", l, err)
		}
		perRow[r.Table] = r.Bytes / r.Rows
	}
	b.Run("storage", func(b *testing.B) {
		b.ReportMetric(perRow[store.TableNotifications], "B/notification")
		b.ReportMetric(perRow[store.TableAlertStates], "B/state")
		b.ReportMetric(generated.Seconds(), "s-to-generate")
	})
	// The analyses read what a service that has run for one
	// store.compact_interval reads: each month of the episode summaries in
	// one part. The first run on a new year merges every month; on a kept
	// store that was merged before it merges nothing.
	b.Run("compaction", func(b *testing.B) {
		t0 := time.Now()
		n, err := svc.Store.CompactSummaries(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "s-to-merge")
		b.ReportMetric(float64(n), "months-merged")
		// Then the months before the year's last (it ends on the 22nd of
		// its month) sealed, as the compactor seals the months before the
		// current one: the 7-day windows scan only the unsealed month, the
		// 90-day ones mostly sealed months.
		t0 = time.Now()
		if _, err := svc.Store.SealEpisodes(ctx, benchEnd, time.Duration(svc.Cfg.Webhook.DedupWindow)); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "s-to-seal")
		for table, unit := range map[string]string{"sealed_episodes": "sealed-B/notification", "sealed_stretches": "sealed-stretches-B/notification", "sealed_muted": "sealed-muted-B/notification"} {
			out, err := svc.Store.Query(ctx, "SELECT sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = {db:String} AND active AND table = {table:String}",
				map[string]string{"db": svc.Cfg.Store.Database, "table": table})
			if err != nil {
				b.Fatal(err)
			}
			var sealed struct{ Bytes float64 }
			if err := json.Unmarshal(out, &sealed); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(sealed.Bytes/float64(10_000_000*scale), unit)
		}
	})
	// How long alertlens takes to be ready again with the year in the store:
	// stop the service, start another on the same store, time until
	// /-/ready is 200. (In this process the engine stays loaded: a cold
	// process start adds loading the engine and its tables.)
	outer := b
	b.Run("restart", func(b *testing.B) {
		for range b.N {
			svc.Stop(b)
			t0 := time.Now()
			// Started for the outer benchmark: the endpoints after this
			// one use it (one started for this sub-benchmark would stop
			// when it ends).
			svc = apptest.Start(outer, cfg)
			for {
				if code, _ := svc.Get(b, "/-/ready"); code == 200 {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			b.ReportMetric(time.Since(t0).Seconds(), "s-to-ready")
		}
	})

	week := url.Values{"from": {benchEnd.Add(-7 * 24 * time.Hour).Format(time.RFC3339)}, "to": {benchEnd.Format(time.RFC3339)}}.Encode()
	quarter := url.Values{"from": {benchEnd.Add(-90 * 24 * time.Hour).Format(time.RFC3339)}, "to": {benchEnd.Format(time.RFC3339)}}.Encode()
	endpoints := []struct {
		name, path string
		limitOK    bool   // a 400 naming api.max_rows is the answer
		has        string // what the answer must contain, asked again untimed ("": not asked)
	}{
		{"alerts", "/api/v1/alerts?" + week + "&match=" + url.QueryEscape(`{team="team-3"}`), false, `"episodes":[{`},
		{"flapping", "/api/v1/flapping?" + week, false, `"alerts":[{`},
		{"inhibitions-failed", "/api/v1/inhibitions/failed?" + week, false, `"failures":[{`},
		{"inhibitions-loops", "/api/v1/inhibitions/loops?" + week, false, ""},
		{"silences-stale", "/api/v1/silences/stale?at=" + url.QueryEscape(benchEnd.Format(time.RFC3339)), false, `"silences":[{`},
		{"noise", "/api/v1/noise?" + week, false, `"rows":[{`},
		{"timeline", "/api/v1/alerts/" + firstAlert + "/timeline?" + week, false, `"kind":"notification"`},
		{"weekly-review", "/api/v1/report/weekly?week=2026-W47", false, ""},
		// (at ten times the scale every fleet-wide burst supports a rule for
		// nearly every pair of alertnames: the answer is refused, naming
		// api.max_rows, which the benchmark counts as answered)
		{"suggest-inhibit-rules", "/api/v1/suggestions/inhibit_rules?" + week, true, ""},
		{"alerts-90d", "/api/v1/alerts?" + quarter + "&match=" + url.QueryEscape(`{team="team-3"}`), false, ""},
		{"flapping-90d", "/api/v1/flapping?" + quarter, false, ""},
		{"inhibitions-failed-90d", "/api/v1/inhibitions/failed?" + quarter, false, ""},
		{"inhibitions-loops-90d", "/api/v1/inhibitions/loops?" + quarter, false, ""},
		{"noise-90d", "/api/v1/noise?" + quarter, false, ""},
	}
	for _, e := range endpoints {
		b.Run(e.name, func(b *testing.B) {
			for range b.N {
				if code, body := svc.GetAnswer(b, e.path); code != 200 && (!e.limitOK || code != 400 || !strings.Contains(string(body), "api.max_rows")) {
					b.Fatalf("%s: %d %.300s", e.path, code, body)
				}
			}
			// (asked again, untimed: GetAnswer drops a 200's body)
			if e.has != "" {
				b.StopTimer()
				if _, body := svc.Get(b, e.path); !strings.Contains(string(body), e.has) {
					b.Fatalf("%s: the answer has no %s: %.300s", e.path, e.has, body)
				}
			}
		})
	}
	// The naive formulations (testdata/bench/naive_*.sql) over the same
	// week, and the cheaper ones over the same 90 days too.
	naives := []struct {
		file string
		days int
	}{
		{"naive_episodes", 7}, {"naive_flapping", 7}, {"naive_failed_inhibitions", 7}, {"naive_loops", 7},
		{"naive_stale_silences", 7}, {"naive_noise", 7}, {"naive_timeline", 7},
		{"naive_flapping", 90}, {"naive_loops", 90}, {"naive_noise", 90},
	}
	for _, n := range naives {
		name := strings.ReplaceAll(n.file, "_", "-")
		if n.days != 7 {
			name += fmt.Sprintf("-%dd", n.days)
		}
		params := map[string]string{
			"from": benchEnd.Add(-time.Duration(n.days) * 24 * time.Hour).Format("2006-01-02 15:04:05.000"),
			"to":   benchEnd.Format("2006-01-02 15:04:05.000"), "at": benchEnd.Format("2006-01-02 15:04:05.000"),
			"fingerprint": firstAlert,
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				if _, err := svc.Store.Query(ctx, benchSQL(b, n.file+".sql")+"\nSETTINGS max_execution_time = 1200", params); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
