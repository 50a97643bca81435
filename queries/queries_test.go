package queries

import (
	"fmt"
	"strings"
	"testing"
)

// Every statement renders, with its fragments expanded and no template
// syntax left; a fragment that shares a statement's name would recurse.
func TestEveryStatementRenders(t *testing.T) {
	s := newSet(t, "mydb")
	names := s.Names()
	if len(names) < 20 {
		t.Fatalf("only %d statements found: %v", len(names), names)
	}
	for _, n := range names {
		out, err := s.Render(n, Data{Match: "(x = 1)", Settings: Settings(7, 1000)})
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if strings.Contains(out, "{{") || strings.Contains(out, "}}") {
			t.Errorf("%s: template syntax left in the SQL", n)
		}
		if strings.Contains(out, "FROM alertlens.") || (strings.Contains(out, " FROM ") && !strings.Contains(out, "mydb.")) {
			t.Errorf("%s: does not read from the configured database", n)
		}
		if !strings.HasSuffix(out, "max_execution_time = 7,\n  max_memory_usage = 1000, max_bytes_before_external_group_by = 500, max_bytes_before_external_sort = 500") {
			t.Errorf("%s: settings not appended: %q", n, out[max(0, len(out)-120):])
		}
	}
}

// A statement asks for aggregation in the tables' order; the others run
// as the engine chooses.
func TestSettingsAggregateInOrderOnlyWhenAsked(t *testing.T) {
	s := newSet(t, "mydb")
	for _, inOrder := range []bool{false, true} {
		lim := Settings(7, 1000)
		lim.InOrder = inOrder
		out, err := s.Render("flapping", Data{Settings: lim})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out, "SETTINGS optimize_aggregation_in_order = 1, os_thread_priority = 10,"); got != inOrder {
			t.Errorf("InOrder %v: setting rendered %v", inOrder, got)
		}
	}
}

// A statement asks for a bound on the sets used with the index; the others
// use every set.
func TestSettingsIndexSetMaxOnlyWhenAsked(t *testing.T) {
	s := newSet(t, "mydb")
	for _, limit := range []int{0, 10000} {
		lim := Settings(7, 1000)
		lim.IndexSetMax = limit
		out, err := s.Render("inhibitor_signals", Data{Settings: lim})
		if err != nil {
			t.Fatal(err)
		}
		want := "SETTINGS os_thread_priority = 10,"
		if limit > 0 {
			want = "SETTINGS use_index_for_in_with_subqueries_max_values = 10000, os_thread_priority = 10,"
		}
		if !strings.Contains(out, want) {
			t.Errorf("IndexSetMax %d: want %q in %q", limit, want, out[max(0, len(out)-300):])
		}
	}
}

func TestRenderRefusesFragmentsAndUnknownNames(t *testing.T) {
	s := newSet(t, "alertlens")
	for _, n := range []string{"_partials", "source", "episode_ctes", "nope"} {
		if _, err := s.Render(n, Data{}); err == nil {
			t.Errorf("Render(%q) succeeded, want an error", n)
		}
	}
	if _, err := NewSet("x; DROP TABLE y"); err == nil {
		t.Error("NewSet took a database name that is no identifier")
	}
}

func TestTextRendersAdHocSQL(t *testing.T) {
	got, err := newSet(t, "db1").Text(`SELECT 1 FROM {{db}}.t WHERE {{template "source"}}`)
	want := "SELECT 1 FROM db1.t WHERE (empty({sources:Array(String)}) OR source IN {sources:Array(String)})"
	if err != nil || got != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
}

