package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/alertlens/alertlens/queries"
)

// Seal is a generation of sealed episodes, stretches and muted time (see
// the schema's sealed_episodes, sealed_stretches and sealed_muted): every
// episode of the summaries' days before To summed up once, its
// notifications counted (and the minutes of the counted ones kept) with
// the HA dedup window DedupMillis, and every inhibited stretch and every
// episode's muted time per day of the poller's rows before To.
type Seal struct {
	ID          uint64
	To          time.Time // a UTC midnight, the first of a month
	DedupMillis int64
	// Episodes: the sealed episodes may be read, the summaries of the
	// days before To being stored in the parts they were built from.
	Episodes bool
	// Stretches: the sealed stretches may be read, the poller's rows
	// before To being those they were found in.
	Stretches bool
	// Muted: the sealed muted time may be read, for the same reason.
	Muted bool
	// Notes: the sealed episodes' counted notifications may be read (the
	// episodes may, and the seal was built with them).
	Notes bool
	// LastStart is the latest start among the sealed episodes (with
	// Episodes only).
	LastStart time.Time
}

// SealInUse returns the newest seal (zero when there is none) with what
// reads may use of it. Never on a cluster (each shard would need its own
// seal).
func (s *Store) SealInUse(ctx context.Context) (Seal, error) {
	if s.opts.Cluster != "" {
		return Seal{}, nil
	}
	out, err := s.upkeepQuery(ctx, "seal_state", nil)
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		return Seal{}, err
	}
	var row struct {
		Seal      string `json:"seal"`
		SealedTo  string `json:"sealed_to"`
		DedupMS   int64  `json:"dedup_ms"`
		Episodes  uint8  `json:"episodes_current"`
		Stretches uint8  `json:"stretches_current"`
		Muted     uint8  `json:"muted_current"`
		Notes     uint8  `json:"notes_current"`
	}
	if err := json.Unmarshal(out, &row); err != nil {
		return Seal{}, fmt.Errorf("store: reading the newest seal: %w", err)
	}
	id, err := strconv.ParseUint(row.Seal, 10, 64)
	if err != nil {
		return Seal{}, fmt.Errorf("store: reading the newest seal: %w", err)
	}
	to, err := time.Parse(time.DateOnly, row.SealedTo)
	if err != nil {
		return Seal{}, fmt.Errorf("store: reading the newest seal: %w", err)
	}
	seal := Seal{ID: id, To: to, DedupMillis: row.DedupMS, Episodes: row.Episodes == 1, Stretches: row.Stretches == 1, Muted: row.Muted == 1, Notes: row.Notes == 1}
	if seal.Episodes {
		if seal.LastStart, err = s.sealLastStart(ctx, id); err != nil {
			return Seal{}, err
		}
	}
	return seal, nil
}

// sealLastStart returns the latest start among the episodes of seal
// generation id, read once per generation (the newest only is kept: reads
// use no other).
func (s *Store) sealLastStart(ctx context.Context, id uint64) (time.Time, error) {
	s.lastStart.Lock()
	defer s.lastStart.Unlock()
	if s.lastStart.seal == id {
		return s.lastStart.at, nil
	}
	out, err := s.upkeepQuery(ctx, "seal_last_start", map[string]string{"db": s.opts.Database, "seal": strconv.FormatUint(id, 10)})
	if err != nil {
		return time.Time{}, err
	}
	var row struct {
		LastStart string `json:"last_start"`
	}
	if err := json.Unmarshal(out, &row); err != nil {
		return time.Time{}, fmt.Errorf("store: reading seal %d's latest start: %w", id, err)
	}
	at, err := time.Parse(TimeLayout, row.LastStart)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: reading seal %d's latest start: %w", id, err)
	}
	s.lastStart.seal, s.lastStart.at = id, at
	return at, nil
}

