package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/alertlens/alertlens/queries"
)

// ErrNotKept is Keep's answer on a backend that keeps no query's rows in a
// table of their own (a server: its reads may land on any replica).
var ErrNotKept = errors.New("store: this backend keeps no query's rows")

// Keeper is a Backend that can keep a SELECT's rows in a table for the
// rest of one answer, and drop them: reads that share an expensive part
// compute it once. The embedded engine keeps them in memory.
type Keeper interface {
	// Keep creates table (qualified) from the rows of sql.
	Keep(ctx context.Context, table, sql string, params map[string]string) error
	// Drop drops table (qualified) if it exists.
	Drop(ctx context.Context, table string) error
}

// keptPrefix starts the name of every table Keep creates, so that those a
// crash left behind are found and dropped at the next start.
const keptPrefix = "kept_"

// Keep keeps the rows of the SELECT sql (rendered like Query's) in a new
// table and returns its name (unqualified). The caller drops it with Drop.
func (s *Store) Keep(ctx context.Context, sql string, params map[string]string) (string, error) {
	k, ok := s.b.(Keeper)
	if !ok {
		return "", ErrNotKept
	}
	text, err := s.sql.Text(sql)
	if err != nil {
		return "", err
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", fmt.Errorf("store: naming a kept table: %w", err)
	}
	name := keptPrefix + hex.EncodeToString(id[:])
	if err := k.Keep(ctx, s.opts.Database+"."+name, text, params); err != nil {
		_ = k.Drop(context.WithoutCancel(ctx), s.opts.Database+"."+name)
		return "", fmt.Errorf("store: keeping rows in %s: %w", name, err)
	}
	return name, nil
}

// Drop drops a table Keep made.
func (s *Store) Drop(ctx context.Context, name string) error {
	k, ok := s.b.(Keeper)
	if !ok {
		return ErrNotKept
	}
	if !strings.HasPrefix(name, keptPrefix) || !queries.ValidIdentifier(name) {
		return fmt.Errorf("store: %q is no kept table", name)
	}
	if err := k.Drop(ctx, s.opts.Database+"."+name); err != nil {
		return fmt.Errorf("store: dropping %s: %w", name, err)
	}
	return nil
}

// DropKept drops the tables Keep made that are still there: after a crash
// (an embedded engine's tables in memory come back empty after a restart,
// but named). It says how many it dropped.
func (s *Store) DropKept(ctx context.Context) (int, error) {
	if _, ok := s.b.(Keeper); !ok {
		return 0, nil
	}
	out, err := s.b.Query(ctx, "SELECT name FROM system.tables WHERE database = {db:String} AND startsWith(name, {prefix:String})",
		map[string]string{"db": s.opts.Database, "prefix": keptPrefix})
	if err != nil {
		return 0, fmt.Errorf("store: listing kept tables: %w", err)
	}
	n := 0
	for line := range strings.Lines(string(out)) {
		var row struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			return n, fmt.Errorf("store: listing kept tables: %w", err)
		}
		if err := s.Drop(ctx, row.Name); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Keep implements Keeper, on a read connection: keeping is a read's work.
func (e *Embedded) Keep(ctx context.Context, table, sql string, params map[string]string) error {
	_, err := e.Query(ctx, "CREATE TABLE "+table+" ENGINE = Memory AS "+sql, params)
	return err
}

// Drop implements Keeper.
func (e *Embedded) Drop(ctx context.Context, table string) error {
	_, err := e.Query(ctx, "DROP TABLE IF EXISTS "+table, nil)
	return err
}
