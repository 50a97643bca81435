package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	amwebhook "github.com/prometheus/alertmanager/notify/webhook"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/store"
)

// payloads makes n webhook bodies of per alerts each, with realistic labels
// and distinct fingerprints.
func payloads(n, per int) [][]byte {
	out := make([][]byte, n)
	for p := range out {
		out[p] = payload(func(m, a map[string]any) {
			var as []any
			for i := range per {
				k := p*per + i
				b := map[string]any{}
				for key, v := range a {
					b[key] = v
				}
				b["fingerprint"] = fmt.Sprintf("%016x", k)
				b["labels"] = map[string]any{"alertname": fmt.Sprintf("Alert%d", k%200), "severity": "P2", "instance": fmt.Sprintf("host-%d:9100", k%2000),
					"job": "node", "cluster": "eu-1", "team": "db"}
				as = append(as, b)
			}
			m["alerts"] = as
		})
	}
	return out
}

// BenchmarkWebhookEndToEnd: alerts/s from HTTP POST until the rows are in
// the embedded store, next to a bare encoding/json decode of the same
// payloads. The target: end to end ≥ 0.5 × bare decode.
func BenchmarkWebhookEndToEnd(b *testing.B) {
	const nPayloads, per = 500, 100
	bodies := payloads(nPayloads, per)
	b.Run("bare-decode", func(b *testing.B) {
		for range b.N {
			t0 := time.Now()
			for _, body := range bodies {
				var m amwebhook.Message
				if err := json.Unmarshal(body, &m); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(nPayloads*per)/time.Since(t0).Seconds(), "alerts/s")
		}
	})
	b.Run("http-queue-store", func(b *testing.B) {
		cfg := apptest.Config(b)
		cfg.Queue.FlushInterval = 1e8 // 100ms
		svc := apptest.Start(b, cfg)
		for i := range b.N {
			if err := svc.Store.Exec(context.Background(), "TRUNCATE TABLE {{db}}.notifications"); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			svc.PostAll(b, "/webhook/bench", bodies, 8)
			if got := svc.WaitCount(b, store.TableNotifications, "", nPayloads*per); got != nPayloads*per {
				b.Fatalf("round %d: %d rows stored", i, got)
			}
			b.ReportMetric(float64(nPayloads*per)/time.Since(t0).Seconds(), "alerts/s")
		}
	})
}

// BenchmarkWebhookAckLatency sends 5,000 alerts/s (100 payloads of 50
// alerts a second, open loop) for 5 s and reports acknowledgement latency.
// The target: p99 ≤ 20 ms.
func BenchmarkWebhookAckLatency(b *testing.B) {
	const rate, per, seconds = 100, 50, 5
	bodies := payloads(rate*seconds, per)
	cfg := apptest.Config(b)
	svc := apptest.Start(b, cfg)
	for range b.N {
		apptest.ReportLatency(b, "", svc.OpenLoop(b, "/webhook/bench", bodies, rate))
	}
}

