package queries

import "strings"

// The text of bound parameter values: the engine parses these as values of
// the parameter's type, so they never become SQL.

var quoter = strings.NewReplacer(`\`, `\\`, `'`, `\'`)

// Quote writes s as a single-quoted string value, ' and \ escaped.
func Quote(s string) string { return "'" + quoter.Replace(s) + "'" }

// StringArray writes items as an Array(String) value.
func StringArray(items []string) string {
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = Quote(it)
	}
	return "[" + strings.Join(quoted, ",") + "]"
}

// StringTriples writes string triples as an Array(Tuple(String, String,
// String)) value.
func StringTriples(items [][3]string) string {
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = "(" + Quote(it[0]) + "," + Quote(it[1]) + "," + Quote(it[2]) + ")"
	}
	return "[" + strings.Join(quoted, ",") + "]"
}
