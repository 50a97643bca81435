package ui_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/alertlens/alertlens/app/apptest"
)

// BenchmarkPagesOverSyntheticYear loads the overview and the state timeline
// of the last week of the synthetic year (api/testdata/bench/generate.sql:
// 10M notifications, 10M poller rows) in headless chromium, and reports the
// first contentful paint and the time until each page is complete (its
// chart drawn), both from the start of navigation as the browser measures
// it.
func BenchmarkPagesOverSyntheticYear(b *testing.B) {
	svc := apptest.Start(b, apptest.HeavyReads(apptest.Config(b)))
	svc.GenerateYear(b, 1)
	end := apptest.YearEnd
	week := url.Values{"from": {end.Add(-7 * 24 * time.Hour).Format(time.RFC3339)}, "to": {end.Format(time.RFC3339)}}.Encode()
	br := newBrowser(b)
	for _, page := range []struct{ name, path string }{
		{"overview", "/?page=overview&" + week},
		{"timeline", "/?page=timeline&" + week},
	} {
		b.Run(page.name, func(b *testing.B) {
			var paint, complete float64
			for range b.N {
				if _, err := chromedp.Run(br.ctx, chromedp.Navigate(svc.URL+page.path)); err != nil {
					b.Fatal(err)
				}
				// Complete is the page's own mark, set once every section
				// is drawn (the overview draws its sections as they come).
				if _, err := chromedp.Run(br.ctx, chromedp.Poll[bool](`performance.getEntriesByName("alertlens:rendered").length > 0`)); err != nil {
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
