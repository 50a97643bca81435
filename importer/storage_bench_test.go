package importer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	amwebhook "github.com/prometheus/alertmanager/notify/webhook"
	"github.com/prometheus/alertmanager/template"
	"github.com/prometheus/common/model"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/recording"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

// k8sRule is one alerting rule of a kube-prometheus-like setup; its
// description takes the namespace, the pod, the container and the node.
type k8sRule struct {
	name, severity, job, expr, description string
}

var k8sRules = []k8sRule{
	{"KubePodCrashLooping", "warning", "kube-state-metrics", `max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",reason="CrashLoopBackOff"}[5m]) >= 1`, `Pod %s/%s (%s) is in waiting state (reason: "CrashLoopBackOff") on node %s.`},
	{"KubePodNotReady", "warning", "kube-state-metrics", `sum by (namespace, pod, cluster) (max by (namespace, pod, cluster) (kube_pod_status_phase{job="kube-state-metrics",phase=~"Pending|Unknown|Failed"}) * on (namespace, pod, cluster) group_left (owner_kind) topk by (namespace, pod, cluster) (1, max by (namespace, pod, owner_kind, cluster) (kube_pod_owner{owner_kind!="Job"}))) > 0`, `Pod %s/%s (%s) has been in a non-ready state for longer than 15 minutes on node %s.`},
	{"KubeContainerWaiting", "warning", "kube-state-metrics", `sum by (namespace, pod, container, cluster) (kube_pod_container_status_waiting_reason{job="kube-state-metrics"}) > 0`, `pod/%s in namespace %s on container %s has been in waiting state for longer than 1 hour (node %s).`},
	{"CPUThrottlingHigh", "info", "kubelet", `sum without (id, metrics_path, name, image, endpoint, job, node) (increase(container_cpu_cfs_throttled_periods_total{container!=""}[5m])) / sum without (id, metrics_path, name, image, endpoint, job, node) (increase(container_cpu_cfs_periods_total[5m])) > (25 / 100)`, `42.5%% throttling of CPU in namespace %s for pod %s container %s on node %s.`},
	{"KubeContainerOOMKilled", "critical", "kube-state-metrics", `(kube_pod_container_status_restarts_total - kube_pod_container_status_restarts_total offset 10m >= 1) and ignoring (reason) min_over_time(kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}[10m]) == 1`, `A container of pod %s/%s (%s) has been OOMKilled on node %s.`},
	{"TargetDown", "warning", "prometheus", `100 * (count by (job, namespace, service) (up == 0) / count by (job, namespace, service) (up)) > 10`, `100%% of the targets of %s/%s (%s) are down, last scraped on node %s.`},
	{"KubeHpaMaxedOut", "warning", "kube-state-metrics", `kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"} == kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics"}`, `HPA %s/%s has been running at max replicas for longer than 15 minutes (%s, %s).`},
	{"HighErrorRate", "critical", "istio-mesh", `sum by (destination_workload, namespace) (rate(istio_requests_total{response_code=~"5.."}[5m])) / sum by (destination_workload, namespace) (rate(istio_requests_total[5m])) > 0.05`, `More than 5%% of requests to %s/%s (%s) fail with 5xx, seen on %s.`},
}

// k8sAlert is one alert of the generated history: its labels and
// annotations, and when it fires.
type k8sAlert struct {
	labels, annotations template.KV
	fp, generatorURL    string
	start, end          time.Time
	rule                int
}

