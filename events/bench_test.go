package events_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/alertmanager/eventrecorder/eventrecorderpb"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/store"
)

// batches makes n batch bodies (as the recorder's webhook output sends with
// batch: true) of per events each, a realistic mix: an alert grouped, muted
// by an inhibition rule, muted by a silence, notified (one alert each), with
// k8s-like labels and distinct fingerprints.
func batches(n, per int) [][]byte {
	out := make([][]byte, n)
	for p := range out {
		evs := make([]string, per)
		for i := range per {
			k := p*per + i + 1
			labels := fmt.Sprintf(`{"labels":[{"key":"alertname","value":"Alert%d"},{"key":"cluster","value":"eu-1"},{"key":"instance","value":"10.1.%d.%d:9100"},{"key":"job","value":"node"},{"key":"namespace","value":"team-%d"},{"key":"pod","value":"api-%x-%d"},{"key":"severity","value":"warning"}]}`,
				k%200, k%250, k%200, k%40, k*7919, k%10)
			ts := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC).Add(time.Duration(k) * time.Millisecond).Format(time.RFC3339Nano)
			var data string
			switch k % 4 {
			case 0:
				data = fmt.Sprintf(`{"alertGrouped":{"alert":{"hash":"%d","details":{"fingerprint":"%d","name":"Alert%d","labels":%s,"annotations":{},"startsAt":"%s","endsAt":"0001-01-01T00:00:00Z"}},"groupInfo":{"groupKey":"{}:{alertname=\"Alert%d\"}","receiverName":"team"}}}`, k, k, k%200, labels, ts, k%200)
			case 1:
				data = fmt.Sprintf(`{"inhibitionMutedAlert":{"inhibitRules":[{"sourceMatchers":[{"type":"TYPE_EQUAL","name":"severity","pattern":"critical","rendered":"severity=\"critical\""}],"targetMatchers":[{"type":"TYPE_EQUAL","name":"severity","pattern":"warning","rendered":"severity=\"warning\""}],"equalLabels":["cluster"],"name":"crit-mutes-warn"}],"mutedAlert":{"labels":%s,"fingerprint":"%d"},"inhibitingFingerprints":["%d"]}}`, labels, k, k+1)
			case 2:
				data = fmt.Sprintf(`{"silenceMutedAlert":{"silence":{"id":"s%d","createdBy":"alice","comment":"maintenance"},"mutedAlert":{"labels":%s,"fingerprint":"%d"}}}`, k%50, labels, k)
			default:
				data = fmt.Sprintf(`{"notification":{"alerts":[{"hash":"%d","details":{"fingerprint":"%d","name":"Alert%d","labels":%s,"annotations":{},"startsAt":"%s","endsAt":"0001-01-01T00:00:00Z"}}],"groupInfo":{"groupKey":"{}:{}","receiverName":"team"},"reason":"NOTIFY_REASON_FIRST_NOTIFICATION","integration":{"name":"webhook"}}}`, k, k, k%200, labels, ts)
			}
			evs[i] = fmt.Sprintf(`{"@timestamp":"%s","instance":"am-0","data":%s}`, ts, data)
		}
		out[p] = []byte("[" + strings.Join(evs, ",") + "]")
	}
	return out
}

// BenchmarkEventsEndToEnd: events/s from HTTP POST until the rows are in
// the embedded store, next to a bare protojson decode of the same bodies
// (split into events, each decoded into Alertmanager's type). The target:
// end to end ≥ 0.5 × bare decode.
func BenchmarkEventsEndToEnd(b *testing.B) {
	const nBodies, per = 500, 100
	bodies := batches(nBodies, per)
	b.Run("bare-protojson-decode", func(b *testing.B) {
		for range b.N {
			t0 := time.Now()
			for _, body := range bodies {
				var raws []json.RawMessage
				if err := json.Unmarshal(body, &raws); err != nil {
					b.Fatal(err)
				}
				for _, raw := range raws {
					var ev eventrecorderpb.Event
					if err := protojson.Unmarshal(raw, &ev); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(nBodies*per)/time.Since(t0).Seconds(), "events/s")
		}
	})
	b.Run("http-queue-store", func(b *testing.B) {
		cfg := apptest.Config(b)
		cfg.Queue.FlushInterval = 1e8 // 100ms
		svc := apptest.Start(b, cfg)
		for i := range b.N {
			if err := svc.Store.Exec(context.Background(), "TRUNCATE TABLE {{db}}.events"); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			svc.PostAll(b, "/events/bench", bodies, 8)
			if got := svc.WaitCount(b, store.TableEvents, "", nBodies*per); got != nBodies*per {
				b.Fatalf("round %d: %d rows stored", i, got)
			}
			b.ReportMetric(float64(nBodies*per)/time.Since(t0).Seconds(), "events/s")
		}
	})
}
