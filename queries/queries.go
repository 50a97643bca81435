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
