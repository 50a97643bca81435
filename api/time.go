package api

import (
	"encoding/json"
	"time"

	"github.com/alertlens/alertlens/store"
)

// chTimeJSON reads the store's time form (as store.Time does) and writes
// RFC 3339 UTC, the contract's time format.
type chTimeJSON struct{ time.Time }

func (t *chTimeJSON) UnmarshalJSON(b []byte) error {
	var v store.Time
	if err := v.UnmarshalJSON(b); err != nil {
		return err
	}
	t.Time = v.Time
	return nil
}

func (t chTimeJSON) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}
