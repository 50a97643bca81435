// Package store keeps alertlens's history in ClickHouse: the schema and its
// migrations, the two backends (the embedded chDB engine and a ClickHouse
// server through clickhouse-go) behind one interface, and the classification
// of store errors into "retry later" and "this data is invalid".
package store

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"time"

	"github.com/alertlens/alertlens/queries"
)

//go:embed schema/*.sql
var schemaFS embed.FS

// Backend is what differs between the embedded engine and a server. Both run
// the same SQL text.
type Backend interface {
	// Exec runs one statement that returns nothing of interest.
	Exec(ctx context.Context, sql string) error
	// Query runs one SELECT with {name:Type} parameters bound by the engine
	// and returns its rows as JSONEachRow.
	Query(ctx context.Context, sql string, params map[string]string) ([]byte, error)
	// Write runs one INSERT … SELECT with bound parameters, where the
	// writer's inserts run.
	Write(ctx context.Context, sql string, params map[string]string) error
	// Insert writes JSONEachRow rows into the fully qualified table. A
	// repeated insert with the same token is dropped by the engine, which is
	// what makes a retried batch land once; an empty token inserts without
	// deduplication (Store.InsertMissing).
	Insert(ctx context.Context, table string, rows []byte, token string) error
	Close() error
}

// Pinger is a backend that answers readiness on its own connection, so a
// busy read or write never makes the service look down.
type Pinger interface {
	Ping(ctx context.Context) error
}

// RejectedError marks a store error caused by the data itself (a value that
// does not parse, a wrong type): retrying cannot help.
type RejectedError struct{ Err error }

func (e *RejectedError) Error() string { return "store rejected the rows: " + e.Err.Error() }
func (e *RejectedError) Unwrap() error { return e.Err }

// IsRejected reports whether err says the rows themselves are invalid.
func IsRejected(err error) bool {
	var r *RejectedError
	return errors.As(err, &r)
}

// dataErrorCodes are ClickHouse error codes that blame the inserted data.
// Anything else (unknown table, memory, network, read-only) is treated as a
// store outage and retried.
var dataErrorCodes = map[int]bool{
	6: true, 26: true, 27: true, 32: true, 38: true, 41: true, 53: true, 69: true,
	70: true, 72: true, 117: true, 130: true, 131: true, 321: true,
}

// Limit names a bound the engine enforced on a query.
type Limit string

// The limits a read can run into.
const (
	LimitTime   Limit = "time"
	LimitRows   Limit = "rows"
	LimitMemory Limit = "memory"
)

// LimitError is a query stopped by one of its limits: the caller should
// narrow it, and retrying the same query cannot help.
type LimitError struct {
	Limit Limit
	Err   error
}

func (e *LimitError) Error() string {
	return "query exceeded its " + string(e.Limit) + " limit: " + e.Err.Error()
}
func (e *LimitError) Unwrap() error { return e.Err }

// limitCodes are the ClickHouse error codes of a query stopped by a limit;
// the server and the embedded engine share them.
var limitCodes = map[int]Limit{
	159: LimitTime,   // TIMEOUT_EXCEEDED
	160: LimitTime,   // TOO_SLOW
	158: LimitRows,   // TOO_MANY_ROWS
	396: LimitRows,   // TOO_MANY_ROWS_OR_BYTES
	241: LimitMemory, // MEMORY_LIMIT_EXCEEDED
}

// classify sorts an engine error by its code, the same way for both
// backends: data the store rejects, a limit the query ran into, or (any
// other) an outage to retry.
func classify(code int, err error) error {
	if err == nil {
		return nil
	}
	if dataErrorCodes[code] {
		return &RejectedError{Err: err}
	}
	if l, ok := limitCodes[code]; ok {
		return &LimitError{Limit: l, Err: err}
	}
	return err
}

// Options configure the schema.
type Options struct {
	// Database holds every table; created when missing.
	Database string
	// Cluster, when set, runs DDL ON CLUSTER with Replicated* local tables
	// and Distributed tables in front (server backend only).
	Cluster string
	// Retention is the TTL of every data table.
	Retention time.Duration
}

// ValidIdentifier reports whether s may be used unquoted as a database,
// cluster or table name. Identifiers never come from requests, only from
// config, and are still checked.
func ValidIdentifier(s string) bool { return queries.ValidIdentifier(s) }

