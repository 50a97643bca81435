package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

// The engine hands the output a statement had produced before a memory
// limit stopped it to the next statement on the same connection, in place
// of that one's own (seen as a weekly review whose noise rows were the
// rows of an inhibit-rule query that had failed a moment before). Every
// answer after a failure must be the answer to its own statement: here a
// window over 5M rows stopped at 100 MB, then one query per connection of
// the pool and one more, each checked against its own number.
func TestAFailedQueryLeavesNothingForTheNext(t *testing.T) {
	b := storetest.Backend(t)
	ctx := context.Background()
	_, err := b.Query(ctx, "SELECT number AS n, count() OVER () FROM numbers(5000000) ORDER BY n SETTINGS max_memory_usage = 100000000", nil)
	var limit *store.LimitError
	if !errors.As(err, &limit) || limit.Limit != store.LimitMemory {
		t.Fatalf("the query was to fail on its memory limit, got %v", err)
	}
	for i := range 4 {
		out, err := b.Query(ctx, fmt.Sprintf("SELECT %d AS x", i), nil)
		if want := fmt.Sprintf("{\"x\":%d}\n", i); err != nil || string(out) != want {
			t.Fatalf("query %d after the failure answered %.120q (%d bytes), %v; want %q", i, out, len(out), err, want)
		}
	}
}
