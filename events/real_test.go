package events

import (
	"bufio"
	"os"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/alertlens/alertlens/webhook"
)

// testdata/alertmanager-0.34.2.jsonl is the file output of a real
// Alertmanager 0.34.2 (one critical alert notified to a webhook). Every
// line decodes, and the rows say what the lines say: the alert's decimal
// fingerprint 896448205174410980 is hex 0c70d2e49cf50ee4 (converted with
// Python's format(n, '016x')), which is also the fingerprint of its label
// set as the webhook and the API show it; a firing alert's unset endsAt
// (Go's zero time) is no end.
func TestRealRecorderFile(t *testing.T) {
	f, err := os.Open("testdata/alertmanager-0.34.2.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	lim := webhook.Limits{MaxBodyBytes: 1 << 20, MaxAlerts: 100, MaxLabels: 100, MaxLabelBytes: 1024}
	kinds := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		ev, err := DecodeOne(sc.Bytes(), lim)
		if err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		for _, r := range Rows(ev, "prod", time.Now()) {
			kinds[r.Kind]++
			if r.Kind == "notification" {
				ls := model.LabelSet{}
				for k, v := range r.Labels {
					ls[model.LabelName(k)] = model.LabelValue(v)
				}
				if got := ls.Fingerprint().String(); got != r.Fingerprint {
					t.Errorf("label-set fingerprint %s, event fingerprint %s", got, r.Fingerprint)
				}
				if r.Fingerprint != "0c70d2e49cf50ee4" || r.Status != "firing" || r.EndsAt != nil || r.Receiver != "r" || r.Integration != "webhook" || r.Reason != "first_notification" {
					t.Errorf("notification row %+v", r)
				}
			}
		}
	}
	if kinds["alertmanager_startup"] != 1 || kinds["alert_created"] != 1 || kinds["alert_grouped"] != 1 || kinds["notification"] != 1 || kinds["alertmanager_shutdown"] != 1 {
		t.Errorf("kinds %v", kinds)
	}
}
