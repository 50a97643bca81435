package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/alertlens/alertlens/queries"
)

// InsertMissing writes the rows of a JSONEachRow batch that the table does
// not hold yet, and returns how many it wrote. It is how a batch that was in
// flight when the process died is written again.
//
// A retry with the batch's token cannot be trusted there: the engine writes
// a block's token to its deduplication log before it commits the block's
// part, so a kill between the two leaves a token whose rows are gone, and
// the retry is dropped as a duplicate. Instead the rows are compared by
// content with what the table holds about the same keys in the batch's time
// range, as a multiset (a row the batch holds twice is written twice), and
// the missing ones are inserted without deduplication. That makes it safe to
// repeat after any number of crashes: each run writes only what is still
// missing. Two rows that agree in every column to the millisecond are the
// same row.
func (s *Store) InsertMissing(ctx context.Context, table string, rows []byte) (int, error) {
	ti, ok := tables[table]
	if !ok {
		return 0, fmt.Errorf("store: insert into unknown table %q", table)
	}
	batch, err := decodeBatch(ti, rows)
	if err != nil {
		return 0, &RejectedError{Err: fmt.Errorf("%s: %w", table, err)}
	}
	if len(batch.rows) == 0 {
		return 0, nil
	}
	text, err := s.sql.Text(queries.SQL("stored_rows"))
	if err != nil {
		return 0, err
	}
	read := s.b.Query
	if w, ok := s.b.(writerQuerier); ok {
		read = w.WriterQuery
	}
	out, err := read(ctx, text, map[string]string{
		"table": table, "time_col": ti.timeCol, "key_col": ti.keyCol,
		"from": batch.from.UTC().Format(TimeLayout), "to": batch.to.UTC().Format(TimeLayout),
		"keys": queries.StringArray(batch.keys),
	})
	if err != nil {
		return 0, fmt.Errorf("store: reading the stored rows of %s: %w", table, err)
	}
	stored, err := decodeBatch(ti, out)
	if err != nil {
		return 0, fmt.Errorf("store: decoding the stored rows of %s: %w", table, err)
	}
	have := map[string]int{}
	for _, r := range stored.rows {
		have[r.canonical]++
	}
	var missing []byte
	n := 0
	for _, r := range batch.rows {
		if have[r.canonical] > 0 {
			have[r.canonical]--
			continue
		}
		missing = append(missing, r.line...)
		missing = append(missing, '\n')
		n++
	}
	if n > 0 {
		if err := s.b.Insert(ctx, s.opts.Database+"."+table, missing, ""); err != nil {
			return 0, err
		}
	}
	if n == len(batch.rows) {
		return n, nil // all written just now, the views with them
	}
	if err := s.writeDaysAgain(ctx, table, batch); err != nil {
		return n, err
	}
	return n, nil
}

// writeDaysAgain writes again, into every table the views fill per day
// from table's rows, the days of the alerts of a batch some of whose rows
// were stored already: the views' parts land apart from the raw rows'
// part, so rows that were stored (before a crash, or by an insert that
// failed in a view) may have no days written, and the comparison above
// finds them stored and does not write them again (which would have run
// the views). Writing a day again from every stored row of those alerts
// adds nothing wrong to what was there: summaries are idempotent, a pair
// named twice is the same pair, a day's latest taken twice the same.
func (s *Store) writeDaysAgain(ctx context.Context, table string, batch decodedBatch) error {
	params := map[string]string{
		"from": batch.from.UTC().Format(TimeLayout), "to": batch.to.UTC().Format(TimeLayout),
		"keys": queries.StringArray(batch.keys),
	}
	for _, d := range dayTables {
		if !slices.Contains(d.from, table) {
			continue
		}
		sel, err := d.render(s.sql, queries.DaySummaries{Table: table, From: s.opts.Database + "." + table, Rows: "batch"})
		if err != nil {
			return err
		}
		if err := s.b.Write(ctx, "INSERT INTO "+s.opts.Database+"."+d.into+"\n"+sel, params); err != nil {
			return fmt.Errorf("store: writing the days of %s into %s again: %w", table, d.into, err)
		}
	}
	return nil
}

// writerQuerier is a backend whose writer has a connection of its own;
// the store reads what a recovering insert needs there.
type writerQuerier interface {
	WriterQuery(ctx context.Context, sql string, params map[string]string) ([]byte, error)
}

type batchRow struct {
	line      []byte // as given
	canonical string // decoded into the table's row type and encoded again
}

type decodedBatch struct {
	rows     []batchRow
	from, to Time
	keys     []string
}

// decodeBatch reads JSONEachRow rows of a table: each row in canonical form
// (so the engine's spelling of a value and ours compare equal), the range
// of their time column and their keys.
func decodeBatch(ti tableInfo, data []byte) (decodedBatch, error) {
	var b decodedBatch
	keys := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		v := ti.row()
		if err := json.Unmarshal(line, v); err != nil {
			return b, fmt.Errorf("row %d: %w", n, err)
		}
		canonical, err := json.Marshal(v)
		if err != nil {
			return b, fmt.Errorf("row %d: %w", n, err)
		}
		var cols map[string]json.RawMessage
		if err := json.Unmarshal(line, &cols); err != nil {
			return b, fmt.Errorf("row %d: %w", n, err)
		}
		var at Time
		if err := at.UnmarshalJSON(cols[ti.timeCol]); err != nil {
			return b, fmt.Errorf("row %d: %s: %w", n, ti.timeCol, err)
		}
		var key string
		if err := json.Unmarshal(cols[ti.keyCol], &key); err != nil {
			return b, fmt.Errorf("row %d: %s: %w", n, ti.keyCol, err)
		}
		if len(b.rows) == 0 || at.Before(b.from.Time) {
			b.from = at
		}
		if len(b.rows) == 0 || at.After(b.to.Time) {
			b.to = at
		}
		keys[key] = true
		b.rows = append(b.rows, batchRow{line: slices.Clone(line), canonical: string(canonical)})
	}
	if err := sc.Err(); err != nil {
		return b, err
	}
	for k := range keys {
		b.keys = append(b.keys, k)
	}
	slices.Sort(b.keys)
	return b, nil
}
