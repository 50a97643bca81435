// Package models holds what the outside sees of alertlens's analyses: the
// typed answers of the read API and the descriptors that name each analysis
// once for the HTTP routes, the CLI, the Grafana plugin and the docs. It
// imports only the standard library, so the Grafana plugin can use it without
// linking the service.
package models

import (
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

// MarshalJSON writes RFC 3339 in UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// UnmarshalJSON reads RFC 3339 or the store's layout (taken as UTC).
func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
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
