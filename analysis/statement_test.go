package analysis

import (
	"maps"
	"slices"
	"testing"

	"github.com/alertlens/alertlens/queries"
)

// Every statement that asks for a setting of its own (aggregation in
// order, a bound on the sets used with the index) exists: a misspelt name
// would silently run as the engine chooses.
func TestStatementSettingsNameStatements(t *testing.T) {
	set, err := queries.NewSet("alertlens")
	if err != nil {
		t.Fatal(err)
	}
	names := set.Names()
	for what, asked := range map[string][]string{
		"inOrder":     slices.Collect(maps.Keys(inOrder)),
		"indexSetMax": slices.Collect(maps.Keys(indexSetMax)),
	} {
		for _, name := range asked {
			if !slices.Contains(names, name) {
				t.Errorf("%s names %q, which is no statement", what, name)
			}
		}
	}
}
