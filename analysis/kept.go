package analysis

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/alertlens/alertlens/store"
)

// keeper is a Querier that can keep a statement's rows in a table for the
// rest of one answer (the store, on the embedded engine).
type keeper interface {
	Keep(ctx context.Context, sql string, params map[string]string) (string, error)
	Drop(ctx context.Context, name string) error
}

// keptCore is a window's episodes (core) kept in a table.
type keptCore struct {
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

// keepEpisodes builds com's episodes once, for an answer whose statements
// share com's window and filters (the weekly review builds them in eight
// statements): they read the kept table instead. release drops it. The
// episodes are those of com widened by before (see Common.widen), for a
// statement that reads the episode before the first one in the window
// (flapping, for its gap) and reads them too. When the store cannot keep
// them, or keeping fails, com comes back as it was and every statement
// builds its episodes itself: slower, same answer.
func (a *Analyzer) keepEpisodes(ctx context.Context, com Common, before time.Duration) (Common, func()) {
	k, ok := a.st.(keeper)
	if !ok || !a.fromDays() {
		return com, func() {} // the statements could not read them
	}
	params, data := com.widen(before).Params()
	data.Match = ""
	sql, err := a.statement("episodes_kept", data, params)
	if err != nil {
		a.log.LogAttrs(ctx, slog.LevelWarn, "analysis: episodes not kept", slog.String("error", err.Error()))
		return com, func() {}
	}
	start := time.Now()
	table, err := k.Keep(ctx, sql, params)
	a.logStatement(ctx, "episodes_kept", start, 0, err)
	if err != nil {
		if !errors.Is(err, store.ErrNotKept) {
			a.log.LogAttrs(ctx, slog.LevelWarn, "analysis: episodes not kept", slog.String("error", err.Error()))
		}
		return com, func() {}
	}
	com.kept = &keptCore{table: table, params: params}
	return com, func() {
		if err := k.Drop(context.WithoutCancel(ctx), table); err != nil {
			a.log.LogAttrs(ctx, slog.LevelWarn, "analysis: dropping kept episodes", slog.String("table", table), slog.String("error", err.Error()))
		}
	}
}
