// Package queries holds alertlens's SQL: every statement is a .sql file in
// this folder, embedded and rendered with text/template. Values reach the
// engine only as bound {name:Type} parameters; the template fills in
// structure only: the database (a validated identifier, {{db}}), shared
// fragments ({{template "source"}}, the "episode_ctes" CTEs, …, defined in the
// files whose names start with _) and label filters made by LabelFilter.
package queries

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

//go:embed *.sql
var files embed.FS

// Data is what a statement's template may use.
type Data struct {
	// Match is a label filter made by LabelFilter ("1" when empty).
	Match string
	// Settings, when set, are appended as the statement's SETTINGS.
	Settings *Limits
	// DedupMillis is the HA dedup window: a delivery of a key within it of
	// the delivery that counted does not count (0 counts every delivery).
	DedupMillis int64
	// Longest, when above 0, narrows the episodes statement to the episodes
	// that ran longest in the window, that many.
	Longest int
	// SumUntuned, in the what-if statement, sums the episodes of alerts
	// not listed in {tuned} into one row (a replay leaves them as they
	// are, so their sums are all it needs).
	SumUntuned bool
	// NoEvents, in the inhibitors' histories, leaves the events out: the
	// caller knows their source sent none from {scan_from} on.
	NoEvents bool
	// Totals, in the weekly summary, adds the window's episodes and
	// notifications (what noise sums up over its keys).
	Totals bool
	// Kept names a table holding core (see _episodes.sql) as the
	// episodes_kept statement left it for the same window and filters,
	// without the episodes' notifications: the episode CTEs read it
	// instead of building the episodes again. Only with FromDays (sums_of
	// reads the summaries then), and not for a statement listing every
	// episode's notifications (eps has none).
	Kept string
	// KeptFor are the parameters Kept was made with: a statement whose own
	// scan, end or filters differ, or whose window starts earlier, builds
	// its episodes itself.
	KeptFor map[string]string
	// KeptNotes names a table holding the notifications the notes_kept
	// statement left for the same window and filters: the "notes_from"
	// fragment reads it instead of deciding the HA duplicates again.
	KeptNotes string
	// KeptNotesFor are the parameters KeptNotes was made with.
	KeptNotesFor map[string]string
	// ByLabel: the statement groups notifications by the label {by},
	// which is not alertname, so the "deliveries" fragment carries that
	// label's value (by alertname it reads the alertname column).
	ByLabel bool
	// NullReceivers: black-hole receivers ({null_receivers}) are
	// configured, and core carries whether each episode reached only
	// those (unrouted, the "unrouted" fragment), which noise flags.
	NullReceivers bool
	// Flagged: the noise statement also lists the unrouted and long-running
	// episodes, from the same window's episodes (built once for both).
	Flagged bool
	// FromDays builds episodes from the day summaries kept at ingest
	// (episode_days) instead of every raw row; the two give the same
	// episodes when DedupMillis is positive (see _episode_days.sql).
	FromDays bool
	// Sealed (with FromDays) reads the episodes all of whose summaries
	// are sealed from sealed_episodes: generation {seal}, built from the
	// summaries of the days before {sealed_to}, valid for the parts there
	// are now (see episodes_seal.sql). Only for a scan starting before
	// {sealed_to}.
	Sealed bool
	// SealedStretches reads the inhibited stretches that started before
	// {sealed_to} from generation {seal} of sealed_stretches (see
	// stretches_seal.sql and the "inhibited_stretches" fragment), valid
	// while the poller's rows of those months are the ones it was built
	// from. Only for a scan starting before {sealed_to}.
	SealedStretches bool
	// SealedMuted reads the muted time of the poller's rows before
	// {sealed_to} from generation {seal} of sealed_muted (see
	// muted_seal.sql and the "muted_time" fragment), valid while those
	// rows are the ones it was built from. Only for a scan starting
	// before {sealed_to}, at a midnight (the sealed sums are per day).
	SealedMuted bool
	// SealedNotes (with Sealed) has "day_deliveries" read the counted
	// notifications of the sealed episodes whose deliveries all fall
	// inside its window, past its first and last minute, from their sealed
	// rows (sealed_episodes' counted_minutes, in a seal that has them)
	// instead of folding their summaries again. Each is then received at
	// the start of its minute: only for a statement whose hours start and
	// end on whole minutes (HoursOnMinutes).
	SealedNotes bool
	// HoursOnMinutes: the working hours a statement binds start and end on
	// whole minutes, so that a notification's minute says whether it came
	// in them.
	HoursOnMinutes bool
	// OnCycles, in the inhibited stretches, reads only the alerts in
	// {fingerprints}: those the caller found on a cycle of the pairs the
	// poller's rows name (inhibition_pairs.sql), where any loop lies.
	OnCycles bool
	// NotesFromDays (with FromDays) has noise count the notifications from
	// the day summaries' deliveries ("day_deliveries"): only when no
	// receiver has hours of its own and no receiver filter is set (those
	// rows name no receiver), and no notifications are kept.
	NotesFromDays bool
}