// k8sHistory generates a month of a Kubernetes fleet's alerts: pods
// with random names (deployment, replica-set hash, suffix) and IPs, the
// rules above with their real-length expressions and descriptions, most
// episodes minutes long and some days long.
func k8sHistory(r *rand.Rand, from time.Time, days, episodes int) []*k8sAlert {
	const podChars = "bcdfghjklmnpqrstvwxz2456789"
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = podChars[r.IntN(len(podChars))]
		}
		return string(b)
	}
	clusters := []string{"prod-eu-west-1", "prod-us-east-1", "prod-ap-south-1", "staging-eu-west-1"}
	var namespaces []string
	for _, team := range []string{"payments", "checkout", "search", "identity", "catalog", "billing", "ml-serving", "ingest", "notifications", "platform"} {
		for i := range 5 {
			namespaces = append(namespaces, fmt.Sprintf("%s-%d", team, i))
		}
	}
	type deployment struct{ namespace, name, rs string }
	var deployments []deployment
	for i := range 400 {
		ns := namespaces[r.IntN(len(namespaces))]
		deployments = append(deployments, deployment{ns, fmt.Sprintf("%s-%s-%d", strings.SplitN(ns, "-", 2)[0], []string{"api", "worker", "consumer", "frontend", "cron", "gateway"}[i%6], i), word(10)})
	}
	var out []*k8sAlert
	span := time.Duration(days) * 24 * time.Hour
	for range episodes {
		d := deployments[r.IntN(len(deployments))]
		if r.IntN(4) == 0 { // a rollout: a new replica set
			d.rs = word(10)
		}
		ri := r.IntN(len(k8sRules))
		rule := k8sRules[ri]
		cluster := clusters[r.IntN(len(clusters))]
		pod := d.name + "-" + d.rs + "-" + word(5)
		container := strings.SplitN(d.name, "-", 3)[1]
		node := fmt.Sprintf("ip-10-%d-%d-%d.eu-west-1.compute.internal", r.IntN(64), r.IntN(256), r.IntN(256))
		labels := template.KV{
			"alertname": rule.name, "severity": rule.severity, "cluster": cluster, "namespace": d.namespace,
			"pod": pod, "container": container, "job": rule.job, "prometheus": "monitoring/k8s",
			"instance": fmt.Sprintf("10.%d.%d.%d:8080", 100+r.IntN(28), r.IntN(256), r.IntN(256)),
			"endpoint": "http-metrics", "service": "kube-prometheus-stack-" + rule.job,
		}
		if r.IntN(3) == 0 {
			labels["uid"] = fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Uint64()&(1<<48-1))
		}
		ls := model.LabelSet{}
		for k, v := range labels {
			ls[model.LabelName(k)] = model.LabelValue(v)
		}
		start := from.Add(time.Duration(r.Int64N(int64(span)))).Truncate(time.Second)
		var dur time.Duration
		switch p := r.IntN(10); {
		case p < 6:
			dur = time.Duration(2+r.IntN(28)) * time.Minute
		case p < 9:
			dur = time.Duration(30+r.IntN(330)) * time.Minute
		default:
			dur = time.Duration(6*60+r.IntN(66*60)) * time.Minute
		}
		out = append(out, &k8sAlert{
			labels: labels,
			annotations: template.KV{
				"description": fmt.Sprintf(rule.description, d.namespace, pod, container, node),
				"summary":     "Alert " + rule.name + " in " + d.namespace + " on " + cluster + ".",
				"runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/" + strings.ToLower(rule.name),
			},
			fp:           ls.Fingerprint().String(),
			generatorURL: "https://prometheus." + cluster + ".example.com/graph?g0.expr=" + url.QueryEscape(rule.expr) + "&g0.tab=1",
			start:        start, end: start.Add(dur), rule: ri,
		})
	}
	return out
}

