package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

// sampleRows has one row of every data table with every column set to
// something other than its zero value where the type allows (and NULL
// where it is Nullable), so a column whose stored spelling decodes
// differently from ours would make the stored row look missing.
func sampleRows(t *testing.T) map[string][]byte {
	t.Helper()
	at := time.Date(2026, 11, 2, 10, 0, 0, 123e6, time.UTC)
	end := at.Add(90 * time.Second)
	enc := func(rows []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	return map[string][]byte{
		store.TableNotifications: enc(store.EncodeRows(nil, []store.Notification{{
			ReceivedAt: store.T(at), Source: "eu", Receiver: "oncall", GroupKey: `{}:{alertname="A"}`,
			GroupLabels: map[string]string{"alertname": "A"}, NotificationReason: "new", RouteLabels: map[string]string{"team": "db"},
			Status: "resolved", Fingerprint: "0123456789abcdef", Alertname: "A", Severity: "page",
			Labels: map[string]string{"alertname": "A", "quote": `it's \ "x"`, "ü": "ß"}, Annotations: map[string]string{"summary": "line\nbreak"},
			StartsAt: store.T(at.Add(-time.Hour)), EndsAt: store.TP(end), GeneratorURL: "http://prom/graph?g0.expr=up",
			ExternalURL: "http://am", TruncatedAlerts: 3, HADuplicate: 1,
		}})),
		store.TableAlertStates: enc(store.EncodeRows(nil, []store.AlertState{{
			ObservedAt: store.T(at), Source: "eu", Fingerprint: "0123456789abcdef", Kind: store.KindChanged, State: "suppressed",
			Alertname: "A", Severity: "page", Labels: map[string]string{"alertname": "A"}, Annotations: map[string]string{"a": "b"},
			SilencedBy: []string{"s1", "s2"}, InhibitedBy: []string{"fp2"}, MutedBy: []string{"night"}, Receivers: []string{"oncall", "chat"},
			StartsAt: store.T(at.Add(-time.Hour)), EndsAt: store.TP(end), UpdatedAt: nil, GeneratorURL: "g",
		}})),
		store.TableSilences: enc(store.EncodeRows(nil, []store.Silence{{
			Source: "eu", ID: "5b5f0b8f-0000-4000-8000-000000000001", UpdatedAt: store.T(at), ObservedAt: store.T(at.Add(time.Second)),
			Matchers:  []store.Matcher{{Name: "alertname", Value: "A|B", IsRegex: true, IsEqual: true}, {Name: "env", Value: "dev", IsEqual: false}},
			CreatedBy: "me", Comment: "maintenance", StartsAt: store.T(at), EndsAt: store.T(end), State: "active",
		}})),
		store.TablePolls: enc(store.EncodeRows(nil, []store.Poll{{
			PolledAt: store.T(at), Source: "eu", DurationSeconds: 0.1 + 0.2, OK: false, Error: "timeout", Alerts: 7, Silences: 2, Changes: 1,
		}})),
		store.TableAlertmanagerStatus: enc(store.EncodeRows(nil, []store.AlertmanagerStatus{{
			ObservedAt: store.T(at), Source: "eu", Uptime: store.T(at.Add(-24 * time.Hour)), ConfigHash: "abc",
			Config: "route:\n  receiver: oncall\n", Version: "0.34.2", ClusterStatus: "ready", Peers: []string{"a:9094", "b:9094"},
		}})),
		store.TableEvents: enc(store.EncodeRows(nil, []store.Event{{
			At: store.T(at), ReceivedAt: store.T(at.Add(time.Millisecond)), Source: "eu", Instance: "am-0", Kind: store.EventInhibitionMuted,
			Fingerprint: "0123456789abcdef", Alertname: "A", Labels: map[string]string{"alertname": "A"}, Status: "firing",
			StartsAt: store.TP(at.Add(-time.Hour)), EndsAt: nil, Receiver: "oncall", GroupKey: "g", Integration: "webhook", Reason: "r",
			SilenceID: "s1", SilenceMatchers: []string{`alertname="A"`}, CreatedBy: "me", Comment: "c", RuleNames: []string{"r1"},
			RuleSourceMatchers: []string{`severity="critical"`}, RuleTargetMatchers: []string{`severity="warning"`}, RuleEqual: []string{"cluster"},
			Inhibiting: []string{"fp9"}, Version: "0.34.2",
		}})),
		store.TableImports: enc(store.EncodeRows(nil, []store.Import{{
			ImportedAt: store.T(at), Content: strings.Repeat("ab", 32), Lines: 1 << 40, Rows: 18446744073709551615,
		}})),
	}
}

// TestInsertMissingRecognisesStoredRows writes one full row of every table
// with InsertMissing twice: the first writes it (1), the second must find
// it stored, column for column, and write nothing (0) — one row in the
// table either way.
func TestInsertMissingRecognisesStoredRows(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	rows := sampleRows(t)
	if len(rows) != len(store.Tables()) {
		t.Fatalf("sample rows for %d tables, the store has %d", len(rows), len(store.Tables()))
	}
	for _, table := range store.Tables() {
		t.Run(table, func(t *testing.T) {
			for i, want := range []int{1, 0} {
				n, err := st.InsertMissing(ctx, table, rows[table])
				if err != nil {
					t.Fatalf("InsertMissing #%d: %v", i+1, err)
				}
				if n != want {
					t.Errorf("InsertMissing #%d wrote %d rows, want %d", i+1, n, want)
				}
			}
			if got := storetest.Count(t, st, table, ""); got != 1 {
				t.Fatalf("%d rows stored, want 1", got)
			}
		})
	}
}

// TestInsertMissingAfterTheEngineKeptATokenWithoutItsRows builds the state a
// kill -9 can leave: the engine's deduplication log holds a batch's token
// while the batch's rows are gone (here deleted; after a crash, the part
// that was never committed). A retry with the token is dropped — the loss
// the writer's recovery exists for — and InsertMissing writes the rows.
func TestInsertMissingAfterTheEngineKeptATokenWithoutItsRows(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	// Four lines, two of them the same row: a multiset of three rows, one
	// of them twice (alerts 0, 1, 1, 2).
	var batch []byte
	for _, i := range []int{0, 1, 1, 2} {
		rows, err := store.EncodeRows(nil, []store.Poll{{PolledAt: store.T(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)), Source: "eu", OK: true, Alerts: uint32(i)}})
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, rows...)
	}
	if err := st.Insert(ctx, store.TablePolls, batch, "b-q-1-2-polls"); err != nil {
		t.Fatal(err)
	}
	deleteWhere := func(cond string) {
		t.Helper()
		if err := st.Exec(ctx, "ALTER TABLE {{db}}.polls DELETE WHERE "+cond+" SETTINGS mutations_sync = 2"); err != nil {
			t.Fatal(err)
		}
	}
	deleteWhere("1")
	if err := st.Insert(ctx, store.TablePolls, batch, "b-q-1-2-polls"); err != nil {
		t.Fatal(err)
	}
	if got := storetest.Count(t, st, store.TablePolls, ""); got != 0 {
		t.Fatalf("the engine stored %d rows of a retry whose token it had seen; this test assumes it drops them", got)
	}
	for i, step := range []struct {
		before string // rows deleted first ("" = none)
		want   int    // rows InsertMissing writes
		total  int    // rows stored after
	}{
		{"", 4, 4},                 // all four lines, the repeated row twice
		{"", 0, 4},                 // nothing missing
		{"alerts = 1", 2, 4},       // both copies of alerts=1 gone: both written
		{"alerts IN (0, 2)", 2, 4}, // one each of 0 and 2
		{"alerts = 0", 1, 4},       // only 0
		{"", 0, 4},                 // and again nothing
	} {
		if step.before != "" {
			deleteWhere(step.before)
		}
		n, err := st.InsertMissing(ctx, store.TablePolls, batch)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if n != step.want {
			t.Errorf("step %d (after deleting %q): wrote %d rows, want %d", i, step.before, n, step.want)
		}
		if got := storetest.Count(t, st, store.TablePolls, ""); got != step.total {
			t.Fatalf("step %d: %d rows stored, want %d", i, got, step.total)
		}
	}
	if got := storetest.Count(t, st, store.TablePolls, "alerts = 1"); got != 2 {
		t.Fatalf("%d rows with alerts=1, want the batch's 2", got)
	}
}

