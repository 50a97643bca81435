package api

import (
	"encoding/json"
	"fmt"
	"time"
)

// chTimeJSON reads the store's "2006-01-02 15:04:05.000" and writes RFC 3339
// UTC, the contract's time format.
type chTimeJSON struct{ time.Time }

func (t *chTimeJSON) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: %w", err)
	}
	v, err := time.ParseInLocation(chTime, s, time.UTC)
	if err != nil {
		return fmt.Errorf("time %q: %w", s, err)
	}
	t.Time = v
	return nil
}

func (t chTimeJSON) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}