// Validate checks o and names the bad field.
func (o Options) Validate() error {
	if !ValidIdentifier(o.Database) {
		return fmt.Errorf("store.database: %q is not a valid identifier ([A-Za-z_][A-Za-z0-9_]*)", o.Database)
	}
	if o.Cluster != "" && !ValidIdentifier(o.Cluster) {
		return fmt.Errorf("store.clickhouse.cluster: %q is not a valid identifier", o.Cluster)
	}
	if o.Retention < 24*time.Hour {
		return fmt.Errorf("store.retention: %s is shorter than one day", o.Retention)
	}
	return nil
}

// Store runs the schema and statements on a backend.
type Store struct {
	b        Backend
	sql      *queries.Set
	opts     Options
	log      *slog.Logger
	migrated atomic.Bool
	// lastStart is the newest seal generation's latest start, once read
	// (see sealLastStart).
	lastStart struct {
		sync.Mutex
		seal uint64
		at   time.Time
	}
}

// New wraps a backend. It does not touch the store; call Migrate.
func New(b Backend, opts Options, log *slog.Logger) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	set, err := queries.NewSet(opts.Database)
	if err != nil {
		return nil, fmt.Errorf("store.database: %w", err)
	}
	return &Store{b: b, sql: set, opts: opts, log: log}, nil
}

// Database returns the database name.
func (s *Store) Database() string { return s.opts.Database }

// Backend returns the backend, for tests that must break or inspect it.
func (s *Store) Backend() Backend { return s.b }

// Close closes the backend.
func (s *Store) Close() error { return s.b.Close() }

type migration struct {
	version int
	name    string
	text    string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(schemaFS, "schema")
	if err != nil {
		return nil, fmt.Errorf("store: reading embedded schema: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: schema file %s lacks a NNNN_ version prefix", e.Name())
		}
		b, err := schemaFS.ReadFile("schema/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("store: reading schema file %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: e.Name(), text: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Render expands a schema template for these options. It is exported for the
// DDL tests of both backends.
func (o Options) Render(text string) (string, error) {
	q := func(table string) string { return o.Database + "." + table }
	local := func(table string) string {
		if o.Cluster != "" {
			return q(table + "_local")
		}
		return q(table)
	}
	onCluster := ""
	if o.Cluster != "" {
		onCluster = "ON CLUSTER " + o.Cluster
	}
	funcs := template.FuncMap{
		"local":     local,
		"onCluster": func() string { return onCluster },
		"engine": func(engine, table string) string {
			if o.Cluster == "" {
				return engine
			}
			name, args, _ := strings.Cut(engine, "(")
			args = strings.TrimSuffix(args, ")")
			zk := fmt.Sprintf("'/clickhouse/tables/{shard}/%s/%s_local', '{replica}'", o.Database, table)
			if args != "" {
				zk += ", " + args
			}
			return "Replicated" + name + "(" + zk + ")"
		},
		"ttl": func(col string) string {
			return fmt.Sprintf("TTL toDateTime(%s) + toIntervalSecond(%d)", col, int64(o.Retention.Seconds()))
		},
		"distributed": func(table string) (string, error) {
			dt, ok := allTables()[table]
			if !ok {
				return "", fmt.Errorf("no sharding key for table %s", table)
			}
			if o.Cluster == "" {
				return "", nil
			}
			return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s %s AS %s ENGINE = Distributed(%s, %s, %s_local, %s);",
				q(table), onCluster, local(table), o.Cluster, o.Database, table, dt.shardKey()), nil
		},
	}
	// Each per-day table's SELECT over a table's rows, for its view and
	// backfill (see dayTables).
	var sqlSet *queries.Set // parsed for the first migration that asks
	for _, d := range dayTables {
		funcs[d.fn] = func(table string) (string, error) {
			if sqlSet == nil {
				set, err := queries.NewSet(o.Database)
				if err != nil {
					return "", err
				}
				sqlSet = set
			}
			return d.render(sqlSet, queries.DaySummaries{Table: table, From: local(table)})
		}
	}
	t, err := template.New("schema").Funcs(funcs).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", fmt.Errorf("store: parsing schema template: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, nil); err != nil {
		return "", fmt.Errorf("store: rendering schema template: %w", err)
	}
	return buf.String(), nil
}