// DaySummaries is the argument of the "day_summaries" fragment: one data
// table's rows summed up per episode and day.
type DaySummaries struct {
	// Table is notifications, alert_states or events.
	Table string
	// From is the qualified table read (a shard's local table in the
	// views of a cluster).
	From string
	// Rows: "" every row, "batch" the days of the alerts of a recovered
	// batch.
	Rows string
}

// DaySummaryTables are the tables whose rows make episodes.
var DaySummaryTables = []string{"notifications", "alert_states", "events"}

func (d DaySummaries) validate() error {
	if !slices.Contains(DaySummaryTables, d.Table) {
		return fmt.Errorf("day_summaries: no episodes in table %q", d.Table)
	}
	for _, part := range strings.Split(d.From, ".") {
		if !ValidIdentifier(part) {
			return fmt.Errorf("day_summaries: %q is not a table name", d.From)
		}
	}
	if d.Rows != "" && d.Rows != "batch" {
		return fmt.Errorf("day_summaries: no rows called %q", d.Rows)
	}
	return nil
}

// Only is the argument of the "sums_of" fragment: the statement's data and
// the CTE listing the episodes (source, fingerprint, starts_at) whose sums
// it reads.
type Only struct {
	Data
	CTE string
}

// Stretches is the argument of the "inhibited_stretches" fragment: which
// alerts' stretches it reads.
type Stretches struct {
	Data
	// Half, 0 or 1, reads one half of the alerts (see "alert_half"); -1
	// all of them.
	Half int
	// Until reads only the rows before {to}: a stretch whose next row is
	// later ends NULL.
	Until bool
	// Through, a parameter's name, reads only the rows up to the time it
	// binds (inclusive): a stretch whose next row is later ends NULL. A
	// bound value, not a subquery: the engine evaluates a subquery of one
	// value on its own, building the statement's materialized CTEs again.
	Through string
	// Sealing reads the rows before {sealed_to} of the alerts whose
	// fingerprint is in [{lo}, {hi}) instead (stretches_seal.sql): a
	// stretch whose next row is later ends NULL.
	Sealing bool
}

// MutedSteps is the argument of the "muted_steps" fragment.
type MutedSteps struct {
	Data
	// Sealing reads every row before {sealed_to} of the alerts whose
	// fingerprint is in [{lo}, {hi}) (muted_seal.sql) instead of the
	// statement's episodes' rows.
	Sealing bool
}

// stretchRows is the argument of the "stretch_rows" fragment.
type stretchRows struct {
	Stretches
	Column string
}

// dayRows is the argument of the "day_rows" fragment.
type dayRows struct {
	DaySummaries
	TimeCol string
}

// DedupLookbackWindows is how many dedup windows before a scan the
// "counted" fragment reads to follow a key's chain of counted deliveries.
const DedupLookbackWindows = 60

