package store_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

// splitSummaries stores three alerts' rows so that the summaries of two
// months lie in two parts each, and keeps the engine's own merges away from
// the table (no part is small enough for them), so that only
// CompactSummaries merges.
//
// f1 (2026-11-02) and f2 (2026-10-15) each have a notification (receiver
// oncall) and a poller row (receivers chat): one insert of the
// notifications writes one summary row per alert into one part per month,
// the insert of the poller rows a second row per alert into a second part.
// f3 (2026-09-10) has only a notification: September holds one part.
// Before: November 2 parts and rows, October 2 and 2, September 1 and 1.
func splitSummaries(t *testing.T) *store.Store {
	t.Helper()
	st := storetest.New(t)
	ctx := context.Background()
	if err := st.Exec(ctx, "ALTER TABLE {{db}}.episode_days MODIFY SETTING max_bytes_to_merge_at_max_space_in_pool = 1, max_bytes_to_merge_at_min_space_in_pool = 1"); err != nil {
		t.Fatal(err)
	}
	var notes []store.Notification
	var states []store.AlertState
	for _, a := range []struct {
		fp, day string
		polled  bool
	}{{"f1", "2026-11-02", true}, {"f2", "2026-10-15", true}, {"f3", "2026-09-10", false}} {
		starts := ts(a.day + "T09:58:00Z")
		notes = append(notes, store.Notification{ReceivedAt: ts(a.day + "T10:00:00Z"), Source: "eu", Receiver: "oncall", GroupKey: "g", Status: "firing",
			GroupLabels: map[string]string{}, RouteLabels: map[string]string{}, Annotations: map[string]string{},
			Fingerprint: a.fp, Alertname: "Disk", Labels: map[string]string{"alertname": "Disk"}, StartsAt: starts})
		if a.polled {
			states = append(states, store.AlertState{ObservedAt: ts(a.day + "T10:10:00Z"), Source: "eu", Fingerprint: a.fp, Kind: store.KindAppeared,
				Alertname: "Disk", Labels: map[string]string{"alertname": "Disk"}, Annotations: map[string]string{},
				SilencedBy: []string{}, InhibitedBy: []string{}, MutedBy: []string{}, Receivers: []string{"chat"}, StartsAt: starts})
		}
	}
	for table, rows := range map[string]func() ([]byte, error){
		store.TableNotifications: func() ([]byte, error) { return store.EncodeRows(nil, notes) },
		store.TableAlertStates:   func() ([]byte, error) { return store.EncodeRows(nil, states) },
	} {
		b, err := rows()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Insert(ctx, table, b, table+"-1"); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// summaryParts lists episode_days' parts and rows per partition, and its rows
// as stored (no merging at read time).
func summaryParts(t *testing.T, st *store.Store) (parts, rows string) {
	t.Helper()
	ctx := context.Background()
	p, err := st.Query(ctx, `SELECT groupArray(concat(partition_id, ': ', toString(n), ' parts, ', toString(r), ' rows')) AS parts
		FROM (SELECT partition_id, count() AS n, sum(rows) AS r FROM system.parts
		      WHERE database = {db:String} AND table = 'episode_days' AND active GROUP BY partition_id ORDER BY partition_id)`,
		map[string]string{"db": st.Database()})
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.Query(ctx, `SELECT fingerprint, day, arraySort(receivers) AS receivers, length(deliveries) AS deliveries
		FROM {{db}}.episode_days ORDER BY fingerprint, receivers`, nil)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(p)), strings.TrimSpace(string(r))
}

func TestCompactSummariesMergesEachMonthIntoOneRowPerEpisodeAndDay(t *testing.T) {
	st := splitSummaries(t)
	ctx := context.Background()
	parts, rows := summaryParts(t, st)
	if want := `{"parts":["202609: 1 parts, 1 rows","202610: 2 parts, 2 rows","202611: 2 parts, 2 rows"]}`; parts != want {
		t.Fatalf("before: parts %s, want %s", parts, want)
	}
	// Each alert's notification gives a row with receivers [oncall] and
	// its one delivery, its poller row a row with [chat] and none.
	before := strings.Join([]string{
		`{"fingerprint":"f1","day":"2026-11-02","receivers":["chat"],"deliveries":0}`,
		`{"fingerprint":"f1","day":"2026-11-02","receivers":["oncall"],"deliveries":1}`,
		`{"fingerprint":"f2","day":"2026-10-15","receivers":["chat"],"deliveries":0}`,
		`{"fingerprint":"f2","day":"2026-10-15","receivers":["oncall"],"deliveries":1}`,
		`{"fingerprint":"f3","day":"2026-09-10","receivers":["oncall"],"deliveries":1}`,
	}, "\n")
	if rows != before {
		t.Fatalf("before: rows\n%s\nwant\n%s", rows, before)
	}
	n, err := st.CompactSummaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("merged %d partitions, want 2 (November and October; September is one part)", n)
	}
	// One row per alert and day, each the union of the two.
	parts, rows = summaryParts(t, st)
	if want := `{"parts":["202609: 1 parts, 1 rows","202610: 1 parts, 1 rows","202611: 1 parts, 1 rows"]}`; parts != want {
		t.Errorf("after: parts %s, want %s", parts, want)
	}
	after := strings.Join([]string{
		`{"fingerprint":"f1","day":"2026-11-02","receivers":["chat","oncall"],"deliveries":1}`,
		`{"fingerprint":"f2","day":"2026-10-15","receivers":["chat","oncall"],"deliveries":1}`,
		`{"fingerprint":"f3","day":"2026-09-10","receivers":["oncall"],"deliveries":1}`,
	}, "\n")
	if rows != after {
		t.Errorf("after: rows\n%s\nwant\n%s", rows, after)
	}
	if n, err := st.CompactSummaries(ctx); err != nil || n != 0 {
		t.Errorf("again: merged %d partitions (%v), want 0: every partition is one part", n, err)
	}
}

