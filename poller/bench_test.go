package poller

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/alertmanager/api/v2/models"
)

// pollBody is a /api/v2/alerts response of n alerts with realistic labels;
// variant changes the state of 1% of them.
func pollBody(n, variant int) []byte {
	alerts := make([]*models.GettableAlert, n)
	for i := range alerts {
		a := al(fmt.Sprintf("%016x", i), "active", 0, nil, nil)
		a.Labels = models.LabelSet{"alertname": fmt.Sprintf("Alert%d", i%200), "severity": []string{"P1", "P2", "P3", "P4"}[i%4],
			"instance": fmt.Sprintf("host-%d:9100", i%2000), "job": "node", "cluster": fmt.Sprintf("c%d", i%5), "team": fmt.Sprintf("t%d", i%12)}
		a.Annotations = models.LabelSet{"summary": "Something is wrong on " + a.Labels["instance"], "runbook_url": "https://runbooks/x"}
		if i%100 == variant%100 {
			a.Status.State = sp("suppressed")
			a.Status.SilencedBy = []string{"0b2e8f3c-0000-4000-8000-000000000001"}
		}
		alerts[i] = a
	}
	b, err := json.Marshal(alerts)
	if err != nil {
		panic(err)
	}
	return b
}

// BenchmarkPoll10k compares one poll of a 10,000-alert response — decode,
// diff against the previous poll, encode the changed rows — with the bare
// decode of the same body (the target: at most 2×).
func BenchmarkPoll10k(b *testing.B) {
	bodies := [][]byte{pollBody(10000, 0), pollBody(10000, 1)}
	b.Run("bare-decode", func(b *testing.B) {
		b.SetBytes(int64(len(bodies[0])))
		for i := range b.N {
			var alerts models.GettableAlerts
			if err := json.Unmarshal(bodies[i%2], &alerts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode+diff+encode", func(b *testing.B) {
		b.SetBytes(int64(len(bodies[0])))
		d := NewDiffer("prod", time.Hour, State{})
		var first models.GettableAlerts
		_ = json.Unmarshal(bodies[0], &first)
		_, commit := d.Diff(Snapshot{At: t0, Alerts: first})
		commit()
		b.ResetTimer()
		changes := 0
		for i := range b.N {
			var alerts models.GettableAlerts
			if err := json.Unmarshal(bodies[(i+1)%2], &alerts); err != nil {
				b.Fatal(err)
			}
			ch, commit := d.Diff(Snapshot{At: t0.Add(time.Duration(i+1) * time.Second), Alerts: alerts})
			if _, err := Sections(ch); err != nil {
				b.Fatal(err)
			}
			commit()
			changes += len(ch.States)
		}
		b.ReportMetric(float64(changes)/float64(b.N), "changes/poll")
	})
}
