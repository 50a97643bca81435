package store_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/chdb"
	"github.com/alertlens/alertlens/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// The allocator's variable as the test process was started with it, before
// any test loaded the engine.
var startMallocConf, startMallocSet = os.LookupEnv(chdb.MallocConfEnv)

// Loading the engine gives its allocator alertlens's options, unless the
// environment set its own (see chdb.DefaultMallocConf).
func TestTheEngineLoadsWithTheAllocatorsOptions(t *testing.T) {
	storetest.Backend(t)
	want := chdb.DefaultMallocConf
	if startMallocSet {
		want = startMallocConf
	}
	if got, ok := os.LookupEnv(chdb.MallocConfEnv); !ok || got != want {
		t.Errorf("%s = %q (set: %v) once the engine is loaded; want %q", chdb.MallocConfEnv, got, ok, want)
	}
}

var update = flag.Bool("update", os.Getenv("UPDATE_GOLDEN") == "1", "rewrite golden files (or UPDATE_GOLDEN=1)")

// A store a newer alertlens migrated (its schema_migrations has a version
// this one lacks) is refused, naming both versions, and left as it is.
func TestMigrateRefusesANewerSchema(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	latest, err := store.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	rec := fmt.Sprintf(`{"version":%d,"name":"from_a_newer_alertlens.sql","applied_at":"2026-12-06 00:00:00.000"}`, latest+1)
	if err := st.Exec(ctx, "INSERT INTO {{db}}.schema_migrations FORMAT JSONEachRow "+rec); err != nil {
		t.Fatal(err)
	}
	err = st.Migrate(ctx)
	want := fmt.Sprintf("schema version %d was applied by a newer alertlens; this one knows versions up to %d", latest+1, latest)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Migrate on a newer schema: %v, want an error containing %q", err, want)
	}
	if v, err := st.AppliedVersion(ctx); err != nil || v != latest+1 {
		t.Fatalf("applied version after the refusal: %d, %v; want %d", v, err, latest+1)
	}
}