// BenchmarkAckUnderReads sends 5,000 alerts/s (100 payloads of 50 a second,
// open loop) for 5 s twice over 2M stored notifications: first with no
// reads, then while two clients run the heaviest analysis (noise by a
// high-cardinality label over the whole year) in a loop. It reports the
// acknowledgement latency and the writer's lag (the age of the oldest row
// not yet in the store, sampled every 20 ms) of each phase. Reads run on
// their own engine connections, so the two phases should look alike. A
// third phase runs while the episode summaries are merged in a loop.
func BenchmarkAckUnderReads(b *testing.B) {
	const rate, per, seconds = 100, 50, 5
	cfg := apptest.Config(b)
	cfg.API.QueryTimeout = 300e9
	cfg.HTTP.WriteTimeout = 360e9 // the answer must outlast the query
	cfg.HTTP.WriteTimeout = 600e9
	svc := apptest.Start(b, cfg)
	// 500,000 episodes of four notifications (three firing, one resolved
	// with its endsAt), one a minute through 2026, 100,000 pod values.
	if err := svc.Store.Exec(context.Background(), `INSERT INTO {{db}}.notifications (received_at, source, receiver, group_key, status, fingerprint, alertname, labels, starts_at, ends_at)
		SELECT toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + intDiv(number, 4) * 60 + (number % 4) * 15, 'prod', concat('team-', toString(number % 7)), 'g', if(number % 4 = 3, 'resolved', 'firing'),
		       lower(hex(cityHash64(intDiv(number, 4)))), concat('Alert', toString(number % 300)),
		       map('alertname', concat('Alert', toString(number % 300)), 'instance', concat('10.1.', toString(number % 250), '.', toString(intDiv(number, 250) % 250), ':9100'),
		           'pod', concat('api-', toString(cityHash64(intDiv(number, 4)) % 100000))),
		       toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + intDiv(number, 4) * 60,
		       if(number % 4 = 3, toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + intDiv(number, 4) * 60 + 45, NULL)
		FROM numbers(2000000)`); err != nil {
		b.Fatal(err)
	}
	phase := func(b *testing.B, name string, offset int) {
		bodies := payloads(rate*seconds, per)
		stop, maxLag := make(chan struct{}), make(chan time.Duration)
		go func() {
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			var most time.Duration
			for {
				select {
				case <-stop:
					maxLag <- most
					return
				case <-t.C:
					if st := svc.Queue.Stats(); st.Bytes > 0 && !st.OldestAt.IsZero() {
						most = max(most, time.Since(st.OldestAt))
					}
				}
			}
		}()
		lat := svc.OpenLoop(b, fmt.Sprintf("/webhook/bench%d", offset), bodies, rate)
		svc.WaitDrained(b)
		close(stop)
		apptest.ReportLatency(b, name+"-", lat)
		b.ReportMetric(float64((<-maxLag).Milliseconds()), name+"-writer-lag-max-ms")
	}
	for range b.N {
		phase(b, "quiet", 1)
		done := make(chan struct{})
		var reads sync.WaitGroup
		var readCount, readErrs int
		var rmu sync.Mutex
		for range 2 {
			reads.Add(1)
			go func() {
				defer reads.Done()
				for {
					select {
					case <-done:
						return
					default:
					}
					code, body := svc.Get(b, "/api/v1/noise?by=pod&from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z")
					rmu.Lock()
					readCount++
					if code != 200 {
						if readErrs == 0 {
							b.Logf("read failed: %d %.300s", code, body)
						}
						readErrs++
					}
					rmu.Unlock()
				}
			}()
		}
		phase(b, "reads", 2)
		close(done)
		reads.Wait()
		b.ReportMetric(float64(readCount), "reads-done")
		b.ReportMetric(float64(readErrs), "reads-failed")

		// Then while the episode summaries are merged in a loop, as
		// store.compact_interval does: each round first gives every month
		// a second part (a copy of its rows, on a read connection, which
		// the merge collapses again), then merges them. The copy is work
		// the compactor does not do, so this phase overstates it.
		merged := make(chan struct{})
		var merges, mergeErrs int
		var mw sync.WaitGroup
		mw.Add(1)
		go func() {
			defer mw.Done()
			ctx := context.Background()
			for {
				select {
				case <-merged:
					return
				default:
				}
				_, err := svc.Store.Query(ctx, "INSERT INTO {{db}}.episode_days SELECT * FROM {{db}}.episode_days", nil)
				if err == nil {
					_, err = svc.Store.CompactSummaries(ctx)
				}
				if err != nil {
					if mergeErrs == 0 {
						b.Logf("merge round failed: %v", err)
					}
					mergeErrs++
					continue
				}
				merges++
			}
		}()
		phase(b, "merging", 3)
		close(merged)
		mw.Wait()
		b.ReportMetric(float64(merges), "merge-rounds")
		b.ReportMetric(float64(mergeErrs), "merge-rounds-failed")
	}
}
