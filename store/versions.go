package store

import (
	"fmt"

	"github.com/alertlens/alertlens/queue"
)

// rowUpgrades[table][v] rewrites rows of version v to version v+1.
var rowUpgrades = map[string]map[uint16]func(rows []byte) ([]byte, error){}

// RowVersion is the current row version of table: the shape of its queued
// rows. A migration that renames or retypes a column the producers write
// raises the table's version in the table registry and adds the step that
// rewrites older rows to rowUpgrades, so rows queued before the upgrade are
// written, not dead-lettered.
func RowVersion(table string) uint16 {
	return max(tables[table].version, 1)
}

// Section is a queue section of rows for table, stamped with the table's
// current row version.
func Section(table string, rows []byte) queue.Section {
	return queue.Section{Table: table, Version: RowVersion(table), Rows: rows}
}

// UpgradeRows brings a queued section's rows to the table's current shape.
// Rows from a newer alertlens (a downgrade) cannot be read safely: that is
// an error the writer treats as rejected data, keeping the rows in the
// dead-letter file.
func UpgradeRows(s queue.Section) ([]byte, error) {
	from, to := max(s.Version, 1), RowVersion(s.Table)
	if from > to {
		return nil, &RejectedError{Err: fmt.Errorf("rows for %s were queued by a newer alertlens (row version %d; this one knows %d)", s.Table, from, to)}
	}
	rows := s.Rows
	for v := from; v < to; v++ {
		step, ok := rowUpgrades[s.Table][v]
		if !ok {
			return nil, fmt.Errorf("store: no upgrade of %s rows from version %d", s.Table, v)
		}
		var err error
		if rows, err = step(rows); err != nil {
			return nil, &RejectedError{Err: fmt.Errorf("upgrading %s rows from version %d: %w", s.Table, v, err)}
		}
	}
	return rows, nil
}
