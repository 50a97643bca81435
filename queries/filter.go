package queries

import (
	"fmt"
	"strings"

	"github.com/prometheus/alertmanager/matcher/parse"
	"github.com/prometheus/alertmanager/pkg/labels"
)

// LabelFilter renders Alertmanager matchers as a SQL condition on a
// Map(String, String) column. Only the structure is SQL text; every label
// name and value is a bound parameter (prefix_n0, prefix_v0, …). Alertmanager
// semantics hold: a missing label is the empty string (which is what a
// ClickHouse map gives for a missing key), and regular expressions are
// anchored at both ends.
func LabelFilter(ms labels.Matchers, column, prefix string, params map[string]string) string {
	if len(ms) == 0 {
		return "1"
	}
	parts := make([]string, 0, len(ms))
	for i, m := range ms {
		n, v := fmt.Sprintf("%s_n%d", prefix, i), fmt.Sprintf("%s_v%d", prefix, i)
		params[n] = m.Name
		key := fmt.Sprintf("%s[{%s:String}]", column, n)
		switch m.Type {
		case labels.MatchEqual:
			params[v] = m.Value
			parts = append(parts, fmt.Sprintf("%s = {%s:String}", key, v))
		case labels.MatchNotEqual:
			params[v] = m.Value
			parts = append(parts, fmt.Sprintf("%s != {%s:String}", key, v))
		case labels.MatchRegexp:
			params[v] = "^(?:" + m.Value + ")$"
			parts = append(parts, fmt.Sprintf("match(%s, {%s:String})", key, v))
		case labels.MatchNotRegexp:
			params[v] = "^(?:" + m.Value + ")$"
			parts = append(parts, fmt.Sprintf("NOT match(%s, {%s:String})", key, v))
		}
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

// ParseMatchers parses matchers in Alertmanager's syntax, with or without
// braces: {alertname="X",severity=~"P1|P2"}. It uses Alertmanager's own
// strict parser (matcher/parse, the default since Alertmanager 0.27): the
// classic one silently accepts malformed input such as a missing brace.
func ParseMatchers(s string) (labels.Matchers, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "{}" {
		return nil, nil
	}
	ms, err := parse.Matchers(s)
	if err != nil {
		return nil, err
	}
	return ms, nil
}