// A row that does not decode as its table's row is the data's fault.
func TestInsertMissingRejectsRowsItCannotRead(t *testing.T) {
	st := storetest.New(t)
	for _, rows := range []string{
		`{"polled_at":"yesterday","source":"eu"}` + "\n",
		`{"polled_at":"2026-11-02 10:00:00.000","source":7}` + "\n",
		"not json\n",
	} {
		if _, err := st.InsertMissing(context.Background(), store.TablePolls, []byte(rows)); !store.IsRejected(err) {
			t.Errorf("InsertMissing(%q) = %v, want a rejection", rows, err)
		}
	}
	if _, err := st.InsertMissing(context.Background(), "nope", []byte("{}\n")); err == nil || store.IsRejected(err) {
		t.Errorf("an unknown table: %v, want an error that is not the rows' fault", err)
	}
}

// episodeRows are one alert's rows, by table; the summaries they make are
// wantEpisodeSummary.
//
// Alert f1 fires at 10:00:00 and 10:00:05 (an HA peer's copy, same
// receiver, group key and status) and resolves at 10:30 with endsAt 10:29;
// its poller row at 10:10 routes it to "chat" as well. One episode
// (startsAt 09:58), one day: deliveries {(firing, 10:00:00), (firing,
// 10:00:05), (resolved, 10:30)} = 3 distinct, end_n = 10:29, end_p NULL
// (no resolved poll), receivers {chat, oncall}, first alertname "Disk".
const (
	episodeSummary = `SELECT uniqExact(source, fingerprint, starts_at, day) AS episodes, argMinMerge(first_alertname) AS alertname,
		min(end_n) AS end_n, min(end_p) AS end_p,
		length(groupUniqArrayArray(deliveries)) AS deliveries, arraySort(groupUniqArrayArray(receivers)) AS receivers
		FROM {{db}}.episode_days`
	wantEpisodeSummary = `{"episodes":1,"alertname":"Disk","end_n":"2026-11-02 10:29:00.000","end_p":null,"deliveries":3,"receivers":["chat","oncall"]}`
)