// SplitStatements splits rendered SQL on semicolons that end a line, dropping
// comment-only and empty pieces.
func SplitStatements(text string) []string {
	var out []string
	for _, part := range regexp.MustCompile(`;\s*(\n|$)`).Split(text, -1) {
		var kept []string
		for _, line := range strings.Split(part, "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
				kept = append(kept, line)
			}
		}
		if len(kept) > 0 {
			out = append(out, strings.TrimSpace(strings.Join(kept, "\n")))
		}
	}
	return out
}

// MigrationStatements returns every statement Migrate would run for
// migrations newer than applied, in order, without running them.
func (o Options) MigrationStatements(applied int) ([]string, []int, error) {
	ms, err := migrations()
	if err != nil {
		return nil, nil, err
	}
	var stmts []string
	var versions []int
	for _, m := range ms {
		if m.version <= applied {
			continue
		}
		r, err := o.Render(m.text)
		if err != nil {
			return nil, nil, fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		stmts = append(stmts, SplitStatements(r)...)
		versions = append(versions, m.version)
	}
	return stmts, versions, nil
}

func (o Options) bootstrapStatements() []string {
	onCluster, engine := "", "MergeTree"
	if o.Cluster != "" {
		onCluster = "ON CLUSTER " + o.Cluster
		engine = fmt.Sprintf("ReplicatedMergeTree('/clickhouse/tables/{shard}/%s/schema_migrations', '{replica}')", o.Database)
	}
	return []string{
		fmt.Sprintf("CREATE DATABASE IF NOT EXISTS %s %s", o.Database, onCluster),
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.schema_migrations %s (version UInt32, name String, applied_at DateTime64(3, 'UTC')) ENGINE = %s ORDER BY version",
			o.Database, onCluster, engine),
	}
}

// ttlStatements re-apply the configured retention on every start, so a
// changed retention takes effect without a new migration. Only the metadata
// changes; existing parts are cleaned by the next merges.
func (o Options) ttlStatements() []string {
	onCluster := ""
	if o.Cluster != "" {
		onCluster = "ON CLUSTER " + o.Cluster
	}
	all := allTables()
	names := make([]string, 0, len(all))
	for t := range all {
		names = append(names, t)
	}
	sort.Strings(names)
	var out []string
	for _, t := range names {
		if t == TableAlertmanagerStatus {
			continue // a handful of rows; kept for as long as the store lives
		}
		table := o.Database + "." + t
		if o.Cluster != "" {
			table += "_local"
		}
		out = append(out, fmt.Sprintf("ALTER TABLE %s %s MODIFY TTL toDateTime(%s) + toIntervalSecond(%d) SETTINGS materialize_ttl_after_modify = 0",
			table, onCluster, all[t].timeCol, int64(o.Retention.Seconds())))
	}
	return out
}

// AppliedVersion returns the newest migration recorded in the store, 0 for none.
func (s *Store) AppliedVersion(ctx context.Context) (int, error) {
	out, err := s.b.Query(ctx, fmt.Sprintf("SELECT max(version) AS v FROM %s.schema_migrations", s.opts.Database), nil)
	if err != nil {
		return 0, fmt.Errorf("store: reading applied migrations: %w", err)
	}
	var v int
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), `{"v":%d}`, &v); err != nil {
		return 0, fmt.Errorf("store: parsing applied migration version %q: %w", out, err)
	}
	return v, nil
}

