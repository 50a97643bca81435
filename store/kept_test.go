package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

func TestKeptTables(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	// Two tables kept from a SELECT with a bound parameter: 1..3 and 1..5.
	var names []string
	for _, n := range []string{"3", "5"} {
		name, err := st.Keep(ctx, "SELECT number + 1 AS n FROM numbers({n:UInt32})", map[string]string{"n": n})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "kept_") {
			t.Fatalf("kept table %q", name)
		}
		names = append(names, name)
	}
	out, err := st.Query(ctx, "SELECT sum(n) AS s FROM {{db}}."+names[1], nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != `{"s":15}` { // 1+2+3+4+5
		t.Fatalf("kept rows sum to %s, want 15", got)
	}
	if err := st.Drop(ctx, names[0]); err != nil {
		t.Fatal(err)
	}
	// Only tables Keep made may be dropped this way.
	for _, bad := range []string{"notifications", "kept_x; DROP TABLE notifications"} {
		if err := st.Drop(ctx, bad); err == nil {
			t.Errorf("Drop(%q) did not refuse", bad)
		}
	}
	// What a crash leaves behind is dropped at the next start: here the
	// second table, the first being gone already.
	n, err := st.DropKept(ctx)
	if err != nil || n != 1 {
		t.Fatalf("DropKept = %d, %v; want 1 table dropped", n, err)
	}
	left, err := st.Query(ctx, "SELECT name FROM system.tables WHERE database = {db:String} AND startsWith(name, 'kept_')", map[string]string{"db": st.Database()})
	if err != nil || len(left) != 0 {
		t.Fatalf("kept tables left: %s, %v", left, err)
	}
	if storetest.Count(t, st, store.TableNotifications, "") != 0 {
		t.Fatal("notifications touched")
	}
}
