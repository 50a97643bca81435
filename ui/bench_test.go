package ui_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/store"
)

// BenchmarkPagesOverSyntheticYear loads the overview and the state timeline
// of the last week of the synthetic year (api/testdata/bench/generate.sql:
// 10M notifications, 10M poller rows) in headless chromium, and reports the
// first contentful paint and the time until each page is complete (its
// chart drawn), both from the start of navigation as the browser measures
// it.
func BenchmarkPagesOverSyntheticYear(b *testing.B) {
	cfg := apptest.Config(b)
	cfg.API.QueryTimeout = 600e9
	cfg.HTTP.WriteTimeout = 660e9
	cfg.API.MaxRows = 10_000_000
	svc := apptest.Start(b, cfg)
	sql, err := os.ReadFile(filepath.Join("..", "api", "testdata", "bench", "generate.sql"))
	if err != nil {
		b.Fatal(err)
	}
	end := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, stmt := range store.SplitStatements(string(sql)) {
		if _, err := svc.Store.Query(context.Background(), stmt, map[string]string{"end": strconv.FormatInt(end.Unix(), 10)}); err != nil {
			b.Fatalf("generating: %v", err)
		}
	}
	week := url.Values{"from": {end.Add(-7 * 24 * time.Hour).Format(time.RFC3339)}, "to": {end.Format(time.RFC3339)}}.Encode()
	br := newBrowser(b)
	for _, page := range []struct{ name, path, done string }{
		{"overview", "/?page=overview&" + week, "#chart canvas"},
		{"timeline", "/?page=timeline&" + week, "#swimlanes canvas"},
	} {
		b.Run(page.name, func(b *testing.B) {
			var paint, complete float64
			for range b.N {
				if _, err := chromedp.Run(br.ctx, chromedp.Navigate(svc.URL+page.path)); err != nil {
					b.Fatal(err)
				}
				if _, err := chromedp.Run(br.ctx, chromedp.WaitReady(page.done)); err != nil {
					b.Fatal(err)
				}
				v, err := chromedp.Run(br.ctx, chromedp.Evaluate[[]float64](
					`[(performance.getEntriesByName("first-contentful-paint")[0] || {startTime: -1}).startTime,
					  (performance.getEntriesByName("alertlens:rendered")[0] || {startTime: -1}).startTime]`))
				if err != nil || len(v) != 2 || v[0] < 0 || v[1] < 0 {
					b.Fatalf("reading the page's timings: %v %v", v, err)
				}
				paint += v[0]
				complete += v[1]
			}
			b.ReportMetric(paint/float64(b.N), "ms-first-paint")
			b.ReportMetric(complete/float64(b.N), "ms-complete")
		})
	}
	br.clean(b)
}