// k8sDeliveries turns the alerts into the webhook deliveries a pair of
// Alertmanagers (HA) would make, grouped by cluster, namespace and
// alertname with group_wait 30s, group_interval 5m, repeat_interval 4h,
// resolved alerts sent: critical alerts to the pager and to the team's
// chat, the others to the chat only. Lines come in time order.
func k8sDeliveries(r *rand.Rand, alerts []*k8sAlert) []recording.Line {
	type key struct{ cluster, namespace, alertname string }
	groups := map[key][]*k8sAlert{}
	for _, a := range alerts {
		k := key{a.labels["cluster"], a.labels["namespace"], a.labels["alertname"]}
		groups[k] = append(groups[k], a)
	}
	var lines []recording.Line
	send := func(k key, at time.Time, firing, resolved []*k8sAlert, receiver string) {
		data := &template.Data{Receiver: receiver, Status: "firing", GroupLabels: template.KV{"cluster": k.cluster, "namespace": k.namespace, "alertname": k.alertname},
			CommonLabels: template.KV{"cluster": k.cluster, "namespace": k.namespace, "alertname": k.alertname}, CommonAnnotations: template.KV{}, ExternalURL: "https://alertmanager." + k.cluster + ".example.com"}
		if len(firing) == 0 {
			data.Status = "resolved"
		}
		for _, a := range firing {
			data.Alerts = append(data.Alerts, template.Alert{Status: "firing", Labels: a.labels, Annotations: a.annotations, StartsAt: a.start, GeneratorURL: a.generatorURL, Fingerprint: a.fp})
		}
		for _, a := range resolved {
			data.Alerts = append(data.Alerts, template.Alert{Status: "resolved", Labels: a.labels, Annotations: a.annotations, StartsAt: a.start, EndsAt: a.end, GeneratorURL: a.generatorURL, Fingerprint: a.fp})
		}
		msg := amwebhook.Message{Data: data, Version: "4", GroupKey: fmt.Sprintf(`{}/{severity=~"^(?:critical|warning|info)$"}:{alertname=%q, cluster=%q, namespace=%q}`, k.alertname, k.cluster, k.namespace)}
		body, err := json.Marshal(msg)
		if err != nil {
			panic(err)
		}
		// Both replicas deliver, a fraction of a second to 3 s apart.
		for range 2 {
			lines = append(lines, recording.Line{Kind: recording.KindWebhook, At: at.Add(time.Duration(r.Int64N(int64(3 * time.Second)))), Source: "prod", Payload: body})
		}
	}
	for k, as := range groups {
		slices.SortFunc(as, func(a, b *k8sAlert) int { return a.start.Compare(b.start) })
		receivers := []string{"slack-" + strings.SplitN(k.namespace, "-", 2)[0]}
		if k8sRules[as[0].rule].severity == "critical" {
			receivers = append(receivers, "pagerduty")
		}
		// The group lives from an alert's start (first flush after
		// group_wait) until a flush finds nothing firing.
		next := 0
		for next < len(as) {
			t := as[next].start.Add(30 * time.Second)
			sentFiring := map[*k8sAlert]bool{}
			var lastSent time.Time
			for {
				for next < len(as) && !as[next].start.After(t) {
					next++
				}
				var firing, resolved []*k8sAlert
				changed := false
				for _, a := range as[:next] {
					switch {
					case a.end.After(t):
						firing = append(firing, a)
						changed = changed || !sentFiring[a]
					case sentFiring[a]:
						resolved = append(resolved, a)
						changed = true
					}
				}
				if changed || (len(firing) > 0 && t.Sub(lastSent) >= 4*time.Hour) {
					for _, rc := range receivers {
						send(k, t, firing, resolved, rc)
					}
					lastSent = t
					for _, a := range resolved {
						delete(sentFiring, a)
					}
					for _, a := range firing {
						sentFiring[a] = true
					}
				}
				if len(firing) == 0 {
					break
				}
				t = t.Add(5 * time.Minute)
			}
		}
	}
	slices.SortStableFunc(lines, func(a, b recording.Line) int { return a.At.Compare(b.At) })
	return lines
}

