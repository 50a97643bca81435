package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// ClickHouse is the backend for a ClickHouse server or cluster, over the
// native protocol. It runs exactly the SQL the embedded backend runs; only
// transport differs: SELECT output is produced server-side as JSONEachRow
// lines (formatRow), and inserts go through clickhouse-go's columnar batches.
type ClickHouse struct {
	conn    driver.Conn
	cluster bool
}

var _ Backend = (*ClickHouse)(nil)

// OpenClickHouse connects to dsn, e.g. clickhouse://user:pass@host:9000/db.
func OpenClickHouse(ctx context.Context, dsn string, cluster bool) (*ClickHouse, error) {
	opts, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: clickhouse dsn: %w", err)
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("store: opening clickhouse %v: %w", opts.Addr, err)
	}
	if err := conn.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("store: clickhouse %v unreachable: %w", opts.Addr, wrapCH(err))
	}
	return &ClickHouse{conn: conn, cluster: cluster}, nil
}

// Exec implements Backend.
func (c *ClickHouse) Exec(ctx context.Context, sql string) error {
	return wrapCH(c.conn.Exec(ctx, sql))
}

// Write implements Backend.
func (c *ClickHouse) Write(ctx context.Context, sql string, params map[string]string) error {
	if len(params) > 0 {
		ctx = clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters(params)))
	}
	return wrapCH(c.conn.Exec(ctx, sql))
}

// Query implements Backend.
func (c *ClickHouse) Query(ctx context.Context, sql string, params map[string]string) ([]byte, error) {
	// 64-bit integers as JSON numbers, as the embedded engine writes them:
	// the row types decode numbers.
	opts := []clickhouse.QueryOption{clickhouse.WithSettings(clickhouse.Settings{"output_format_json_quote_64bit_integers": 0})}
	if len(params) > 0 {
		opts = append(opts, clickhouse.WithParameters(clickhouse.Parameters(params)))
	}
	rows, err := c.conn.Query(clickhouse.Context(ctx, opts...), WrapJSONEachRow(sql))
	if err != nil {
		return nil, wrapCH(err)
	}
	defer func() { _ = rows.Close() }()
	var out bytes.Buffer
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, wrapCH(err)
		}
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteByte('\n')
		}
	}
	return out.Bytes(), wrapCH(rows.Err())
}

// WrapJSONEachRow turns a SELECT into one that returns each row as a
// JSONEachRow line, so the server backend hands back the same bytes the
// embedded engine does.
func WrapJSONEachRow(sql string) string {
	return "SELECT formatRow('JSONEachRow', *) FROM (" + strings.TrimRight(strings.TrimSpace(sql), ";") + ")"
}

// Insert implements Backend.
func (c *ClickHouse) Insert(ctx context.Context, table string, rows []byte, token string) error {
	name := table[strings.LastIndexByte(table, '.')+1:]
	if name == "schema_migrations" {
		return c.Exec(ctx, fmt.Sprintf("INSERT INTO %s SETTINGS insert_deduplication_token = '%s' FORMAT JSONEachRow %s", table, token, rows))
	}
	cols, values, err := ShapeBatch(name, rows)
	if err != nil {
		return &RejectedError{Err: err}
	}
	settings := clickhouse.Settings{"insert_deduplication_token": token, "insert_deduplicate": 1}
	if token == "" {
		settings = clickhouse.Settings{"insert_deduplicate": 0}
	}
	if c.cluster {
		// Synchronous distributed inserts forward the token to the shards,
		// so a retried batch is deduplicated there too.
		settings["distributed_foreground_insert"] = 1
	}
	ctx = clickhouse.Context(ctx, clickhouse.WithSettings(settings))
	batch, err := c.conn.PrepareBatch(ctx, fmt.Sprintf("INSERT INTO %s (%s)", table, strings.Join(cols, ", ")))
	if err != nil {
		return wrapCH(err)
	}
	for i, v := range values {
		if err := batch.Append(v...); err != nil {
			_ = batch.Abort()
			return &RejectedError{Err: fmt.Errorf("row %d: %w", i, err)}
		}
	}
	return wrapCH(batch.Send())
}

// Close implements Backend.
func (c *ClickHouse) Close() error { return c.conn.Close() }

// ShapeBatch decodes JSONEachRow rows of a data table into the column names
// and per-row column values clickhouse-go's batch takes: times as time.Time
// (nil for NULL), matchers as tuples.
func ShapeBatch(table string, rows []byte) ([]string, [][]any, error) {
	ti, ok := tables[table]
	mk := ti.row
	if !ok {
		return nil, nil, fmt.Errorf("shape: unknown table %q", table)
	}
	cols := Columns(table)
	var out [][]any
	sc := bufio.NewScanner(bytes.NewReader(rows))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		row := mk()
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(row); err != nil {
			return nil, nil, fmt.Errorf("shape %s line %d: %w", table, n, err)
		}
		out = append(out, columnValues(reflect.ValueOf(row).Elem()))
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("shape %s: %w", table, err)
	}
	return cols, out, nil
}

// Columns lists a data table's columns in the order of its row type.
func Columns(table string) []string {
	ti, ok := tables[table]
	mk := ti.row
	if !ok {
		return nil
	}
	t := reflect.TypeOf(mk()).Elem()
	cols := make([]string, t.NumField())
	for i := range cols {
		cols[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return cols
}

var (
	timeType    = reflect.TypeOf(Time{})
	timePtrType = reflect.TypeOf(&Time{})
	matchersTyp = reflect.TypeOf([]Matcher(nil))
)

func columnValues(v reflect.Value) []any {
	vals := make([]any, v.NumField())
	for i := range vals {
		f := v.Field(i)
		switch f.Type() {
		case timeType:
			vals[i] = f.Interface().(Time).Time
		case timePtrType:
			if f.IsNil() {
				vals[i] = (*time.Time)(nil)
			} else {
				t := f.Interface().(*Time).Time
				vals[i] = &t
			}
		case matchersTyp:
			ms := f.Interface().([]Matcher)
			tuples := make([][]any, len(ms))
			for j, m := range ms {
				tuples[j] = []any{m.Name, m.Value, m.IsRegex, m.IsEqual}
			}
			vals[i] = tuples
		default:
			vals[i] = f.Interface()
		}
	}
	return vals
}

func wrapCH(err error) error {
	if err == nil {
		return nil
	}
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		return classify(int(ex.Code), fmt.Errorf("clickhouse store: %w", err))
	}
	return fmt.Errorf("clickhouse store: %w", err)
}
