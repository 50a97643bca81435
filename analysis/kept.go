package analysis

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

// keeper is a Querier that can keep a statement's rows in a table for the
// rest of one answer (the store, on the embedded engine).
type keeper interface {
	Keep(ctx context.Context, sql string, params map[string]string) (string, error)
	Drop(ctx context.Context, name string) error
}

// keptTable is a statement's rows kept in a table for the rest of one
// answer, with the parameters they were made with.
type keptTable struct {
	table  string
	params map[string]string
}

// coreParams are the parameters core depends on besides "from": a
// statement reads kept episodes only when its own are the same.
var coreParams = []string{"to", "scan_from", "sources", "receivers"}

// sameCore says whether episodes kept with the parameters kept are a
// statement's with params: the same scan, end and filters, and a window
// starting no later (core read from the kept table keeps the episodes
// that overlap the statement's window, which is all a later start
// changes).
func sameCore(kept, params map[string]string) bool {
	for _, k := range coreParams {
		if kept[k] != params[k] {
			return false
		}
	}
	keptFrom, err1 := time.Parse(chTime, kept["from"])
	from, err2 := time.Parse(chTime, params["from"])
	return err1 == nil && err2 == nil && !from.Before(keptFrom)
}

// sameNotes says whether notifications kept with the parameters kept (see
// queries/notes_kept.sql) are those a statement with params counts: the
// same window, sources and label matchers (their bound parameters). The
// kept rows carry the alertname as the only label, so a statement that
// groups by a label ("by") reads them only when it groups by alertname.
func sameNotes(kept, params map[string]string) bool {
	if kept == nil {
		return false
	}
	for _, k := range []string{"from", "to", "sources"} {
		if kept[k] != params[k] {
			return false
		}
	}
	for _, m := range []map[string]string{kept, params} {
		for k := range m {
			if strings.HasPrefix(k, matcherParams+"_") && kept[k] != params[k] {
				return false
			}
		}
	}
	by, grouped := params["by"]
	return !grouped || by == "alertname"
}

// keep runs the named statement into a kept table, for the statements of
// one answer that would each compute its rows; release drops it. nil when
// the store cannot keep rows or keeping fails: the statements then compute
// the rows themselves, slower, with the same answer.
func (a *Analyzer) keep(ctx context.Context, name string, data queries.Data, params map[string]string) (*keptTable, func()) {
	k, ok := a.st.(keeper)
	if !ok {
		return nil, func() {}
	}
	sql, params, err := a.statement(ctx, name, data, params)
	if err != nil {
		a.log.LogAttrs(ctx, slog.LevelWarn, "analysis: rows not kept", slog.String("statement", name), slog.String("error", err.Error()))
		return nil, func() {}
	}
	start := time.Now()
	table, err := k.Keep(ctx, sql, params)
	a.logStatement(ctx, name, start, 0, err)
	if err != nil {
		if !errors.Is(err, store.ErrNotKept) {
			a.log.LogAttrs(ctx, slog.LevelWarn, "analysis: rows not kept", slog.String("statement", name), slog.String("error", err.Error()))
		}
		return nil, func() {}
	}
	return &keptTable{table: table, params: params}, func() {
		if err := k.Drop(context.WithoutCancel(ctx), table); err != nil {
			a.log.LogAttrs(ctx, slog.LevelWarn, "analysis: dropping kept rows", slog.String("table", table), slog.String("error", err.Error()))
		}
	}
}

// keepEpisodes builds com's episodes once, for an answer whose statements
// share com's window and filters (the weekly review builds them in eight
// statements): they read the kept table instead. release drops it. The
// episodes are those of com widened by before (see Common.widen), for a
// statement that reads the episode before the first one in the window
// (flapping, for its gap) and reads them too. When the store cannot keep
// them, or keeping fails, com comes back as it was and every statement
// builds its episodes itself: slower, same answer.
func (a *Analyzer) keepEpisodes(ctx context.Context, com Common, before time.Duration) (Common, func()) {
	if !a.fromDays() {
		return com, func() {} // the statements could not read them
	}
	params, data := com.widen(before).Params()
	data.Match = ""
	kept, release := a.keep(ctx, "episodes_kept", data, params)
	com.kept = kept
	return com, release
}

// keepNotes counts com's notifications once (HA duplicates decided once),
// for an answer whose statements each count them over com's window and
// filters (the weekly review: noise, the busiest hours, what-if): they
// read the kept table instead. release drops it.
func (a *Analyzer) keepNotes(ctx context.Context, com Common) (Common, func()) {
	params, data := com.Params()
	kept, release := a.keep(ctx, "notes_kept", data, params)
	com.keptNotes = kept
	return com, release
}