// SealedTo is the first day a seal made at now does not cover: the first
// of now's month (UTC). A scan from that day on reads no sealed episode.
func SealedTo(now time.Time) time.Time {
	now = now.UTC()
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// SealEpisodes seals the episodes of the months before now's: it drops the
// generations no read uses any more (all but the newest), and unless the
// newest covers those months as they are stored now, with this dedup
// window, builds a new generation from the summaries and records it, with
// the inhibited stretches and muted time of the poller's rows of those
// months. It says whether it built one. Nothing on a cluster, without a
// positive dedup window (reads then build episodes from the raw rows), or
// with no summaries before this month. Without a dedup window it drops
// every seal there is: reads do not use them then, and one left behind
// would only take room (a sixteenth of the store at a big Alertmanager's
// scale).
func (s *Store) SealEpisodes(ctx context.Context, now time.Time, dedup time.Duration) (bool, error) {
	if s.opts.Cluster != "" {
		return false, nil
	}
	if dedup <= 0 {
		return false, s.unseal(ctx)
	}
	if err := s.dropStaleSeals(ctx); err != nil {
		return false, err
	}
	to := SealedTo(now)
	newest, err := s.SealInUse(ctx)
	if err != nil {
		return false, err
	}
	if newest.Episodes && newest.Stretches && newest.Muted && newest.Notes && newest.To.Equal(to) && newest.DedupMillis == dedup.Milliseconds() {
		return false, nil
	}
	params := map[string]string{"db": s.opts.Database, "sealed_to": to.Format(time.DateOnly)}
	out, err := s.upkeepQuery(ctx, "seal_parts", params)
	if err != nil {
		return false, err
	}
	var listed struct {
		Parts     []string `json:"parts"`
		StateRows string   `json:"state_rows"`
	}
	if err := json.Unmarshal(out, &listed); err != nil {
		return false, fmt.Errorf("store: listing the summaries' parts before %s: %w", params["sealed_to"], err)
	}
	if len(listed.Parts) == 0 {
		return false, nil
	}
	// Generations are numbered by time, each above the newest (zero when
	// there is none).
	id := max(uint64(now.UnixNano()), newest.ID+1)
	params["seal"] = strconv.FormatUint(id, 10)
	params["dedup_ms"] = strconv.FormatInt(dedup.Milliseconds(), 10)
	params["parts"] = queries.StringArray(listed.Parts)
	params["state_rows"] = listed.StateRows
	if err := s.buildSeal(ctx, "episodes_seal", params, dedup); err != nil {
		return false, fmt.Errorf("store: sealing the episodes before %s: %w", params["sealed_to"], err)
	}
	if err := s.buildSeal(ctx, "stretches_seal", params, dedup); err != nil {
		return false, fmt.Errorf("store: sealing the inhibited stretches before %s: %w", params["sealed_to"], err)
	}
	if err := s.buildSeal(ctx, "muted_seal", params, dedup); err != nil {
		return false, fmt.Errorf("store: sealing the muted time before %s: %w", params["sealed_to"], err)
	}
	if err := s.upkeepStatement(ctx, "seal_record", params); err != nil {
		return false, fmt.Errorf("store: recording the seal of the months before %s: %w", params["sealed_to"], err)
	}
	return true, nil
}

// buildSeal runs the named seal statement over every alert.
func (s *Store) buildSeal(ctx context.Context, name string, params map[string]string, dedup time.Duration) error {
	build, err := s.sql.Render(name, queries.Data{
		FromDays: true, DedupMillis: dedup.Milliseconds(), Settings: queries.Settings(int(sealTimeout.Seconds()), sealMemory),
	})
	if err != nil {
		return err
	}
	// In sixteen slices by the fingerprint's first hex digit (Alertmanager's
	// fingerprints are 16 hex digits; any other string falls in the first
	// or the last slice).
	const digits = "0123456789abcdef"
	for i := range len(digits) {
		params["lo"], params["hi"] = "", ""
		if i > 0 {
			params["lo"] = digits[i : i+1]
		}
		if i < len(digits)-1 {
			params["hi"] = digits[i+1 : i+2]
		}
		if err := s.upkeepRun(ctx, build, params); err != nil {
			return fmt.Errorf("fingerprints from %q: %w", params["lo"], err)
		}
	}
	return nil
}

// unseal forgets every seal, then drops every generation (all stale now),
// also one whose build never finished.
func (s *Store) unseal(ctx context.Context) error {
	newest, err := s.SealInUse(ctx)
	if err != nil {
		return err
	}
	if newest.ID != 0 {
		if err := s.upkeepStatement(ctx, "seal_forget", nil); err != nil {
			return fmt.Errorf("store: forgetting the seals: %w", err)
		}
	}
	return s.dropStaleSeals(ctx)
}

// sealedTables hold the generations of seals, a partition per month each.
var sealedTables = []string{"sealed_episodes", "sealed_stretches", "sealed_muted"}

// dropStaleSeals drops every generation of the sealed tables but the
// newest recorded one. It runs at the start of a run, an interval after
// the seal before the newest was replaced: a read that had found that one
// current started long ago, and a started read keeps the parts it reads.
func (s *Store) dropStaleSeals(ctx context.Context) error {
	stale, err := s.partitionIDs(ctx, "seal_stale", map[string]string{"db": s.opts.Database, "tables": queries.StringArray(sealedTables)})
	if err != nil {
		return err
	}
	drop, err := s.upkeepText("seal_drop")
	if err != nil {
		return err
	}
	for _, table := range sealedTables {
		for _, p := range stale {
			if err := s.upkeepRun(ctx, drop, map[string]string{"db": s.opts.Database, "table": table, "partition": p}); err != nil {
				return fmt.Errorf("store: dropping seal %s of %s: %w", p, table, err)
			}
		}
	}
	return nil
}

// What one slice of a seal may take: a year at a big Alertmanager's scale
// sealed in about a minute, each slice in 2–5 s and under this memory.
const (
	sealTimeout = time.Hour
	sealMemory  = 2 << 30
)

// upkeepText is the named upkeep statement rendered for the store.
func (s *Store) upkeepText(name string) (string, error) {
	b, err := upkeepFS.ReadFile("upkeep/" + name + ".sql")
	if err != nil {
		return "", fmt.Errorf("store: reading upkeep statement %s: %w", name, err)
	}
	return s.opts.Render(string(b))
}

// upkeepQuery renders the named upkeep statement and reads its rows
// (params nil: only {db}).
func (s *Store) upkeepQuery(ctx context.Context, name string, params map[string]string) ([]byte, error) {
	sql, err := s.upkeepText(name)
	if err != nil {
		return nil, err
	}
	if params == nil {
		params = map[string]string{"db": s.opts.Database}
	}
	out, err := s.b.Query(ctx, sql, params)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", name, err)
	}
	return out, nil
}

