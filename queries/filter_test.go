package queries

import (
	"reflect"
	"testing"
)

func TestLabelFilter(t *testing.T) {
	cases := []struct {
		in     string
		sql    string
		params map[string]string
	}{
		{``, `1`, map[string]string{}},
		{`{alertname="X"}`, `(labels[{m_n0:String}] = {m_v0:String})`, map[string]string{"m_n0": "alertname", "m_v0": "X"}},
		{`alertname!="X", severity=~"P1|P2"`, `(labels[{m_n0:String}] != {m_v0:String} AND match(labels[{m_n1:String}], {m_v1:String}))`,
			map[string]string{"m_n0": "alertname", "m_v0": "X", "m_n1": "severity", "m_v1": "^(?:P1|P2)$"}},
		{`{team!~"a.*"}`, `(NOT match(labels[{m_n0:String}], {m_v0:String}))`, map[string]string{"m_n0": "team", "m_v0": "^(?:a.*)$"}},
		{`{x="'; DROP TABLE t; --"}`, `(labels[{m_n0:String}] = {m_v0:String})`, map[string]string{"m_n0": "x", "m_v0": "'; DROP TABLE t; --"}},
	}
	for _, c := range cases {
		ms, err := ParseMatchers(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		params := map[string]string{}
		if got := LabelFilter(ms, "labels", "m", params); got != c.sql || !reflect.DeepEqual(params, c.params) {
			t.Errorf("%s: got %s %v, want %s %v", c.in, got, params, c.sql, c.params)
		}
	}
	for _, bad := range []string{`{alertname=}x`, `{="x"}`, `{a=~"("}`, `{a="b"`} {
		if _, err := ParseMatchers(bad); err == nil {
			t.Errorf("ParseMatchers(%q) accepted", bad)
		}
	}
}
