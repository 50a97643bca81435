package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/alertlens/alertlens/store/chdb"
)

// Embedded is the default backend: chDB, the ClickHouse engine in-process,
// with its data under a local directory.
//
// A connection runs one statement at a time, but connections to the same
// path run in parallel. So the writer (inserts and DDL) has its own
// connection, readiness has its own, merging the summaries has its own, and
// reads share a bounded pool: a slow analysis or merge never holds up
// ingest or /-/ready, and no number of readers can open more than the
// pool's statements at once.
type Embedded struct {
	conn    *chdb.Conn      // inserts and DDL
	control *chdb.Conn      // readiness
	reads   chan *chdb.Conn // the read pool
	upkeep  *chdb.Conn      // merges (see Upkeep)
	upMu    sync.Mutex      // one statement at a time on upkeep
	all     []*chdb.Conn
}

var (
	_ Backend = (*Embedded)(nil)
	_ Pinger  = (*Embedded)(nil)
)

// ErrReadsBusy means every read connection stayed busy until the request's
// deadline: too many heavy reads at once.
var ErrReadsBusy = errors.New("store: every read connection is busy")

// OpenEmbedded loads libchdb.so from libPath (see chdb.ResolveLib) and opens
// the engine's data under dataDir/clickhouse, with readConns connections for
// reads (at least 1).
func OpenEmbedded(libPath, dataDir string, readConns int) (*Embedded, error) {
	e := &Embedded{reads: make(chan *chdb.Conn, max(readConns, 1))}
	open := func() (*chdb.Conn, error) {
		c, err := chdb.Open(chdb.ResolveLib(libPath), filepath.Join(dataDir, "clickhouse"))
		if err != nil {
			_ = e.Close()
			return nil, fmt.Errorf("store: opening embedded engine: %w", err)
		}
		e.all = append(e.all, c)
		return c, nil
	}
	var err error
	if e.conn, err = open(); err != nil {
		return nil, err
	}
	if e.control, err = open(); err != nil {
		return nil, err
	}
	if e.upkeep, err = open(); err != nil {
		return nil, err
	}
	for range cap(e.reads) {
		c, err := open()
		if err != nil {
			return nil, err
		}
		e.reads <- c
	}
	return e, nil
}

// Version returns the engine's version.
func (e *Embedded) Version() string { return e.conn.Version() }

// Ping implements Pinger on the readiness connection.
func (e *Embedded) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := e.control.Query("SELECT 1", "JSONEachRow", nil)
	return wrapChdb(err)
}

// Exec implements Backend.
func (e *Embedded) Exec(ctx context.Context, sql string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := e.conn.Query(sql, "JSONEachRow", nil)
	return wrapChdb(err)
}

// Query implements Backend.
func (e *Embedded) Query(ctx context.Context, sql string, params map[string]string) ([]byte, error) {
	var out []byte
	err := e.QueryLent(ctx, sql, params, func(rows []byte) error {
		out = append([]byte(nil), rows...)
		return nil
	})
	return out, err
}

// QueryLent implements Lender: the rows stay in the engine's memory, read
// there by use, and the read connection stays taken until use returns.
func (e *Embedded) QueryLent(ctx context.Context, sql string, params map[string]string, use func(rows []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var c *chdb.Conn
	select {
	case c = <-e.reads:
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrReadsBusy, ctx.Err())
	}
	defer func() { e.reads <- c }()
	failed := true // (use's own error is returned as it is)
	err := c.QueryLent(sql, "JSONEachRow", escapeParams(params), func(r *chdb.Result) error {
		failed = false
		return use(r.Data)
	})
	if err != nil && failed {
		return wrapChdb(err)
	}
	return err
}

// WriterQuery runs a SELECT on the writer's connection, for the reads the
// writer needs itself: behind the read pool they would wait for analyses.
func (e *Embedded) WriterQuery(ctx context.Context, sql string, params map[string]string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return query(e.conn, sql, params)
}

// Write implements Backend, on the writer's connection.
func (e *Embedded) Write(ctx context.Context, sql string, params map[string]string) error {
	_, err := e.WriterQuery(ctx, sql, params)
	return err
}

func query(c *chdb.Conn, sql string, params map[string]string) ([]byte, error) {
	r, err := c.Query(sql, "JSONEachRow", escapeParams(params))
	if err != nil {
		return nil, wrapChdb(err)
	}
	return r.Data, nil
}

// escapeParams writes each parameter's value as the engine reads it.
func escapeParams(params map[string]string) map[string]string {
	if len(params) == 0 {
		return nil
	}
	escaped := make(map[string]string, len(params))
	for k, v := range params {
		escaped[k] = paramEscaper.Replace(v)
	}
	return escaped
}

// ReadsInUse is how many read connections are running a query now.
func (e *Embedded) ReadsInUse() int { return cap(e.reads) - len(e.reads) }

// paramEscaper writes a parameter value in ClickHouse's escaped text form,
// which is how the engine reads {name:Type} values: without it a backslash
// in a label value would start an escape sequence.
var paramEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`, "\x00", `\0`)

// insertSettings make the engine refuse rows it would otherwise patch up
// (unknown fields dropped, times guessed), so bad rows surface as errors.
const insertSettings = "input_format_skip_unknown_fields = 0, date_time_input_format = 'basic'"

// Insert implements Backend. The token is checked by Store.Insert.
func (e *Embedded) Insert(ctx context.Context, table string, rows []byte, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	dedup := "insert_deduplicate = 0"
	if token != "" {
		dedup = fmt.Sprintf("insert_deduplication_token = '%s', insert_deduplicate = 1", token)
	}
	_, err := e.conn.Insert(fmt.Sprintf("INSERT INTO %s SETTINGS %s, %s", table, dedup, insertSettings), "JSONEachRow", rows)
	return wrapChdb(err)
}

// Close implements Backend.
func (e *Embedded) Close() error {
	var errs []error
	for _, c := range e.all {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

func wrapChdb(err error) error {
	if err == nil {
		return nil
	}
	var ce *chdb.Error
	if errors.As(err, &ce) {
		return classify(ce.Code, fmt.Errorf("embedded store: %w", err))
	}
	return fmt.Errorf("embedded store: %w", err)
}