func newSet(t *testing.T, db string) *Set {
	t.Helper()
	s, err := NewSet(db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A tail reads the rows after the window only of the keys that started in
// it, and needs a scan with a lower bound and no upper one.
func TestTailBoundsTheRowsAfterTheWindow(t *testing.T) {
	s := newSet(t, "db1")
	got, err := s.Text(`{{template "fold_rows" (tail (scan . "from" "" false) "to")}}`)
	want := "(empty({sources:Array(String)}) OR source IN {sources:Array(String)}) AND received_at >= {from:DateTime64(3, 'UTC')} - toIntervalMillisecond(0)" +
		" AND (received_at < {to:DateTime64(3, 'UTC')}\n           OR (starts_at >= {from:DateTime64(3, 'UTC')} AND starts_at < {to:DateTime64(3, 'UTC')}))"
	if err != nil || got != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	// The rows read without a dedup window are bounded alike, from {from}
	// itself (no lookback there).
	got, err = s.Text(`{{template "scan_rows" (tail (scan . "from" "" false) "to")}}`)
	want = "(empty({sources:Array(String)}) OR source IN {sources:Array(String)}) AND received_at >= {from:DateTime64(3, 'UTC')}" +
		" AND (received_at < {to:DateTime64(3, 'UTC')}\n           OR (starts_at >= {from:DateTime64(3, 'UTC')} AND starts_at < {to:DateTime64(3, 'UTC')}))"
	if err != nil || got != want {
		t.Fatalf("scan_rows: got %q, %v; want %q", got, err, want)
	}
	for _, bad := range []string{
		`{{template "fold_rows" (tail (scan . "" "" false) "to")}}`,
		`{{template "fold_rows" (tail (scan . "from" "to" false) "to")}}`,
		`{{template "fold_rows" (tail (scan . "from" "" false) "to}")}}`,
	} {
		if got, err := s.Text(bad); err == nil {
			t.Errorf("%s rendered %q, want an error", bad, got)
		}
	}
}

// A firing scan drops the other deliveries among the rows it folds, before
// the fold (the status is part of a delivery's key), and among the rows it
// reads without a dedup window; one to the receivers drops the deliveries
// to others alike; a plain scan reads every status and receiver.
func TestScanNarrowedByStatusAndReceiver(t *testing.T) {
	s := newSet(t, "db1")
	for _, c := range []struct{ tmpl, want string }{
		{`{{template "fold_rows" (firing (scan . "from" "to" false))}}`,
			"(empty({sources:Array(String)}) OR source IN {sources:Array(String)}) AND received_at >= {from:DateTime64(3, 'UTC')} - toIntervalMillisecond(0)" +
				" AND status = 'firing' AND received_at < {to:DateTime64(3, 'UTC')}"},
		{`{{template "scan_rows" (firing (tail (scan . "from" "" false) "to"))}}`,
			"(empty({sources:Array(String)}) OR source IN {sources:Array(String)}) AND received_at >= {from:DateTime64(3, 'UTC')}" +
				" AND status = 'firing' AND (received_at < {to:DateTime64(3, 'UTC')}\n           OR (starts_at >= {from:DateTime64(3, 'UTC')} AND starts_at < {to:DateTime64(3, 'UTC')}))"},
		{`{{template "fold_rows" (toReceivers (firing (scan . "from" "to" false)))}}`,
			"(empty({sources:Array(String)}) OR source IN {sources:Array(String)}) AND received_at >= {from:DateTime64(3, 'UTC')} - toIntervalMillisecond(0)" +
				" AND status = 'firing' AND (empty({receivers:Array(String)}) OR receiver IN {receivers:Array(String)}) AND received_at < {to:DateTime64(3, 'UTC')}"},
		{`{{template "fold_rows" (scan . "from" "to" false)}}`,
			"(empty({sources:Array(String)}) OR source IN {sources:Array(String)}) AND received_at >= {from:DateTime64(3, 'UTC')} - toIntervalMillisecond(0)" +
				" AND received_at < {to:DateTime64(3, 'UTC')}"},
	} {
		got, err := s.Text(c.tmpl)
		if err != nil || got != c.want {
			t.Errorf("%s:\ngot  %q, %v\nwant %q", c.tmpl, got, err, c.want)
		}
	}
}

// The two halves of the alerts are each other's complement: every
// fingerprint in one half only (a fingerprint read in both would give its
// alert every stretch twice, which no answer shows).
func TestAlertHalvesSplitTheFingerprints(t *testing.T) {
	s := newSet(t, "db1")
	for half, want := range []string{"fingerprint < '8'", "fingerprint >= '8'"} {
		got, err := s.Text(fmt.Sprintf(`{{template "alert_half" %d}}`, half))
		if err != nil || got != want {
			t.Errorf("half %d: got %q, %v; want %q", half, got, err, want)
		}
	}
	sql, err := s.Render("inhibition_stretches", Data{})
	if err != nil {
		t.Fatal(err)
	}
	for _, half := range []string{"AND fingerprint < '8'", "AND fingerprint >= '8'"} {
		if n := strings.Count(sql, half); n != 1 {
			t.Errorf("inhibition_stretches reads %q %d times, want once", half, n)
		}
	}
}

// Loops read the stretches of the alerts on a cycle only: with OnCycles
// both halves' rows are narrowed to {fingerprints}, without it neither is.
func TestStretchesOnCyclesReadTheListedAlerts(t *testing.T) {
	s := newSet(t, "db1")
	const listed = "AND fingerprint IN (SELECT arrayJoin({fingerprints:Array(String)}))"
	for _, c := range []struct {
		data Data
		want int
	}{{Data{}, 0}, {Data{OnCycles: true}, 2}} {
		sql, err := s.Render("inhibition_stretches", c.data)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(sql, listed); n != c.want {
			t.Errorf("OnCycles %v: the rows narrowed %d times, want %d", c.data.OnCycles, n, c.want)
		}
	}
}

// Stretches read through a bound time read the rows up to it, the time
// included, whether raw or sealed; the parameter must be a name, and the
// bound the only one.
func TestStretchesThroughABoundTime(t *testing.T) {
	s := newSet(t, "db1")
	got, err := s.Text(`{{template "stretch_rows" (stretchRows (through (stretches . -1 false) "through") "start")}}`)
	want := "start >= {scan_from:DateTime64(3, 'UTC')} AND start <= {through:DateTime64(3, 'UTC')}" +
		" AND (empty({sources:Array(String)}) OR source IN {sources:Array(String)})"
	if err != nil || got != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	for _, bad := range []string{
		`{{template "stretch_rows" (stretchRows (through (stretches . -1 false) "through} x") "start")}}`,
		`{{template "stretch_rows" (stretchRows (through (stretches . -1 true) "through") "start")}}`,
		`{{template "stretch_rows" (stretchRows (through (sealingStretches .) "through") "start")}}`,
	} {
		if got, err := s.Text(bad); err == nil {
			t.Errorf("%s rendered %q, want an error", bad, got)
		}
	}
}

// The statements a seal can stand in for are found by the fragments they
// use: a fragment renamed or a statement rewritten without it would
// otherwise stop reading the seal without a word (the answers stay the
// same, only slower). A seal is built from rows, never from a seal.
func TestSealReadersAreFoundByTheirFragments(t *testing.T) {
	s := newSet(t, "mydb")
	for _, c := range []struct {
		name                       string
		episodes, stretches, muted bool
	}{
		{"episodes", true, false, true},
		{"flapping", true, false, false},
		{"inhibition_stretches", false, true, false},
		{"inhibitions_failed", false, true, false},
		// The seals' statements are run by the compactor, never as a read
		// given a seal; stretches_seal is made of the stretches' fragment.
		{"muted_seal", false, false, false},
		{"stretches_seal", false, true, false},
		{"timeline", false, false, false},
	} {
		if got := [3]bool{s.BuildsEpisodes(c.name), s.ReadsStretches(c.name), s.ReadsMuted(c.name)}; got != [3]bool{c.episodes, c.stretches, c.muted} {
			t.Errorf("%s: builds episodes, reads stretches, reads muted time = %v, want %v", c.name, got, [3]bool{c.episodes, c.stretches, c.muted})
		}
	}
	for _, name := range []string{"muted_seal", "stretches_seal"} {
		if _, err := s.Render(name, Data{FromDays: true, SealedMuted: true, SealedStretches: true}); err == nil {
			t.Errorf("%s rendered to read from a seal, want an error", name)
		}
	}
}

// Sealed counted notifications stand in for folding summaries, within the
// sealed episodes' CTEs, to the minute: a statement rendered to read them
// without sealed episodes would name a CTE it does not have, without
// notifications from summaries fold notifications it never reads, and
// with hours off whole minutes count a notification in or out of them
// wrongly.
func TestSealedNotesOnlyWithSealedEpisodesSummariesAndMinutes(t *testing.T) {
	s := newSet(t, "mydb")
	for _, c := range []struct {
		data Data
		ok   bool
	}{
		{Data{FromDays: true, Sealed: true, NotesFromDays: true, HoursOnMinutes: true, SealedNotes: true}, true},
		{Data{FromDays: true, NotesFromDays: true, HoursOnMinutes: true, SealedNotes: true}, false},
		{Data{FromDays: true, Sealed: true, HoursOnMinutes: true, SealedNotes: true}, false},
		{Data{FromDays: true, Sealed: true, NotesFromDays: true, SealedNotes: true}, false},
	} {
		if _, err := s.Render("noise", c.data); (err == nil) != c.ok {
			t.Errorf("noise rendered with %+v: error %v, want one: %v", c.data, err, !c.ok)
		}
	}
}