func episodeRows(t *testing.T) map[string][]byte {
	t.Helper()
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	at := func(h, m, s int) time.Time {
		return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
	}
	note := func(received time.Time, status string, end time.Time) store.Notification {
		return store.Notification{ReceivedAt: store.T(received), Source: "eu", Receiver: "oncall", GroupKey: "g", Status: status,
			GroupLabels: map[string]string{}, RouteLabels: map[string]string{}, Annotations: map[string]string{},
			Fingerprint: "f1", Alertname: "Disk", Labels: map[string]string{"alertname": "Disk"}, StartsAt: store.T(at(9, 58, 0)), EndsAt: store.TP(end)}
	}
	notes, err := store.EncodeRows(nil, []store.Notification{note(at(10, 0, 0), "firing", time.Time{}), note(at(10, 0, 5), "firing", time.Time{}), note(at(10, 30, 0), "resolved", at(10, 29, 0))})
	if err != nil {
		t.Fatal(err)
	}
	states, err := store.EncodeRows(nil, []store.AlertState{{ObservedAt: store.T(at(10, 10, 0)), Source: "eu", Fingerprint: "f1", Kind: store.KindAppeared,
		Alertname: "Disk", Labels: map[string]string{"alertname": "Disk"}, Annotations: map[string]string{},
		SilencedBy: []string{}, InhibitedBy: []string{}, MutedBy: []string{}, Receivers: []string{"oncall", "chat"}, StartsAt: store.T(at(9, 58, 0))}})
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{store.TableNotifications: notes, store.TableAlertStates: states}
}

// insertAll writes rows, by table, the ordinary way (the views run).
func insertAll(t *testing.T, st *store.Store, byTable map[string][]byte) {
	t.Helper()
	for table, rows := range byTable {
		if err := st.Insert(context.Background(), table, rows, "fixture-"+table); err != nil {
			t.Fatal(err)
		}
	}
}