// Migrate brings the schema up to date. It is safe to run again and from
// several processes in turn: every statement is idempotent, and a version is
// recorded only after all its statements ran.
func (s *Store) Migrate(ctx context.Context) error {
	for _, st := range s.opts.bootstrapStatements() {
		if err := s.b.Exec(ctx, st); err != nil {
			return fmt.Errorf("store: migrate bootstrap %q: %w", firstLine(st), err)
		}
	}
	applied, err := s.AppliedVersion(ctx)
	if err != nil {
		return err
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	// A store migrated by a newer alertlens may hold tables this one does
	// not know or reads differently (0010 moved the seals to new tables):
	// refused at the start, not answered from half of the history.
	if latest := ms[len(ms)-1].version; applied > latest {
		return fmt.Errorf("store: schema version %d was applied by a newer alertlens; this one knows versions up to %d (downgrading is not supported)", applied, latest)
	}
	for _, m := range ms {
		if m.version <= applied {
			continue
		}
		r, err := s.opts.Render(m.text)
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		for _, st := range SplitStatements(r) {
			if err := s.b.Exec(ctx, st); err != nil {
				return fmt.Errorf("store: migration %s, statement %q: %w", m.name, firstLine(st), err)
			}
		}
		rec := fmt.Sprintf(`{"version":%d,"name":%q,"applied_at":%q}`+"\n", m.version, m.name, time.Now().UTC().Format(TimeLayout))
		if err := s.b.Insert(ctx, s.opts.Database+".schema_migrations", []byte(rec), fmt.Sprintf("migration-%d", m.version)); err != nil {
			return fmt.Errorf("store: recording migration %s: %w", m.name, err)
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "migration applied", slog.Int("version", m.version), slog.String("name", m.name))
	}
	for _, st := range s.opts.ttlStatements() {
		if err := s.b.Exec(ctx, st); err != nil {
			return fmt.Errorf("store: applying retention %q: %w", firstLine(st), err)
		}
	}
	s.migrated.Store(true)
	return nil
}

// LatestVersion is the newest migration this binary carries.
func LatestVersion() (int, error) {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	return ms[len(ms)-1].version, nil
}

// ErrNotMigrated is Ready's answer until the schema is in place.
var ErrNotMigrated = errors.New("store: not migrated yet")

// Ready reports nil when the store answers and the schema is current.
func (s *Store) Ready(ctx context.Context) error {
	if !s.migrated.Load() {
		return ErrNotMigrated
	}
	var err error
	if p, ok := s.b.(Pinger); ok {
		err = p.Ping(ctx)
	} else {
		_, err = s.b.Query(ctx, "SELECT 1 AS ok", nil)
	}
	if err != nil {
		return fmt.Errorf("store: unreachable: %w", err)
	}
	return nil
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,200}$`)

// Insert writes JSONEachRow rows into one of the data tables. token makes the
// insert idempotent: the same token twice stores the rows once.
func (s *Store) Insert(ctx context.Context, table string, rows []byte, token string) error {
	if !KnownTable(table) {
		return fmt.Errorf("store: insert into unknown table %q", table)
	}
	if !tokenRE.MatchString(token) {
		return fmt.Errorf("store: invalid dedup token %q", token)
	}
	if len(rows) == 0 {
		return nil
	}
	return s.b.Insert(ctx, s.opts.Database+"."+table, rows, token)
}

// Query runs a SELECT with bound parameters. sql is rendered as a
// statement template first ({{db}} names the database).
func (s *Store) Query(ctx context.Context, sql string, params map[string]string) ([]byte, error) {
	text, err := s.sql.Text(sql)
	if err != nil {
		return nil, err
	}
	return s.b.Query(ctx, text, params)
}

// Lender is a Backend that can hand a query's rows over without copying
// them out of the engine: the embedded engine's answer is read where it
// lies (copying 50 MB of rows took a quarter of a second).
type Lender interface {
	// QueryLent runs a query as Query does and calls use with its rows,
	// which are valid only until use returns: use must copy what it
	// keeps. use's error is returned as it is.
	QueryLent(ctx context.Context, sql string, params map[string]string, use func(rows []byte) error) error
}

// QueryLent runs a SELECT as Query does and calls use with its rows, lent
// by the backend when it can lend them: valid only until use returns.
func (s *Store) QueryLent(ctx context.Context, sql string, params map[string]string, use func(rows []byte) error) error {
	text, err := s.sql.Text(sql)
	if err != nil {
		return err
	}
	if l, ok := s.b.(Lender); ok {
		return l.QueryLent(ctx, text, params, use)
	}
	out, err := s.b.Query(ctx, text, params)
	if err != nil {
		return err
	}
	return use(out)
}

// Exec runs one statement, rendered like Query's.
func (s *Store) Exec(ctx context.Context, sql string) error {
	text, err := s.sql.Text(sql)
	if err != nil {
		return err
	}
	return s.b.Exec(ctx, text)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	if len(l) > 120 {
		l = l[:120] + "…"
	}
	return l
}
