package store

import (
	"errors"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/alertlens/alertlens/store/chdb"
)

// The two backends must sort the same engine error codes the same way: a
// server's exception (clickhouse-go) and the embedded engine's error carry
// the same ClickHouse codes. The server exceptions here are built by hand
// (no server runs here); the codes are ClickHouse's ErrorCodes.cpp values.
func TestClassifyBothBackends(t *testing.T) {
	cases := []struct {
		code     int
		rejected bool
		limit    Limit
	}{
		{159, false, LimitTime},   // TIMEOUT_EXCEEDED
		{160, false, LimitTime},   // TOO_SLOW
		{158, false, LimitRows},   // TOO_MANY_ROWS
		{396, false, LimitRows},   // TOO_MANY_ROWS_OR_BYTES
		{241, false, LimitMemory}, // MEMORY_LIMIT_EXCEEDED
		{27, true, ""},            // CANNOT_PARSE_INPUT_ASSERTION_FAILED
		{6, true, ""},             // CANNOT_PARSE_TEXT
		{60, false, ""},           // UNKNOWN_TABLE: an outage, retried
		{243, false, ""},          // NOT_ENOUGH_SPACE: an outage, retried
	}
	for _, c := range cases {
		for name, err := range map[string]error{
			"embedded":   wrapChdb(&chdb.Error{Code: c.code, Message: "Code: x. DB::Exception: something"}),
			"clickhouse": wrapCH(&clickhouse.Exception{Code: int32(c.code), Message: "something"}),
		} {
			var le *LimitError
			gotLimit := Limit("")
			if errors.As(err, &le) {
				gotLimit = le.Limit
			}
			if IsRejected(err) != c.rejected || gotLimit != c.limit {
				t.Errorf("%s code %d: rejected %v limit %q, want rejected %v limit %q", name, c.code, IsRejected(err), gotLimit, c.rejected, c.limit)
			}
		}
	}
}