// checkEpisodeSummary compares the merged day summaries with the
// hand-derived ones.
func checkEpisodeSummary(t *testing.T, st *store.Store, when string) {
	t.Helper()
	out, err := st.Query(context.Background(), episodeSummary, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != wantEpisodeSummary {
		t.Fatalf("%s: summaries\n%s\nwant\n%s", when, got, wantEpisodeSummary)
	}
}

// TestInsertMissingSummarizesTheEpisodesAgain: rows InsertMissing writes
// are summed up by the views as they land. Then it builds the other state a
// crash (or an insert that failed in a view) can leave: the raw rows stored
// and their day summaries not. InsertMissing finds every row stored and
// writes none, and sums up the batch's alerts' days again.
func TestInsertMissingSummarizesTheEpisodesAgain(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	rows := episodeRows(t)
	want := map[string]int{store.TableNotifications: 3, store.TableAlertStates: 1}
	for table, rows := range rows { // none stored yet: all written, the views with them
		if n, err := st.InsertMissing(ctx, table, rows); err != nil || n != want[table] {
			t.Fatalf("InsertMissing %s into an empty table: %d rows, %v; want %d", table, n, err, want[table])
		}
	}
	checkEpisodeSummary(t, st, "written with the rows")
	if err := st.Exec(ctx, "TRUNCATE TABLE {{db}}.episode_days"); err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // twice: summing up again adds nothing wrong
		for table, rows := range rows {
			if n, err := st.InsertMissing(ctx, table, rows); err != nil || n != 0 {
				t.Fatalf("InsertMissing %s: %d rows, %v; want 0 (all stored)", table, n, err)
			}
		}
		checkEpisodeSummary(t, st, fmt.Sprintf("summed up again (%d)", i+1))
	}
}

// TestUpgradeSumsUpTheRowsStoredBefore: the migration that adds
// episode_days sums up the rows a store already holds. Here the rows are
// stored and the summaries emptied, and the migration's statements run
// again (its tables and views exist, so only its backfill does anything).
func TestUpgradeSumsUpTheRowsStoredBefore(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	insertAll(t, st, episodeRows(t))
	checkEpisodeSummary(t, st, "written by the views")
	if err := st.Exec(ctx, "TRUNCATE TABLE {{db}}.episode_days"); err != nil {
		t.Fatal(err)
	}
	rerunMigrations(t, st, 5, 5) // the one that adds episode_days
	checkEpisodeSummary(t, st, "after the upgrade")
}

// rerunMigrations runs the statements of migrations first to last again
// (those after first-1 but not after last) on a store that has them all.
func rerunMigrations(t *testing.T, st *store.Store, first, last int) {
	t.Helper()
	opts := store.Options{Database: st.Database(), Retention: 400 * 24 * time.Hour}
	stmts, versions, err := opts.MigrationStatements(first - 1)
	if err != nil {
		t.Fatal(err)
	}
	later, _, err := opts.MigrationStatements(last)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) <= last-first || versions[0] != first || versions[last-first] != last {
		t.Fatalf("migrations after %d: %v, want %d to %d first (the test reruns those)", first-1, versions, first, last)
	}
	for _, s := range stmts[:len(stmts)-len(later)] {
		if err := st.Exec(context.Background(), s); err != nil {
			t.Fatalf("%.80s: %v", s, err)
		}
	}
}

// pollerRows are poller rows naming inhibitors and silences; wantPairs the
// pairs inhibition_pairs holds of them, and wantSilences what
// silence_pairs holds (each alert and silence's latest row naming it per
// day, resolved rows left out), both derived by hand:
//
//	f1 11-02 10:10 inhibited by g1 and g2, silenced by s1
//	f1 11-02 10:20 inhibited by g1, silenced by s1
//	f1 11-03 00:05 inhibited by g2, silenced by s1 and s2
//	f2 11-02 10:10 silenced by s2
//	f2 11-02 11:00 resolved, silenced by s2 (a copy of its last state)
//
// Pairs per day: 11-02 (f1, g1) and (f1, g2) — g1's second naming is the
// same pair —, 11-03 (f1, g2); f2 names none. Latest silenced: f1 by s1 on
// 11-02 at 10:20 and on 11-03 at 00:05, f1 by s2 on 11-03 at 00:05, f2 by
// s2 on 11-02 at 10:10 (not 11:00: that row is a resolved one).
const (
	wantPairs = `{"day":"2026-11-02","target":"f1","inhibitor":"g1"}
{"day":"2026-11-02","target":"f1","inhibitor":"g2"}
{"day":"2026-11-03","target":"f1","inhibitor":"g2"}`
	wantSilences = `{"fingerprint":"f1","sid":"s1","day":"2026-11-02","last":"2026-11-02 10:20:00.000"}
{"fingerprint":"f1","sid":"s1","day":"2026-11-03","last":"2026-11-03 00:05:00.000"}
{"fingerprint":"f1","sid":"s2","day":"2026-11-03","last":"2026-11-03 00:05:00.000"}
{"fingerprint":"f2","sid":"s2","day":"2026-11-02","last":"2026-11-02 10:10:00.000"}`
)

