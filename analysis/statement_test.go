package analysis

import (
	"slices"
	"testing"

	"github.com/alertlens/alertlens/queries"
)

// Every statement that asks for aggregation in order exists: a misspelt
// name would silently run as the engine chooses.
func TestInOrderNamesStatements(t *testing.T) {
	set, err := queries.NewSet("alertlens")
	if err != nil {
		t.Fatal(err)
	}
	names := set.Names()
	for name := range inOrder {
		if !slices.Contains(names, name) {
			t.Errorf("inOrder names %q, which is no statement", name)
		}
	}
	for name := range indexSetMax {
		if !slices.Contains(names, name) {
			t.Errorf("indexSetMax names %q, which is no statement", name)
		}
	}
}