// The compactor merges on its own every interval and counts what it merged;
// a run the engine refuses (merges stopped on the table: a real refusal,
// "Cancelled merging parts") is counted as a failure and the next runs
// try again. After merging it seals the months before its clock's
// (2026-11-20: September and October, f3's and f2's episodes), once.
func TestCompactorRunsEveryIntervalAndRetriesAfterAFailure(t *testing.T) {
	st := splitSummaries(t)
	ctx := context.Background()
	if err := st.Exec(ctx, "SYSTEM STOP MERGES {{db}}.episode_days"); err != nil {
		t.Fatal(err)
	}
	if n, err := st.CompactSummaries(ctx); err == nil || n != 0 || !strings.Contains(err.Error(), "merging partition 202611 of episode_days") {
		t.Fatalf("with merges stopped: merged %d, error %v; want 0 and an error naming November's partition", n, err)
	}
	reg := prometheus.NewRegistry()
	c := store.NewCompactor(st, store.CompactorOptions{
		Interval: 10 * time.Millisecond, DedupWindow: time.Minute,
		Now: func() time.Time { return time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC) },
	}, slog.New(slog.DiscardHandler), reg)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); c.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	counter := func(name string) float64 {
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == name {
				return mf.GetMetric()[0].GetCounter().GetValue()
			}
		}
		t.Fatalf("no metric %s", name)
		return 0
	}
	waitFor := func(name string, want float64) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); counter(name) < want && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor("alertlens_compaction_failures_total", 1)
	if got := counter("alertlens_compaction_failures_total"); got < 1 {
		t.Fatalf("failed runs counted: %v, want at least 1", got)
	}
	if got := counter("alertlens_compaction_partitions_merged_total"); got != 0 {
		t.Fatalf("partitions merged while merges were stopped: %v, want 0", got)
	}
	if got := counter("alertlens_compaction_seals_total"); got != 0 {
		t.Fatalf("seals built while merging failed: %v, want 0", got)
	}
	if err := st.Exec(ctx, "SYSTEM START MERGES {{db}}.episode_days"); err != nil {
		t.Fatal(err)
	}
	waitFor("alertlens_compaction_partitions_merged_total", 2)
	if got := counter("alertlens_compaction_partitions_merged_total"); got != 2 {
		t.Fatalf("partitions merged: %v, want 2 (November and October)", got)
	}
	if _, rows := summaryParts(t, st); strings.Count(rows, "\n") != 2 {
		t.Errorf("rows after the compactor ran:\n%s\nwant 3, one per alert and day", rows)
	}
	waitFor("alertlens_compaction_seals_total", 1)
	if n := storetest.Count(t, st, "sealed_episodes", ""); n != 2 {
		t.Errorf("sealed episodes: %d, want 2 (f2's and f3's)", n)
	}
	// Ten more runs with nothing changed (each adds its time to
	// alertlens_compaction_seconds_total): no other seal.
	for range 10 {
		before := counter("alertlens_compaction_seconds_total")
		for deadline := time.Now().Add(30 * time.Second); counter("alertlens_compaction_seconds_total") == before; {
			if time.Now().After(deadline) {
				t.Fatal("no compactor run for 30 s")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if got := counter("alertlens_compaction_seals_total"); got != 1 {
		t.Errorf("seals built: %v, want 1", got)
	}
}

// Without a dedup window reads build episodes from the raw rows and never
// read a seal: a run then forgets every seal and drops every generation,
// also one whose build never finished; with a window again it seals anew.
// The months before 2026-11-20 hold f2's and f3's episodes.
func TestSealsDroppedWithoutADedupWindow(t *testing.T) {
	st := splitSummaries(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	if _, err := st.CompactSummaries(ctx); err != nil {
		t.Fatal(err)
	}
	held := func(what string, seals, sealed int) {
		t.Helper()
		if n := storetest.Count(t, st, "episode_seals", ""); n != seals {
			t.Errorf("%s: %d seals recorded, want %d", what, n, seals)
		}
		if n := storetest.Count(t, st, "sealed_episodes", ""); n != sealed {
			t.Errorf("%s: %d sealed episodes, want %d", what, n, sealed)
		}
	}
	if built, err := st.SealEpisodes(ctx, now, time.Minute); err != nil || !built {
		t.Fatalf("sealing: built %v, %v; want a seal", built, err)
	}
	held("sealed", 1, 2)
	// A generation left by a build that never finished: never recorded.
	if err := st.Exec(ctx, "INSERT INTO {{db}}.sealed_episodes (seal, source, fingerprint, starts_at, first_day, last_day) VALUES (7, 'eu', 'f9', '2026-10-01 00:00:00', '2026-10-01', '2026-10-01')"); err != nil {
		t.Fatal(err)
	}
	// (and generations with stretches only and with muted time only: the
	// stale ones are listed from every sealed table, and each dropped from
	// all of them)
	if err := st.Exec(ctx, "INSERT INTO {{db}}.sealed_stretches (seal, source, fingerprint, start, end, inhibited_by) VALUES (8, 'eu', 'f9', '2026-10-01 00:00:00', NULL, ['f8'])"); err != nil {
		t.Fatal(err)
	}
	if err := st.Exec(ctx, "INSERT INTO {{db}}.sealed_muted (seal, source, fingerprint, starts_at, day, silenced_ms, inhibited_ms, last_at, last_silenced, last_inhibited) VALUES (9, 'eu', 'f9', '2026-10-01 00:00:00', '2026-10-01', 5, 0, NULL, false, false)"); err != nil {
		t.Fatal(err)
	}
	held("with an unfinished build", 1, 3)
	if n := storetest.Count(t, st, "sealed_stretches", "seal = 8"); n != 1 {
		t.Fatalf("unfinished sealed stretches: %d, want 1", n)
	}
	if n := storetest.Count(t, st, "sealed_muted", "seal = 9"); n != 1 {
		t.Fatalf("unfinished sealed muted time: %d, want 1", n)
	}
	for i := range 2 { // the second run finds nothing to drop
		if built, err := st.SealEpisodes(ctx, now, 0); err != nil || built {
			t.Fatalf("run %d without a window: built %v, %v; want nothing built", i+1, built, err)
		}
		held("without a window", 0, 0)
		if n := storetest.Count(t, st, "sealed_stretches", ""); n != 0 {
			t.Errorf("run %d without a window: %d sealed stretches, want 0", i+1, n)
		}
		if n := storetest.Count(t, st, "sealed_muted", ""); n != 0 {
			t.Errorf("run %d without a window: %d rows of sealed muted time, want 0", i+1, n)
		}
	}
	if built, err := st.SealEpisodes(ctx, now, time.Minute); err != nil || !built {
		t.Fatalf("with a window again: built %v, %v; want a seal", built, err)
	}
	held("sealed again", 1, 2)
}
