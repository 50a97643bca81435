package analysis

import (
	"maps"
	"testing"
)

// Kept episodes serve a statement with the same scan, end and filters
// whose window starts no earlier than theirs.
func TestSameCore(t *testing.T) {
	kept := map[string]string{"from": "2026-11-01 23:00:00.000", "to": "2026-11-09 00:00:00.000",
		"scan_from": "2026-10-26 00:00:00.000", "sources": "[]", "receivers": "[]"}
	with := func(kv ...string) map[string]string { return changed(kept, kv...) }
	checkSame(t, sameCore, kept, []sameCase{
		{"the same window", with("from", "2026-11-01 23:00:00.000"), true},
		{"a window starting later", with("from", "2026-11-02 00:00:00.000"), true},
		{"a window starting earlier", with("from", "2026-11-01 22:59:59.999"), false},
		{"another scan", with("scan_from", "2026-10-25 23:00:00.000"), false},
		{"another end", with("to", "2026-11-08 00:00:00.000"), false},
		{"another source", with("sources", "['prod']"), false},
		{"another receiver", with("receivers", "['team']"), false},
		{"no window", with("from", ""), false},
	})
}

// Kept notifications serve a statement with the same window, sources and
// label matchers, and one grouping by a label only when it groups by
// alertname (the one label they carry).
func TestSameNotes(t *testing.T) {
	kept := map[string]string{"from": "2026-11-02 00:00:00.000", "to": "2026-11-09 00:00:00.000",
		"sources": "[]", "receivers": "[]", "m_n0": "team", "m_v0": "a"}
	with := func(kv ...string) map[string]string { return changed(kept, kv...) }
	without := func(ks ...string) map[string]string {
		p := with()
		for _, k := range ks {
			delete(p, k)
		}
		return p
	}
	checkSame(t, sameNotes, kept, []sameCase{
		{"the same", with(), true},
		{"another receiver (each statement narrows them)", with("receivers", "['pager']"), true},
		{"grouped by alertname", with("by", "alertname"), true},
		{"grouped by another label", with("by", "team"), false},
		{"another start", with("from", "2026-11-02 00:00:00.001"), false},
		{"another end", with("to", "2026-11-08 00:00:00.000"), false},
		{"another source", with("sources", "['prod']"), false},
		{"another matcher value", with("m_v0", "b"), false},
		{"one more matcher", with("m_n1", "env", "m_v1", "prod"), false},
		{"no matchers", without("m_n0", "m_v0"), false},
	})
}

// sameCase is a statement's parameters and whether rows kept with others
// serve it.
type sameCase struct {
	name   string
	params map[string]string
	want   bool
}

// checkSame asks same of each case against kept, and of nothing kept
// (never the same).
func checkSame(t *testing.T, same func(kept, params map[string]string) bool, kept map[string]string, cases []sameCase) {
	t.Helper()
	for _, c := range cases {
		if got := same(kept, c.params); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if same(nil, kept) {
		t.Error("nothing kept: true, want false")
	}
}

// changed returns a copy of params with the given keys set (key, value,
// key, value, …).
func changed(params map[string]string, kv ...string) map[string]string {
	p := maps.Clone(params)
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return p
}