// Scan is the argument of the "counted" fragment: which bound parameters
// delimit the notifications it reads.
type Scan struct {
	Data
	// Lower and Upper name DateTime64 parameters; Upper may be empty (no
	// upper bound). The chain is read from Lower minus the lookback.
	Lower, Upper string
	// Fingerprint restricts the scan to the {fingerprint} parameter.
	Fingerprint bool
	// Tail (a DateTime64 parameter, with a Lower and no Upper) reads the
	// rows received from {Tail} on only of keys whose startsAt is in
	// [{Lower}, {Tail}): a statement that wants those later rows of the
	// episodes that started in its window, and nothing else after it.
	Tail string
	// Firing reads only the firing deliveries. The status is part of a
	// delivery's key, so the firing keys fold as they would among every
	// row: a statement that keeps only firing deliveries drops the others
	// before the fold instead of after it (failed inhibitions over a week
	// at a big Alertmanager's scale, where a fifth of the deliveries are
	// resolved ones: the statement 1.50-1.92 s against 1.70-2.25 s).
	Firing bool
	// ToReceivers reads only the deliveries to {receivers} (all when it
	// is empty), for the same reason: the receiver is part of the key
	// (failed inhibitions of one receiver of seven over a week at that
	// scale: the statement 1.10-1.71 s against 1.81-1.86 s).
	ToReceivers bool
}

// LookbackMillis is how far before Lower the scan reads.
func (s Scan) LookbackMillis() int64 { return s.DedupMillis * DedupLookbackWindows }

// Limits bound one query in the engine, with how it runs.
type Limits struct {
	MaxSeconds int
	MaxMemory  int64 // bytes
	// InOrder has the engine aggregate rows in the order of the table's
	// sorting key where a GROUP BY follows it (a stream instead of one hash
	// table), which also leaves them sorted for a window partitioned the
	// same way. Faster for some statements, slower for others: each asks.
	InOrder bool
	// IndexSetMax, when positive, is the largest set on the right of an IN
	// that the engine analyses the tables' index against; a larger one is
	// only a filter on the rows read. Analysing the index against a set of
	// tens of thousands of alerts costs more than the granules it skips
	// when they are most of the store's: a statement that reads such sets
	// asks.
	IndexSetMax int
}

// SpillAt is where GROUP BY and ORDER BY start spilling to disk.
func (l Limits) SpillAt() int64 { return l.MaxMemory / 2 }