// partitionIDs runs the named upkeep statement, which lists partitions
// (a partition_id a row), and returns them.
func (s *Store) partitionIDs(ctx context.Context, name string, params map[string]string) ([]string, error) {
	out, err := s.upkeepQuery(ctx, name, params)
	if err != nil {
		return nil, err
	}
	var ids []string
	for line := range bytes.Lines(out) {
		var row struct {
			PartitionID string `json:"partition_id"`
		}
		if err := json.Unmarshal(line, &row); err != nil {
			return nil, fmt.Errorf("store: %s: %w", name, err)
		}
		ids = append(ids, row.PartitionID)
	}
	return ids, nil
}

// upkeepStatement renders the named upkeep statement and runs it as
// upkeepRun does.
func (s *Store) upkeepStatement(ctx context.Context, name string, params map[string]string) error {
	sql, err := s.upkeepText(name)
	if err != nil {
		return err
	}
	return s.upkeepRun(ctx, sql, params)
}

// upkeepRun runs a write on the backend's upkeep connection when it has
// one (see upkeeper).
func (s *Store) upkeepRun(ctx context.Context, sql string, params map[string]string) error {
	if u, ok := s.b.(upkeeper); ok {
		return u.Upkeep(ctx, sql, params)
	}
	return s.b.Write(ctx, sql, params)
}