// Migration 10 moves the seals to new tables partitioned by month: on a
// store sealed before it (here the pre-10 tables made again and a seal
// recorded, the records of migration 10 and any after it removed, so that
// they run again), the seal is forgotten, the old tables are gone, and the
// new ones are empty.
func TestMigrationTenForgetsTheSealsItMoves(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE {{db}}.episodes_sealed (seal UInt64, source String, fingerprint String, starts_at DateTime64(3, 'UTC'), first_day Date, last_day Date) ENGINE = MergeTree PARTITION BY seal ORDER BY (source, fingerprint, starts_at)",
		"CREATE TABLE {{db}}.stretches_sealed (seal UInt64, source String) ENGINE = MergeTree PARTITION BY seal ORDER BY source",
		"CREATE TABLE {{db}}.muted_sealed (seal UInt64, source String) ENGINE = MergeTree PARTITION BY seal ORDER BY source",
		"INSERT INTO {{db}}.episodes_sealed VALUES (5, 'eu', 'f1', '2026-10-01 10:00:00', '2026-10-01', '2026-10-01')",
		"INSERT INTO {{db}}.episode_seals (seal, sealed_to, dedup_ms, parts, state_rows, muted, sealed_at) VALUES (5, '2026-11-01', 60000, [], 0, 1, now64(3))",
		"ALTER TABLE {{db}}.schema_migrations DELETE WHERE version >= 10 SETTINGS mutations_sync = 1",
	} {
		if err := st.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if v, err := st.AppliedVersion(ctx); err != nil || v != 9 {
		t.Fatalf("applied version before: %d, %v; want 9", v, err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := storetest.Count(t, st, "episode_seals", ""); n != 0 {
		t.Errorf("seals recorded after migration 10: %d, want 0 (forgotten with the tables they were in)", n)
	}
	if seal, err := st.SealInUse(ctx); err != nil || seal != (store.Seal{}) {
		t.Errorf("seal in use after migration 10: %+v, %v; want none", seal, err)
	}
	out, err := st.Query(ctx, "SELECT name FROM system.tables WHERE database = {db:String} AND name IN ('episodes_sealed', 'stretches_sealed', 'muted_sealed')", map[string]string{"db": st.Database()})
	if err != nil || len(out) != 0 {
		t.Errorf("pre-10 sealed tables left: %q, %v; want none", out, err)
	}
	for _, table := range []string{"sealed_episodes", "sealed_stretches", "sealed_muted"} {
		if n := storetest.Count(t, st, table, ""); n != 0 {
			t.Errorf("%s after migration 10: %d rows, want 0", table, n)
		}
	}
}

func TestMigrateFromEmptyAndAgain(t *testing.T) {
	st := storetest.New(t) // migrated once from empty
	ctx := context.Background()
	latest, err := store.LatestVersion()
	if err != nil || latest < 1 {
		t.Fatalf("LatestVersion = %d, %v", latest, err)
	}
	for i := range 2 {
		if err := st.Migrate(ctx); err != nil {
			t.Fatalf("re-applying migrations (round %d): %v", i, err)
		}
		v, err := st.AppliedVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != latest {
			t.Fatalf("applied version %d, want %d", v, latest)
		}
	}
	out, err := st.Query(ctx, "SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name", map[string]string{"db": st.Database()})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alert_labels", "alert_labels_from_alert_states", "alert_labels_from_events", "alert_labels_from_notifications",
		"alert_states", "alertmanager_status", "episode_days", "episode_days_from_alert_states", "episode_days_from_events", "episode_days_from_notifications",
		"episode_seals", "events", "imports", "inhibition_pairs", "inhibition_pairs_from_alert_states", "notifications", "polls", "schema_migrations",
		"sealed_episodes", "sealed_muted", "sealed_stretches", "silence_pairs", "silence_pairs_from_alert_states", "silences"}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r struct{ Name string }
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Name)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tables = %v, want %v", got, want)
	}
	if n := storetest.Count(t, st, "schema_migrations", ""); n != latest {
		t.Fatalf("schema_migrations has %d rows after three runs, want %d (one per version)", n, latest)
	}
	if err := st.Ready(ctx); err != nil {
		t.Fatalf("Ready after migrate: %v", err)
	}
}

func ts(s string) store.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return store.T(t)
}

func tsp(s string) *store.Time { v := ts(s); return &v }

// roundTrip inserts rows and reads them back in insertion order.
func roundTrip[T any](t *testing.T, st *store.Store, table, orderBy string, rows []T) []T {
	t.Helper()
	data, err := store.EncodeRows(nil, rows)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Insert(context.Background(), table, data, "rt-"+table); err != nil {
		t.Fatalf("insert %s: %v", table, err)
	}
	out, err := st.Query(context.Background(), "SELECT * FROM {{db}}."+table+" ORDER BY "+orderBy, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []T
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r T
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("decoding %s row %s: %v", table, sc.Text(), err)
		}
		got = append(got, r)
	}
	return got
}

