package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/alertlens/alertlens/store/chdb"
)

// Embedded is the default backend: chDB, the ClickHouse engine in-process,
// with its data under a local directory.
type Embedded struct {
	conn *chdb.Conn
}

var _ Backend = (*Embedded)(nil)

// OpenEmbedded loads libchdb.so from libPath (see chdb.ResolveLib) and opens
// the engine's data under dataDir/clickhouse.
func OpenEmbedded(libPath, dataDir string) (*Embedded, error) {
	c, err := chdb.Open(chdb.ResolveLib(libPath), filepath.Join(dataDir, "clickhouse"))
	if err != nil {
		return nil, fmt.Errorf("store: opening embedded engine: %w", err)
	}
	return &Embedded{conn: c}, nil
}

// Version returns the engine's version.
func (e *Embedded) Version() string { return e.conn.Version() }

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
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var escaped map[string]string
	if len(params) > 0 {
		escaped = make(map[string]string, len(params))
		for k, v := range params {
			escaped[k] = paramEscaper.Replace(v)
		}
	}
	r, err := e.conn.Query(sql, "JSONEachRow", escaped)
	if err != nil {
		return nil, wrapChdb(err)
	}
	return r.Data, nil
}

// paramEscaper writes a parameter value in ClickHouse's escaped text form,
// which is how the engine reads {name:Type} values: without it a backslash
// in a label value would start an escape sequence.
var paramEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`, "\x00", `\0`)

// insertSettings make the engine refuse rows it would otherwise patch up
// (unknown fields dropped, times guessed), so bad rows surface as errors.
const insertSettings = "input_format_skip_unknown_fields = 0, date_time_input_format = 'basic', insert_deduplicate = 1"

// Insert implements Backend. The token is checked by Store.Insert.
func (e *Embedded) Insert(ctx context.Context, table string, rows []byte, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q := fmt.Sprintf("INSERT INTO %s SETTINGS insert_deduplication_token = '%s', %s", table, token, insertSettings)
	_, err := e.conn.Insert(q, "JSONEachRow", rows)
	return wrapChdb(err)
}

// Close implements Backend.
func (e *Embedded) Close() error { return e.conn.Close() }

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