// BenchmarkStorageRealistic imports a month of a Kubernetes fleet's
// webhook deliveries (see k8sHistory and k8sDeliveries: random pod names
// and IPs, real-length expressions, descriptions and runbook links, HA
// pairs) through /api/v1/import, the intake live deliveries take (the
// materialized views included), merges every table and reports the bytes
// on disk per notification row: the notifications themselves, and with
// them what alertlens keeps beside them from the same deliveries (the
// episodes' day summaries, the alerts' labels, and the month's episodes
// sealed). The target: ≤ 40
// bytes per notification row.
//
// ALERTLENS_BENCH_STORE=DIR imports into DIR (database "storage",
// replaced), for trying other codecs on the same rows afterwards.
func BenchmarkStorageRealistic(b *testing.B) {
	keep := os.Getenv("ALERTLENS_BENCH_STORE")
	if keep != "" {
		if err := storetest.UseDataDir(keep); err != nil {
			b.Fatal(err)
		}
	}
	for range b.N {
		cfg := apptest.Config(b)
		if keep != "" {
			cfg.Store.Database = "storage"
			if err := storetest.Backend(b).Exec(context.Background(), "DROP DATABASE IF EXISTS storage"); err != nil {
				b.Fatal(err)
			}
		}
		svc := apptest.Start(b, cfg)
		r := rand.New(rand.NewPCG(13, 1))
		from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		lines := k8sDeliveries(r, k8sHistory(r, from, 28, 60000))
		// One import a day of deliveries, each well under the import limit.
		var chunk strings.Builder
		imported := 0
		flush := func() {
			if chunk.Len() == 0 {
				return
			}
			if code, body := svc.Post(b, "/api/v1/import", "application/x-ndjson", []byte(chunk.String())); code != 200 {
				b.Fatalf("import: %d %.300s", code, body)
			}
			chunk.Reset()
		}
		day := lines[0].At.Truncate(24 * time.Hour)
		for _, l := range lines {
			if d := l.At.Truncate(24 * time.Hour); !d.Equal(day) {
				flush()
				day = d
			}
			j, err := json.Marshal(l)
			if err != nil {
				b.Fatal(err)
			}
			chunk.Write(j)
			chunk.WriteByte('\n')
			imported++
		}
		flush()
		svc.WaitDrained(b)
		ctx := context.Background()
		tables := []string{store.TableNotifications, store.TableEpisodeDays, "alert_labels", "sealed_episodes"}
		for _, t := range tables[:3] {
			if err := svc.Store.Exec(ctx, "OPTIMIZE TABLE {{db}}."+t+" FINAL"); err != nil {
				b.Fatal(err)
			}
		}
		// And the month sealed, as the compactor seals it once the next
		// month has begun.
		if _, err := svc.Store.SealEpisodes(ctx, from.AddDate(0, 1, 14), time.Duration(cfg.Webhook.DedupWindow)); err != nil {
			b.Fatal(err)
		}
		if err := svc.Store.Exec(ctx, "OPTIMIZE TABLE {{db}}.sealed_episodes FINAL"); err != nil {
			b.Fatal(err)
		}
		params := map[string]string{"db": cfg.Store.Database, "tables": queries.StringArray(tables)}
		// (the engine writes 64-bit counts as JSON strings)
		num := func(v any) float64 {
			var f float64
			if _, err := fmt.Sscan(fmt.Sprint(v), &f); err != nil {
				b.Fatalf("%v: %v", v, err)
			}
			return f
		}
		got := map[string][3]float64{}
		for _, row := range svc.Rows(b, "SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes, sum(data_uncompressed_bytes) AS raw FROM system.parts WHERE database = {db:String} AND table IN {tables:Array(String)} AND active GROUP BY table", params) {
			got[row["table"].(string)] = [3]float64{num(row["rows"]), num(row["bytes"]), num(row["raw"])}
		}
		notes := got[store.TableNotifications][0]
		if notes == 0 {
			b.Fatal("no notification stored")
		}
		total := 0.0
		for _, t := range tables {
			total += got[t][1]
			b.Logf("%-14s %10.0f rows %12.0f bytes on disk (%6.1f B per notification row) %12.0f uncompressed", t, got[t][0], got[t][1], got[t][1]/notes, got[t][2])
		}
		// Where the bytes are: each column's share, largest first.
		var cols strings.Builder
		for _, c := range svc.Rows(b, "SELECT table, name, data_compressed_bytes AS bytes FROM system.columns WHERE database = {db:String} AND table IN {tables:Array(String)} AND data_compressed_bytes > 0 ORDER BY data_compressed_bytes DESC", params) {
			fmt.Fprintf(&cols, "\n  %s.%s: %.2f", c["table"], c["name"], num(c["bytes"])/notes)
		}
		b.Logf("bytes on disk per notification row, by column:%s", cols.String())
		b.ReportMetric(notes, "notification-rows")
		b.ReportMetric(got[store.TableNotifications][1]/notes, "B/notification")
		b.ReportMetric(total/notes, "B/notification-all")
		b.ReportMetric(got[store.TableNotifications][2]/notes, "raw-B/notification")
		b.Logf("%d webhook deliveries imported", imported)
	}
}