// Settings returns the limits of a read query.
func Settings(maxSeconds int, maxMemory int64) *Limits {
	return &Limits{MaxSeconds: maxSeconds, MaxMemory: maxMemory}
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// ValidIdentifier reports whether s may stand unquoted as a database,
// cluster or table name. Identifiers come only from config, and are still
// checked.
func ValidIdentifier(s string) bool { return identRE.MatchString(s) }

// Set is every statement, parsed for one database.
type Set struct {
	t *template.Template
	// episodes are the statements that build episodes (the episode CTEs).
	episodes map[string]bool
	// stretches are the statements that read inhibited stretches.
	stretches map[string]bool
	// muted are the statements that read muted time.
	muted map[string]bool
}

// NewSet parses the statements for database db.
func NewSet(db string) (*Set, error) {
	if !ValidIdentifier(db) {
		return nil, fmt.Errorf("database name %q is not a valid identifier", db)
	}
	t := template.New("").Option("missingkey=error").Funcs(template.FuncMap{
		"db": func() string { return db },
		"scan": func(d Data, lower, upper string, fingerprint bool) (Scan, error) {
			for _, p := range []string{lower, upper} {
				if p != "" && !ValidIdentifier(p) {
					return Scan{}, fmt.Errorf("scan: parameter name %q is not an identifier", p)
				}
			}
			return Scan{Data: d, Lower: lower, Upper: upper, Fingerprint: fingerprint}, nil
		},
		"dayRows": func(d DaySummaries, timeCol string) dayRows { return dayRows{d, timeCol} },
		"firing": func(s Scan) Scan {
			s.Firing = true
			return s
		},
		"toReceivers": func(s Scan) Scan {
			s.ToReceivers = true
			return s
		},
		"tail": func(s Scan, tail string) (Scan, error) {
			if s.Lower == "" || s.Upper != "" || !ValidIdentifier(tail) {
				return Scan{}, fmt.Errorf("tail: %q needs a scan with a lower bound only, and an identifier", tail)
			}
			s.Tail = tail
			return s, nil
		},
		"stretches": func(d Data, half int, until bool) (Stretches, error) {
			if half < -1 || half > 1 {
				return Stretches{}, fmt.Errorf("stretches: half %d, want -1, 0 or 1", half)
			}
			return Stretches{Data: d, Half: half, Until: until}, nil
		},
		"through": func(s Stretches, param string) (Stretches, error) {
			if !ValidIdentifier(param) || s.Sealing || s.Until {
				return Stretches{}, fmt.Errorf("through: %q is not a parameter name, or the stretches are otherwise bounded", param)
			}
			s.Through = param
			return s, nil
		},
		"sealingStretches": func(d Data) (Stretches, error) {
			if d.SealedStretches {
				return Stretches{}, fmt.Errorf("sealingStretches: a seal is built from the rows, not from a seal")
			}
			return Stretches{Data: d, Half: -1, Sealing: true}, nil
		},
		"mutedSteps": func(d Data) MutedSteps { return MutedSteps{Data: d} },
		"sealingMuted": func(d Data) (MutedSteps, error) {
			if d.SealedMuted {
				return MutedSteps{}, fmt.Errorf("sealingMuted: a seal is built from the rows, not from a seal")
			}
			return MutedSteps{Data: d, Sealing: true}, nil
		},
		"stretchRows": func(s Stretches, column string) (stretchRows, error) {
			if column != "start" && column != "observed_at" {
				return stretchRows{}, fmt.Errorf("stretchRows: no time column %q", column)
			}
			return stretchRows{s, column}, nil
		},
		"only": func(d Data, cte string) (Only, error) {
			if !ValidIdentifier(cte) {
				return Only{}, fmt.Errorf("only: %q is not a CTE name", cte)
			}
			return Only{Data: d, CTE: cte}, nil
		},
	})
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("listing statements: %w", err)
	}
	// Which statements use the fragments a seal can stand in for.
	uses := map[string]map[string]bool{"episode_ctes": {}, "inhibited_stretches": {}, "muted_time": {}}
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", n, err)
		}
		name := strings.TrimSuffix(n, ".sql")
		if _, err := t.New(name).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", n, err)
		}
		for fragment, users := range uses {
			if !strings.HasPrefix(n, "_") && strings.Contains(string(b), `{{template "`+fragment+`"`) {
				users[name] = true
			}
		}
	}
	return &Set{t: t, episodes: uses["episode_ctes"], stretches: uses["inhibited_stretches"], muted: uses["muted_time"]}, nil
}

// BuildsEpisodes says whether the named statement builds episodes (and
// may read them sealed: Data.Sealed).
func (s *Set) BuildsEpisodes(name string) bool { return s.episodes[name] }

// ReadsStretches says whether the named statement reads inhibited
// stretches (and may read them sealed: Data.SealedStretches).
func (s *Set) ReadsStretches(name string) bool { return s.stretches[name] }

// ReadsMuted says whether the named statement reads muted time (and may
// read it sealed: Data.SealedMuted).
func (s *Set) ReadsMuted(name string) bool { return s.muted[name] }

