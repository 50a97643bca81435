// Package queries holds alertlens's SQL: every statement is a .sql file in
// this folder, embedded, with values bound as {name:Type} parameters and the
// database written as {{db}} (filled in by the store from validated config).
package queries

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed *.sql
var files embed.FS

// SQL returns the statement in name.sql. It panics on an unknown name: the
// names are constants in the code, and a typo must fail every test.
func SQL(name string) string {
	b, err := files.ReadFile(name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("queries: no statement %s.sql: %v", name, err))
	}
	return strings.TrimSpace(string(b))
}

// Settings are appended to every analysis query by the runner (api): LEFT
// JOINs give NULL for "no match" (the engine's default fills in zeros, which
// silently counts unmatched rows), and the engine itself bounds the query's
// time and result size.
func Settings(maxSeconds, maxRows int) string {
	return fmt.Sprintf("\nSETTINGS join_use_nulls = 1, max_execution_time = %d, max_result_rows = %d, result_overflow_mode = 'throw'", maxSeconds, maxRows)
}

// Render returns the statement in name.sql with the shared episode CTEs in
// place of {{.Episodes}} and its label filter in place of {{.Match}} (a
// fragment made by LabelFilter: bound parameters only).
func Render(name, match string) string {
	s := strings.ReplaceAll(SQL(name), "{{.Episodes}}", SQL("episodes_cte"))
	return strings.ReplaceAll(s, "{{.Match}}", match)
}