func pollerRows(t *testing.T) []byte {
	t.Helper()
	row := func(at time.Time, fp, kind string, inhibitors, silences []string) store.AlertState {
		return store.AlertState{ObservedAt: store.T(at), Source: "eu", Fingerprint: fp, Kind: kind,
			Alertname: "Disk", Labels: map[string]string{"alertname": "Disk"}, Annotations: map[string]string{},
			SilencedBy: silences, InhibitedBy: inhibitors, MutedBy: []string{}, Receivers: []string{"oncall"},
			StartsAt: store.T(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))}
	}
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }
	none := []string{}
	rows, err := store.EncodeRows(nil, []store.AlertState{
		row(at(2, 10, 10), "f1", store.KindChanged, []string{"g1", "g2"}, []string{"s1"}),
		row(at(2, 10, 10), "f2", store.KindChanged, none, []string{"s2"}),
		row(at(2, 10, 20), "f1", store.KindChanged, []string{"g1"}, []string{"s1"}),
		row(at(2, 11, 0), "f2", store.KindResolved, none, []string{"s2"}),
		row(at(3, 0, 5), "f1", store.KindChanged, []string{"g2"}, []string{"s1", "s2"})})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkPollerDays compares the pairs stored (each once) with wantPairs,
// and each alert and silence's latest per day with wantSilences.
func checkPollerDays(t *testing.T, st *store.Store, when string) {
	t.Helper()
	for _, c := range []struct{ sql, want string }{
		{`SELECT DISTINCT day, target, inhibitor FROM {{db}}.inhibition_pairs ORDER BY day, target, inhibitor`, wantPairs},
		{`SELECT fingerprint, sid, day, max(last) AS last FROM {{db}}.silence_pairs GROUP BY fingerprint, sid, day ORDER BY fingerprint, sid, day`, wantSilences},
	} {
		out, err := st.Query(context.Background(), c.sql, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(out)); got != c.want {
			t.Fatalf("%s: %s\n%s\nwant\n%s", when, c.sql, got, c.want)
		}
	}
}

// TestInsertMissingWritesThePollerDaysAgain: the poller rows InsertMissing
// writes have their pairs and latest silenced times written by the views;
// rows found stored whose days are gone (a crash between the parts) have
// them written again, as often as it runs.
func TestInsertMissingWritesThePollerDaysAgain(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	rows := pollerRows(t)
	if n, err := st.InsertMissing(ctx, store.TableAlertStates, rows); err != nil || n != 5 {
		t.Fatalf("InsertMissing into an empty table: %d rows, %v; want 5", n, err)
	}
	checkPollerDays(t, st, "written with the rows")
	for _, table := range []string{store.TableInhibitionPairs, store.TableSilencePairs} {
		if err := st.Exec(ctx, "TRUNCATE TABLE {{db}}."+table); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		if n, err := st.InsertMissing(ctx, store.TableAlertStates, rows); err != nil || n != 0 {
			t.Fatalf("InsertMissing: %d rows, %v; want 0 (all stored)", n, err)
		}
		checkPollerDays(t, st, fmt.Sprintf("written again (%d)", i+1))
	}
}

// TestUpgradeWritesThePollerDaysStoredBefore: the migrations that add
// inhibition_pairs and silence_pairs fill them from the poller rows a
// store already holds (their tables and views exist here, so only their
// backfills do anything).
func TestUpgradeWritesThePollerDaysStoredBefore(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	insertAll(t, st, map[string][]byte{store.TableAlertStates: pollerRows(t)})
	checkPollerDays(t, st, "written by the views")
	for _, table := range []string{store.TableInhibitionPairs, store.TableSilencePairs} {
		if err := st.Exec(ctx, "TRUNCATE TABLE {{db}}."+table); err != nil {
			t.Fatal(err)
		}
	}
	rerunMigrations(t, st, 11, 12) // the ones that add inhibition_pairs and silence_pairs
	checkPollerDays(t, st, "after the upgrade")
}
