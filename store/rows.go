package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"time"

	"github.com/alertlens/alertlens/queries"
)

// Table names: the contract's, and the only ones Insert accepts.
const (
	TableNotifications      = "notifications"
	TableAlertStates        = "alert_states"
	TableSilences           = "silences"
	TablePolls              = "polls"
	TableAlertmanagerStatus = "alertmanager_status"
	TableEvents             = "events"
	TableImports            = "imports"
)

// Time is a DateTime64(3, 'UTC') column value. It encodes as ClickHouse's
// basic text form ("2006-01-02 15:04:05.000"), which every JSONEachRow reader
// parses without best-effort guessing; a nil *Time is a NULL.
type Time struct{ time.Time }

// TimeLayout is that text form, for query parameters and results.
const TimeLayout = "2006-01-02 15:04:05.000"

// MinTime and MaxTime bound what DateTime64(3) stores; producers reject
// times outside them instead of letting the engine clamp them silently.
var (
	MinTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxTime = time.Date(2299, 12, 31, 23, 59, 59, 0, time.UTC)
)

// T wraps t, truncated to milliseconds (the column precision).
func T(t time.Time) Time { return Time{t.UTC().Truncate(time.Millisecond)} }

// TP is T as a pointer, nil for the zero time (Alertmanager's "not set").
func TP(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	v := T(t)
	return &v
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(TimeLayout)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, TimeLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	s, err := unquote(b)
	if err != nil {
		return err
	}
	v, err := time.ParseInLocation(TimeLayout, s, time.UTC)
	if err != nil {
		return fmt.Errorf("store: time %q: %w", s, err)
	}
	t.Time = v
	return nil
}

func unquote(b []byte) (string, error) {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", fmt.Errorf("store: want a JSON string: %w", err)
	}
	return s, nil
}

// Notification is one alert in one webhook delivery.
type Notification struct {
	ReceivedAt         Time              `json:"received_at"`
	Source             string            `json:"source"`
	Receiver           string            `json:"receiver"`
	GroupKey           string            `json:"group_key"`
	GroupLabels        map[string]string `json:"group_labels"`
	NotificationReason string            `json:"notification_reason"`
	RouteLabels        map[string]string `json:"route_labels"`
	Status             string            `json:"status"`
	Fingerprint        string            `json:"fingerprint"`
	Alertname          string            `json:"alertname"`
	Severity           string            `json:"severity"`
	Labels             map[string]string `json:"labels"`
	Annotations        map[string]string `json:"annotations"`
	StartsAt           Time              `json:"starts_at"`
	EndsAt             *Time             `json:"ends_at"`
	GeneratorURL       string            `json:"generator_url"`
	ExternalURL        string            `json:"external_url"`
	TruncatedAlerts    uint32            `json:"truncated_alerts"`
	HADuplicate        uint8             `json:"ha_duplicate"`
}