func TestRoundTripEveryColumnType(t *testing.T) {
	st := storetest.New(t)
	hostile := "ünïcødé 🚨 'quote' \"dq\" \\ back\nnewline\ttab; DROP TABLE x; --"
	notifs := []store.Notification{
		{
			ReceivedAt: ts("2026-11-02T10:00:03.123Z"), Source: "prod", Receiver: "team-a", GroupKey: `{}/{severity="P1"}:{alertname="X"}`,
			GroupLabels: map[string]string{"alertname": "X"}, NotificationReason: "new_alerts", RouteLabels: map[string]string{"team": "a"},
			Status: "firing", Fingerprint: "0123456789abcdef", Alertname: "X", Severity: "P1",
			Labels:      map[string]string{"alertname": "X", "severity": "P1", "weird": hostile},
			Annotations: map[string]string{"summary": hostile}, StartsAt: ts("2026-11-02T09:59:00Z"), EndsAt: nil,
			GeneratorURL: "http://prom/graph?g0.expr=up", ExternalURL: "http://am", TruncatedAlerts: 3, HADuplicate: 1,
		},
		{
			ReceivedAt: ts("2026-11-02T10:05:00Z"), Source: "prod", Receiver: "team-a", Status: "resolved", Fingerprint: "0123456789abcdef",
			GroupLabels: map[string]string{}, RouteLabels: map[string]string{}, Labels: map[string]string{}, Annotations: map[string]string{},
			StartsAt: ts("2026-11-02T09:59:00Z"), EndsAt: tsp("2026-11-02T10:04:30.5Z"),
		},
	}
	if got := roundTrip(t, st, store.TableNotifications, "received_at", notifs); !reflect.DeepEqual(got, notifs) {
		t.Errorf("notifications round trip:\n got %+v\nwant %+v", got, notifs)
	}
	states := []store.AlertState{{
		ObservedAt: ts("2026-11-02T10:00:15Z"), Source: "prod", Fingerprint: "0123456789abcdef", Kind: store.KindChanged, State: "suppressed",
		Alertname: "X", Severity: "P1", Labels: map[string]string{"a": "b"}, Annotations: map[string]string{},
		SilencedBy: []string{"5f3c9d0e-1111-2222-3333-444455556666"}, InhibitedBy: []string{"fedcba9876543210"}, MutedBy: []string{},
		Receivers: []string{"team-a", "null"}, StartsAt: ts("2026-11-02T09:59:00Z"), EndsAt: tsp("2026-11-02T10:10:00Z"),
		UpdatedAt: tsp("2026-11-02T10:00:14Z"), GeneratorURL: "g",
	}}
	if got := roundTrip(t, st, store.TableAlertStates, "observed_at", states); !reflect.DeepEqual(got, states) {
		t.Errorf("alert_states round trip:\n got %+v\nwant %+v", got, states)
	}
	sils := []store.Silence{{
		Source: "prod", ID: "5f3c9d0e-1111-2222-3333-444455556666", UpdatedAt: ts("2026-11-01T00:00:00Z"), ObservedAt: ts("2026-11-01T00:00:10Z"),
		Matchers:  []store.Matcher{{Name: "alertname", Value: "X", IsRegex: false, IsEqual: true}, {Name: "sev", Value: "P1|P2", IsRegex: true, IsEqual: false}},
		CreatedBy: "alice", Comment: hostile, StartsAt: ts("2026-11-01T00:00:00Z"), EndsAt: ts("2026-11-08T00:00:00Z"), State: "active",
	}}
	if got := roundTrip(t, st, store.TableSilences, "updated_at", sils); !reflect.DeepEqual(got, sils) {
		t.Errorf("silences round trip:\n got %+v\nwant %+v", got, sils)
	}
	polls := []store.Poll{
		{PolledAt: ts("2026-11-02T10:00:15Z"), Source: "prod", DurationSeconds: 0.0125, OK: true, Alerts: 10, Silences: 2, Changes: 1},
		{PolledAt: ts("2026-11-02T10:00:30Z"), Source: "prod", DurationSeconds: 10, OK: false, Error: "context deadline exceeded"},
	}
	if got := roundTrip(t, st, store.TablePolls, "polled_at", polls); !reflect.DeepEqual(got, polls) {
		t.Errorf("polls round trip:\n got %+v\nwant %+v", got, polls)
	}
	status := []store.AlertmanagerStatus{{
		ObservedAt: ts("2026-11-02T10:00:15Z"), Source: "prod", Uptime: ts("2026-11-01T08:00:00Z"), ConfigHash: "abc",
		Config: "route:\n  receiver: x\n", Version: "0.25.0", ClusterStatus: "ready", Peers: []string{"a:9094", "b:9094"},
	}}
	if got := roundTrip(t, st, store.TableAlertmanagerStatus, "observed_at", status); !reflect.DeepEqual(got, status) {
		t.Errorf("alertmanager_status round trip:\n got %+v\nwant %+v", got, status)
	}
}

