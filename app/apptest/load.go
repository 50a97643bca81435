package apptest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// The load helpers serve the benchmarks: they post JSON bodies as
// Alertmanagers would and fail tb on any answer but 200.

// PostAll posts every body to path from workers goroutines at once.
func (s *Service) PostAll(tb testing.TB, path string, bodies [][]byte, workers int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	work := make(chan []byte)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for body := range work {
				if _, err := s.timedPost(client, path, body); err != nil {
					tb.Error(err)
				}
			}
		})
	}
	for _, body := range bodies {
		work <- body
	}
	close(work)
	wg.Wait()
}

// OpenLoop posts bodies to path, rate a second, each on time whether or not
// the earlier ones were answered (open loop, so a slow answer cannot slow
// the load), and returns the acknowledgement latencies, sorted.
func (s *Service) OpenLoop(tb testing.TB, path string, bodies [][]byte, rate int) []time.Duration {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for _, body := range bodies {
		<-tick.C
		wg.Go(func() {
			d, err := s.timedPost(client, path, body)
			if err != nil {
				tb.Error(err)
				return
			}
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(lat)
	return lat
}

// ReportLatency reports the median, 99th percentile and maximum of sorted
// latencies, in milliseconds, as metrics named prefix+"p50-ms" and so on.
func ReportLatency(b *testing.B, prefix string, sorted []time.Duration) {
	if len(sorted) == 0 {
		b.Fatal("no latencies to report: every request failed")
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(sorted[len(sorted)/2]), prefix+"p50-ms")
	b.ReportMetric(ms(sorted[len(sorted)*99/100]), prefix+"p99-ms")
	b.ReportMetric(ms(sorted[len(sorted)-1]), prefix+"max-ms")
}

func (s *Service) timedPost(client *http.Client, path string, body []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("POST %s: status %d", path, resp.StatusCode)
	}
	return time.Since(t0), nil
}
