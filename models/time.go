// Package models holds what the outside sees of alertlens's analyses: the
// typed answers of the read API and the descriptors that name each analysis
// once for the HTTP routes, the CLI, the Grafana plugin and the docs. It
// imports only the standard library, so the Grafana plugin can use it without
// linking the service.
package models

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// storeLayout is the store's text form of a DateTime64(3, 'UTC') value, as
// its JSON output writes times.
const storeLayout = "2006-01-02 15:04:05.000"

// Time is a point in time, answered as RFC 3339 UTC. It reads both RFC 3339
// (answers) and the store's own form (query results), so one type serves
// the analyses and their clients.
type Time struct{ time.Time }

// NewTime returns t as a Time in UTC.
func NewTime(t time.Time) Time { return Time{t.UTC()} }

// MarshalJSON writes RFC 3339 in UTC. (Appended, not marshalled as a
// string: an answer can hold hundreds of thousands of times, and RFC 3339
// has no character JSON escapes.)
func (t Time) MarshalJSON() ([]byte, error) {
	return t.AppendJSON(make([]byte, 0, len(time.RFC3339Nano)+2)), nil
}

// AppendJSON appends what MarshalJSON writes to b.
func (t Time) AppendJSON(b []byte) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// UnmarshalJSON reads RFC 3339 or the store's layout (taken as UTC).
func (t *Time) UnmarshalJSON(b []byte) error {
	if v, ok := parseStoreTime(b); ok {
		t.Time = v
		return nil
	}
	// A string without escapes is its bytes between the quotes: decoding
	// it as JSON (a decoder for each of a large result's times) was
	// nearly half of decoding an episode list. (Bytes no JSON string may
	// hold unescaped, a quote or a control character, are in no time
	// layout either: such input fails to parse as it fails to decode.)
	s := ""
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b[1:n-1], '\\') < 0 {
		s = string(b[1 : n-1])
	} else if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: %w", err)
	}
	if v, err := time.ParseInLocation(storeLayout, s, time.UTC); err == nil {
		t.Time = v
		return nil
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("time %q is neither RFC 3339 nor %s", s, storeLayout)
	}
	t.Time = v
	return nil
}

// parseStoreTime reads a JSON string holding a time in the store's layout,
// as the engine writes every time of a query result, without the string
// or the layout parser: a large answer holds hundreds of thousands of
// them, and parsing each through time.ParseInLocation (its string, and the
// string that escaped to the heap for the decoder) was two fifths of
// decoding 90 days' episodes of one team at a big Alertmanager's scale.
// ok is false for anything else, which the caller parses as before (so
// that what is accepted, and each error, stays the same).
func parseStoreTime(b []byte) (time.Time, bool) {
	if len(b) != len(storeLayout)+2 || b[0] != '"' || b[len(b)-1] != '"' {
		return time.Time{}, false
	}
	s := b[1 : len(b)-1]
	for i, c := range []byte(storeLayout) {
		if isDigit(c) != isDigit(s[i]) || !isDigit(c) && c != s[i] {
			return time.Time{}, false
		}
	}
	num := func(from, to int) int {
		n := 0
		for _, c := range s[from:to] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), time.Month(num(5, 7)), num(8, 10)
	hour, minute, sec := num(11, 13), num(14, 16), num(17, 19)
	v := time.Date(year, month, day, hour, minute, sec, num(20, 23)*int(time.Millisecond), time.UTC)
	// time.Date moves what is out of range on (a 31st of April to May 1st,
	// a 60th second to the next minute), which time.Parse refuses: such a
	// time is left to it.
	if y, mo, d := v.Date(); y != year || mo != month || d != day {
		return time.Time{}, false
	}
	if h, mi, se := v.Clock(); h != hour || mi != minute || se != sec {
		return time.Time{}, false
	}
	return v, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