func TestInsertTokenDeduplicates(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	rows, _ := store.EncodeRows(nil, []store.Poll{{PolledAt: ts("2026-11-02T10:00:00Z"), Source: "a", OK: true}})
	for _, tok := range []string{"tok-1", "tok-1", "tok-2"} {
		if err := st.Insert(ctx, store.TablePolls, rows, tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := storetest.Count(t, st, store.TablePolls, ""); n != 2 {
		t.Fatalf("3 inserts with tokens tok-1, tok-1, tok-2 stored %d rows, want 2", n)
	}
}

func TestInsertErrorsAreClassified(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	good, _ := store.EncodeRows(nil, []store.Poll{{PolledAt: ts("2026-11-02T10:00:00Z"), Source: "a", OK: true}})
	cases := []struct {
		name     string
		table    string
		rows     string
		rejected bool
	}{
		{"unparsable time", store.TablePolls, `{"polled_at":"yesterday","source":"a"}` + "\n", true},
		{"unknown column", store.TablePolls, `{"polled_at":"2026-11-02 10:00:00.000","nope":1}` + "\n", true},
		{"wrong type", store.TablePolls, `{"polled_at":"2026-11-02 10:00:00.000","alerts":"many"}` + "\n", true},
		{"not json", store.TablePolls, "{{{\n", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := st.Insert(ctx, c.table, []byte(c.rows), "cls-"+strings.ReplaceAll(c.name, " ", "-"))
			if err == nil {
				t.Fatal("insert succeeded, want an error")
			}
			if store.IsRejected(err) != c.rejected {
				t.Fatalf("IsRejected = %v, want %v (err: %v)", !c.rejected, c.rejected, err)
			}
		})
	}
	// An outage (here: the table is detached) is not the data's fault.
	if err := st.Exec(ctx, "DETACH TABLE {{db}}.polls"); err != nil {
		t.Fatal(err)
	}
	err := st.Insert(ctx, store.TablePolls, good, "outage-1")
	if err == nil || store.IsRejected(err) {
		t.Fatalf("insert into detached table: err=%v rejected=%v, want a retryable error", err, store.IsRejected(err))
	}
	if err := st.Exec(ctx, "ATTACH TABLE {{db}}.polls"); err != nil {
		t.Fatal(err)
	}
	if err := st.Insert(ctx, store.TablePolls, good, "outage-1"); err != nil {
		t.Fatalf("insert after re-attach: %v", err)
	}
	if err := st.Insert(ctx, "users", good, "x"); err == nil {
		t.Fatal("insert into a table outside the schema succeeded")
	}
	if err := st.Insert(ctx, store.TablePolls, good, "bad token'"); err == nil {
		t.Fatal("insert with a quote in the token succeeded")
	}
}

func TestQueryBindsParameters(t *testing.T) {
	st := storetest.New(t)
	hostile := "x' OR 1=1 --\x00\\"
	out, err := st.Query(context.Background(), "SELECT {v:String} AS v", map[string]string{"v": hostile})
	if err != nil {
		t.Fatal(err)
	}
	var r struct{ V string }
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	if r.V != hostile {
		t.Fatalf("bound value came back as %q, want %q", r.V, hostile)
	}
}

// The engine's rows are lent to the reader, who gets its own error back as
// it returned it, and the engine's errors as Query returns them; a failed
// read gives its connection back like any other.
func TestQueryLent(t *testing.T) {
	st := storetest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	hostile := "x' OR 1=1 --\x00\\"
	stop := errors.New("the reader's own error")
	for i := range 5 { // (more than the read connections)
		var got string
		err := st.QueryLent(ctx, "SELECT {v:String} AS v", map[string]string{"v": hostile}, func(rows []byte) error {
			var r struct{ V string }
			if err := json.Unmarshal(rows, &r); err != nil {
				return err
			}
			got = r.V
			return stop
		})
		if !errors.Is(err, stop) || err.Error() != stop.Error() || got != hostile { // (not wrapped)
			t.Fatalf("read %d: %q and %v, want %q and the reader's error as it returned it", i, got, err, hostile)
		}
		called := false
		err = st.QueryLent(ctx, "SELECT no_such_column", nil, func([]byte) error { called = true; return nil })
		_, want := st.Query(ctx, "SELECT no_such_column", nil)
		if called || err == nil || want == nil || err.Error() != want.Error() {
			t.Fatalf("read %d of a failing statement: %v (the reader called: %v), want %v", i, err, called, want)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	cases := []struct {
		o     store.Options
		field string
	}{
		{store.Options{Database: "a-b", Retention: 48 * time.Hour}, "store.database"},
		{store.Options{Database: "x; DROP", Retention: 48 * time.Hour}, "store.database"},
		{store.Options{Database: "ok", Cluster: "c'1", Retention: 48 * time.Hour}, "store.clickhouse.cluster"},
		{store.Options{Database: "ok", Retention: time.Hour}, "store.retention"},
	}
	for _, c := range cases {
		err := c.o.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), c.field+":") {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", c.o, err, c.field)
		}
	}
	if err := (store.Options{Database: "alertlens", Cluster: "main", Retention: 24 * time.Hour}).Validate(); err != nil {
		t.Errorf("valid options rejected: %v", err)
	}
}

func TestRenderedDDL(t *testing.T) {
	cases := []struct {
		name    string
		opts    store.Options
		want    []string
		notWant []string
	}{
		{
			name: "single", opts: store.Options{Database: "alertlens", Retention: 30 * 24 * time.Hour},
			want: []string{
				"CREATE TABLE IF NOT EXISTS alertlens.notifications \n",
				"ENGINE = MergeTree\nPARTITION BY toYYYYMM(received_at)\nORDER BY (source, fingerprint, received_at)\nTTL toDateTime(received_at) + toIntervalSecond(2592000)",
				"ENGINE = ReplacingMergeTree(observed_at)\nPARTITION BY toYYYYMM(updated_at)\nORDER BY (source, id, updated_at)",
			},
			notWant: []string{"ON CLUSTER", "Replicated", "Distributed", "_local", "{{"},
		},
		{
			name: "cluster", opts: store.Options{Database: "alertlens", Cluster: "main", Retention: 30 * 24 * time.Hour},
			want: []string{
				"CREATE TABLE IF NOT EXISTS alertlens.notifications_local ON CLUSTER main\n",
				"ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/alertlens/notifications_local', '{replica}')\n",
				"CREATE TABLE IF NOT EXISTS alertlens.notifications ON CLUSTER main AS alertlens.notifications_local ENGINE = Distributed(main, alertlens, notifications_local, cityHash64(fingerprint))",
				"ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/alertlens/silences_local', '{replica}', observed_at)",
				"ENGINE = Distributed(main, alertlens, alert_states_local, cityHash64(fingerprint))",
			},
			notWant: []string{"{{", "ENGINE = MergeTree\n"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stmts, versions, err := c.opts.MigrationStatements(0)
			if err != nil {
				t.Fatal(err)
			}
			if len(versions) == 0 {
				t.Fatal("no migrations")
			}
			all := strings.Join(stmts, ";\n\n") + ";\n"
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("rendered DDL lacks %q", w)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(all, w) {
					t.Errorf("rendered DDL contains %q", w)
				}
			}
			golden := filepath.Join("testdata", "ddl_"+c.name+".sql")
			if *update {
				if err := os.WriteFile(golden, []byte(all), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (refresh with UPDATE_GOLDEN=1 and review the diff)", err)
			}
			if string(want) != all {
				t.Errorf("rendered DDL differs from %s (refresh with UPDATE_GOLDEN=1 and review the diff)", golden)
			}
		})
	}
}

func TestShapeBatch(t *testing.T) {
	rows := `{"source":"prod","id":"s1","updated_at":"2026-11-01 00:00:00.000","observed_at":"2026-11-01 00:00:10.000","matchers":[{"name":"a","value":"b","is_regex":true,"is_equal":false}],"created_by":"al","comment":"c","starts_at":"2026-11-01 00:00:00.000","ends_at":"2026-11-02 00:00:00.000","state":"active"}` + "\n"
	cols, vals, err := store.ShapeBatch(store.TableSilences, []byte(rows))
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []string{"source", "id", "updated_at", "observed_at", "matchers", "created_by", "comment", "starts_at", "ends_at", "state"}
	if !reflect.DeepEqual(cols, wantCols) {
		t.Fatalf("columns %v, want %v", cols, wantCols)
	}
	want := []any{"prod", "s1", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 10, 0, time.UTC),
		[][]any{{"a", "b", true, false}}, "al", "c", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), "active"}
	if len(vals) != 1 || !reflect.DeepEqual(vals[0], want) {
		t.Fatalf("values %#v\nwant %#v", vals, want)
	}

	n := `{"received_at":"2026-11-02 10:00:00.000","source":"s","receiver":"r","group_key":"g","group_labels":{},"notification_reason":"","route_labels":{},"status":"firing","fingerprint":"0123456789abcdef","alertname":"X","severity":"","labels":{"a":"b"},"annotations":{},"starts_at":"2026-11-02 09:00:00.000","ends_at":null,"generator_url":"","external_url":"","truncated_alerts":0,"ha_duplicate":0}` + "\n"
	_, vals, err = store.ShapeBatch(store.TableNotifications, []byte(n))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := vals[0][14].(*time.Time); !ok || got != nil {
		t.Fatalf("ends_at null shaped as %#v, want a nil *time.Time", vals[0][14])
	}
	if got := vals[0][11]; !reflect.DeepEqual(got, map[string]string{"a": "b"}) {
		t.Fatalf("labels shaped as %#v", got)
	}

	for _, bad := range []struct{ table, rows string }{
		{store.TablePolls, `{"polled_at":"2026-11-02 10:00:00.000","bogus":1}` + "\n"},
		{store.TablePolls, `{"polled_at":"2026-11-02T10:00:00Z"}` + "\n"},
		{store.TablePolls, "not json\n"},
		{"users", "{}\n"},
	} {
		if _, _, err := store.ShapeBatch(bad.table, []byte(bad.rows)); err == nil {
			t.Errorf("ShapeBatch(%s, %q) succeeded, want an error", bad.table, bad.rows)
		}
	}
}

func TestWrapJSONEachRow(t *testing.T) {
	got := store.WrapJSONEachRow("SELECT a, b FROM t WHERE x = {x:String};\n")
	want := "SELECT formatRow('JSONEachRow', *) FROM (SELECT a, b FROM t WHERE x = {x:String})"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A large answer (500,000 rows, 39 MB of JSONEachRow) read where the
// engine wrote it, against copied out of it first as Query does; the
// reader counts the rows either way.
func BenchmarkQueryLent(b *testing.B) {
	st := storetest.New(b)
	ctx := context.Background()
	const sql = "SELECT number AS n, toString(number * 7919) AS s, repeat('x', 40) AS pad FROM numbers(500000)"
	count := func(rows []byte) error {
		if n := bytes.Count(rows, []byte{'\n'}); n != 500000 {
			return fmt.Errorf("%d rows, want 500000", n)
		}
		return nil
	}
	b.Run("copied", func(b *testing.B) {
		for range b.N {
			out, err := st.Query(ctx, sql, nil)
			if err == nil {
				err = count(out)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lent", func(b *testing.B) {
		for range b.N {
			if err := st.QueryLent(ctx, sql, nil, count); err != nil {
				b.Fatal(err)
			}
		}
	})
}