// AlertState is one change of one fingerprint as the poller saw it.
type AlertState struct {
	ObservedAt   Time              `json:"observed_at"`
	Source       string            `json:"source"`
	Fingerprint  string            `json:"fingerprint"`
	Kind         string            `json:"kind"`
	State        string            `json:"state"`
	Alertname    string            `json:"alertname"`
	Severity     string            `json:"severity"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	SilencedBy   []string          `json:"silenced_by"`
	InhibitedBy  []string          `json:"inhibited_by"`
	MutedBy      []string          `json:"muted_by"`
	Receivers    []string          `json:"receivers"`
	StartsAt     Time              `json:"starts_at"`
	EndsAt       *Time             `json:"ends_at"`
	UpdatedAt    *Time             `json:"updated_at"`
	GeneratorURL string            `json:"generator_url"`
}

// Kinds of alert_states rows.
const (
	KindAppeared   = "appeared"
	KindChanged    = "changed"
	KindResolved   = "resolved"
	KindCheckpoint = "checkpoint"
)

// Matcher is one matcher of a silence, as Alertmanager's API shows it.
type Matcher struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	IsRegex bool   `json:"is_regex"`
	IsEqual bool   `json:"is_equal"`
}

// Silence is one version of one silence.
type Silence struct {
	Source     string    `json:"source"`
	ID         string    `json:"id"`
	UpdatedAt  Time      `json:"updated_at"`
	ObservedAt Time      `json:"observed_at"`
	Matchers   []Matcher `json:"matchers"`
	CreatedBy  string    `json:"created_by"`
	Comment    string    `json:"comment"`
	StartsAt   Time      `json:"starts_at"`
	EndsAt     Time      `json:"ends_at"`
	State      string    `json:"state"`
}

// Poll is one poll of one source, failed or not.
type Poll struct {
	PolledAt        Time    `json:"polled_at"`
	Source          string  `json:"source"`
	DurationSeconds float64 `json:"duration_seconds"`
	OK              bool    `json:"ok"`
	Error           string  `json:"error"`
	Alerts          uint32  `json:"alerts"`
	Silences        uint32  `json:"silences"`
	Changes         uint32  `json:"changes"`
}

// AlertmanagerStatus is what /api/v2/status said when it changed.
type AlertmanagerStatus struct {
	ObservedAt    Time     `json:"observed_at"`
	Source        string   `json:"source"`
	Uptime        Time     `json:"uptime"`
	ConfigHash    string   `json:"config_hash"`
	Config        string   `json:"config"`
	Version       string   `json:"version"`
	ClusterStatus string   `json:"cluster_status"`
	Peers         []string `json:"peers"`
}

// Event is what one event recorder event says about one alert (or, for
// events about no alert, about the Alertmanager or a silence).
type Event struct {
	At                 Time              `json:"at"`
	ReceivedAt         Time              `json:"received_at"`
	Source             string            `json:"source"`
	Instance           string            `json:"instance"`
	Kind               string            `json:"kind"`
	Fingerprint        string            `json:"fingerprint"`
	Alertname          string            `json:"alertname"`
	Labels             map[string]string `json:"labels"`
	Status             string            `json:"status"`
	StartsAt           *Time             `json:"starts_at"`
	EndsAt             *Time             `json:"ends_at"`
	Receiver           string            `json:"receiver"`
	GroupKey           string            `json:"group_key"`
	Integration        string            `json:"integration"`
	Reason             string            `json:"reason"`
	SilenceID          string            `json:"silence_id"`
	SilenceMatchers    []string          `json:"silence_matchers"`
	CreatedBy          string            `json:"created_by"`
	Comment            string            `json:"comment"`
	RuleNames          []string          `json:"rule_names"`
	RuleSourceMatchers []string          `json:"rule_source_matchers"`
	RuleTargetMatchers []string          `json:"rule_target_matchers"`
	RuleEqual          []string          `json:"rule_equal"`
	Inhibiting         []string          `json:"inhibiting"`
	Version            string            `json:"version"`
}

// Import is one recording imported, known by the hash of its content.
type Import struct {
	ImportedAt Time   `json:"imported_at"`
	Content    string `json:"content"` // hex SHA-256
	Lines      uint64 `json:"lines"`
	Rows       uint64 `json:"rows"`
}

// Kinds of events rows: the event recorder's event types in snake case.
const (
	EventStartup         = "alertmanager_startup"
	EventShutdown        = "alertmanager_shutdown"
	EventAlertCreated    = "alert_created"
	EventAlertGrouped    = "alert_grouped"
	EventAlertResolved   = "alert_resolved"
	EventNotification    = "notification"
	EventSilenceCreated  = "silence_created"
	EventSilenceUpdated  = "silence_updated"
	EventSilenceMuted    = "silence_muted_alert"
	EventInhibitionMuted = "inhibition_muted_alert"
)

// tableInfo is what the store knows of one data table besides its DDL.
type tableInfo struct {
	row     func() any // a new row, for the clickhouse-go backend's batches
	timeCol string     // the column the TTL runs on
	keyCol  string     // what a row is about: a String column the sharding key hashes
	version uint16     // the shape of queued rows (see versions.go); 0 = 1
}

// shardKey is what the Distributed table shards by on a cluster.
func (t tableInfo) shardKey() string { return "cityHash64(" + t.keyCol + ")" }

// tables is the one registry of data tables: the tables Insert accepts, how
// their rows are shaped for a server, their retention column and sharding
// key. The sharding key keeps one fingerprint's history on one shard, so
// per-fingerprint window functions need no cross-shard ordering.
var tables = map[string]tableInfo{
	TableNotifications:      {func() any { return new(Notification) }, "received_at", "fingerprint", 0},
	TableAlertStates:        {func() any { return new(AlertState) }, "observed_at", "fingerprint", 0},
	TableSilences:           {func() any { return new(Silence) }, "updated_at", "id", 0},
	TablePolls:              {func() any { return new(Poll) }, "polled_at", "source", 0},
	TableAlertmanagerStatus: {func() any { return new(AlertmanagerStatus) }, "observed_at", "source", 0},
	TableEvents:             {func() any { return new(Event) }, "at", "fingerprint", 0},
	TableImports:            {func() any { return new(Import) }, "imported_at", "content", 0},
}

// derivedTables are the tables the store fills itself (materialized views),
// which nothing inserts into: only their retention column and key column
// are known here.
var derivedTables = map[string]tableInfo{
	"alert_labels": {timeCol: "seen", keyCol: "fingerprint"},
	// A day's summaries outlive the day's raw rows by a day (the
	// retention drops raw rows one by one, summaries a day at once).
	TableEpisodeDays: {timeCol: "day + 1", keyCol: "fingerprint"},
	// (sharded by the target: its pairs live where its poller rows do)
	TableInhibitionPairs: {timeCol: "day + 1", keyCol: "target"},
	TableSilencePairs:    {timeCol: "day + 1", keyCol: "fingerprint"},
}

// dayTable is a table the engine's views fill per day from a data
// table's rows, with the SELECT they run (from the queries package, whose
// reads merge what it writes): what the schema's views and backfills name
// by the template function fn, and what InsertMissing writes again for a
// batch of a data table it is written from.
type dayTable struct {
	fn     string   // the schema template's function
	from   []string // the data tables whose rows it is written from
	into   string
	render func(*queries.Set, queries.DaySummaries) (string, error)
}

// dayTables are every table the views fill per day: the episodes' day
// summaries, and from the poller's rows the inhibition pairs and each
// alert's latest silenced time per silence.
var dayTables = []dayTable{
	{"summaries", queries.DaySummaryTables, TableEpisodeDays, (*queries.Set).DaySummaries},
	{"pairs", []string{TableAlertStates}, TableInhibitionPairs, (*queries.Set).DayPairs},
	{"silences", []string{TableAlertStates}, TableSilencePairs, (*queries.Set).DaySilences},
}

// allTables is tables and derivedTables in one map: what the DDL and the
// retention know of every table.
func allTables() map[string]tableInfo {
	all := maps.Clone(tables)
	maps.Copy(all, derivedTables)
	return all
}

// TableEpisodeDays holds each episode summed up per day (see the schema's
// 0005 migration), written by the engine's views and by InsertMissing.
const TableEpisodeDays = "episode_days"

// TableInhibitionPairs holds the (target, inhibitor) pairs the poller's
// rows name, per day (see the schema's 0011 migration), written by the
// engine's view and by InsertMissing.
const TableInhibitionPairs = "inhibition_pairs"

// TableSilencePairs holds when each alert was last seen silenced by each
// silence, per day (see the schema's 0012 migration), written by the
// engine's view and by InsertMissing.
const TableSilencePairs = "silence_pairs"

// Tables lists the data tables, sorted.
func Tables() []string {
	ts := make([]string, 0, len(tables))
	for t := range tables {
		ts = append(ts, t)
	}
	sort.Strings(ts)
	return ts
}

// KnownTable reports whether table is one of the data tables.
func KnownTable(table string) bool {
	_, ok := tables[table]
	return ok
}

// EncodeRows appends rows as JSONEachRow (one JSON object a line) to buf.
func EncodeRows[T any](buf []byte, rows []T) ([]byte, error) {
	if len(rows) > 0 {
		if _, ok := any(&rows[0]).(rowAppender); ok {
			for i := range rows {
				buf = any(&rows[i]).(rowAppender).appendJSON(buf)
				buf = append(buf, '\n')
			}
			return buf, nil
		}
	}
	w := bytes.NewBuffer(buf)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range rows {
		if err := enc.Encode(&rows[i]); err != nil {
			return nil, fmt.Errorf("store: encoding row %d: %w", i, err)
		}
	}
	return w.Bytes(), nil
}

// CountRows counts the rows of JSONEachRow data: its newline-terminated lines.
func CountRows(data []byte) int { return bytes.Count(data, []byte{'\n'}) }