// Render returns the named statement (its file's name without .sql).
func (s *Set) Render(name string, data Data) (string, error) {
	if strings.HasPrefix(name, "_") || !isFile(name) {
		return "", fmt.Errorf("queries: no statement %s.sql", name)
	}
	if data.Match == "" {
		data.Match = "1"
	}
	if (data.Sealed || data.NotesFromDays) && !data.FromDays {
		return "", fmt.Errorf("queries: sealed episodes and notifications from summaries only with episodes from day summaries")
	}
	if data.SealedNotes && (!data.Sealed || !data.NotesFromDays || !data.HoursOnMinutes) {
		return "", fmt.Errorf("queries: sealed notifications only with sealed episodes, notifications from summaries and hours on whole minutes")
	}
	if data.Kept != "" && (!ValidIdentifier(data.Kept) || !data.FromDays) {
		return "", fmt.Errorf("queries: kept episodes %q: not a table name, or not from day summaries", data.Kept)
	}
	if data.KeptNotes != "" && !ValidIdentifier(data.KeptNotes) {
		return "", fmt.Errorf("queries: kept notifications %q: not a table name", data.KeptNotes)
	}
	var b bytes.Buffer
	if err := s.t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("rendering %s.sql: %w", name, err)
	}
	out := strings.TrimSpace(b.String())
	if data.Settings != nil {
		b.Reset()
		if err := s.t.ExecuteTemplate(&b, "settings", data.Settings); err != nil {
			return "", fmt.Errorf("rendering settings: %w", err)
		}
		out += b.String()
	}
	return out, nil
}

// DaySummaries renders the SELECT summing up d's rows per episode and day
// (the "day_summaries" fragment): what the store's views, its backfill and
// its crash recovery write into episode_days.
func (s *Set) DaySummaries(d DaySummaries) (string, error) {
	return s.dayFragment("day_summaries", d)
}

// DayPairs renders the SELECT naming the (target, inhibitor) pairs of the
// poller's rows per day: what the inhibition_pairs view runs, what its
// migration fills the table with, what a recovery names again.
func (s *Set) DayPairs(d DaySummaries) (string, error) {
	return s.pollerDays("day_pairs", d)
}

// DaySilences renders the SELECT finding when each alert was last seen
// silenced by each silence, per day: what the silence_pairs view runs,
// what its migration fills the table with, what a recovery finds again.
func (s *Set) DaySilences(d DaySummaries) (string, error) {
	return s.pollerDays("day_silences", d)
}

// pollerTable is the table of the poller's rows, which name inhibitors
// and silences (inhibited_by, silenced_by).
const pollerTable = "alert_states"

func (s *Set) pollerDays(name string, d DaySummaries) (string, error) {
	if d.Table != pollerTable {
		return "", fmt.Errorf("%s: no poller rows in table %q", name, d.Table)
	}
	return s.dayFragment(name, d)
}

func (s *Set) dayFragment(name string, d DaySummaries) (string, error) {
	if err := d.validate(); err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := s.t.ExecuteTemplate(&b, name, d); err != nil {
		return "", fmt.Errorf("rendering %s: %w", name, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// Names lists the statements.
func (s *Set) Names() []string {
	var out []string
	for _, t := range s.t.Templates() {
		n := t.Name()
		if n != "" && !strings.HasPrefix(n, "_") && isFile(n) {
			out = append(out, n)
		}
	}
	return out
}

func isFile(name string) bool {
	_, err := fs.Stat(files, name+".sql")
	return err == nil
}

// Text renders ad-hoc SQL (tests, tools) with the same functions and
// fragments as the statements; data is zero.
func (s *Set) Text(sql string) (string, error) {
	if !strings.Contains(sql, "{{") {
		return sql, nil
	}
	t, err := s.t.Clone()
	if err != nil {
		return "", fmt.Errorf("queries: %w", err)
	}
	if _, err := t.New("_text").Parse(sql); err != nil {
		return "", fmt.Errorf("parsing SQL: %w", err)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "_text", Data{Match: "1"}); err != nil {
		return "", fmt.Errorf("rendering SQL: %w", err)
	}
	return b.String(), nil
}

// SQL returns the text of name.sql, to be rendered by a Set (the store
// renders what it is given). It panics on an unknown name: the names are
// constants in the code, and a typo must fail every test.
func SQL(name string) string {
	b, err := files.ReadFile(name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("queries: no statement %s.sql: %v", name, err))
	}
	return strings.TrimSpace(string(b))
}
