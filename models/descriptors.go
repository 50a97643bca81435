package models

import "strings"

// ParamKind says how a parameter's text is read and checked.
type ParamKind string

// The parameter kinds. Each is parsed by one function in the analysis
// package, so a given kind answers the same 400 everywhere.
const (
	ParamTime        ParamKind = "time"        // RFC 3339, now, now-7d
	ParamDuration    ParamKind = "duration"    // positive: 30s, 5m, 1h, 7d
	ParamInt         ParamKind = "int"         // whole number within Min..Max
	ParamLabel       ParamKind = "label"       // a label name
	ParamSource      ParamKind = "source"      // a source name
	ParamFingerprint ParamKind = "fingerprint" // 16 lowercase hex digits
	ParamString      ParamKind = "string"      // checked by the analysis itself
	ParamFraction    ParamKind = "fraction"    // a number from 0 to 1
)

// Param is one parameter an analysis takes beyond the common ones.
type Param struct {
	Name    string
	Kind    ParamKind
	Default string // in the parameter's own syntax; "" = none (or computed)
	Help    string
	Min     int // ParamInt only
	Max     int // ParamInt only
	// InPath marks a parameter that is a segment of the path
	// ({name} in Descriptor.Path).
	InPath bool
	// Repeat marks a parameter that may be given several times, meaning
	// any of the values (source=eu&source=prod).
	Repeat bool
}

// QueryField is the parameter's name in a Grafana query (camelCase).
func (p Param) QueryField() string {
	parts := strings.Split(p.Name, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// ColumnKind says how a column's JSON value is shown.
type ColumnKind string

// The column kinds.
const (
	ColString     ColumnKind = "string"
	ColNumber     ColumnKind = "number"
	ColSeconds    ColumnKind = "seconds" // a number of seconds: a duration in tables
	ColTime       ColumnKind = "time"
	ColLabels     ColumnKind = "labels"
	ColList       ColumnKind = "list"
	ColInhibitors ColumnKind = "inhibitors" // [{fingerprint, alertname}]
	ColRules      ColumnKind = "rules"      // [RuleStep]
)

// Column is one field of a listed row: a terminal table column and a data
// frame field (named by Field).
type Column struct {
	Field  string
	Header string // table header; "" = not shown in terminal tables
	Kind   ColumnKind
	// FrameOnly columns are in data frames but not terminal tables.
	FrameOnly bool
}

// Table is a list in an answer, shown as a table and as a data frame.
type Table struct {
	List    string // the answer's JSON field holding the rows
	Frame   string // the data frame's name
	Columns []Column
}

// Descriptor names an analysis once: its API path, CLI command, Grafana
// query type and parameters, and the tables in its answer.
type Descriptor struct {
	// Name is the analysis's one name: its Grafana query type, its SQL
	// file's name where it has one, and its key in metrics.
	Name    string
	Title   string // short human title
	Summary string // one line: what it answers
	Path    string // GET path; {param} segments come from InPath params
	// Command is the CLI command ("" for none); two words for a group.
	Command string
	// Arg is the parameter the CLI's positional argument fills.
	Arg string
	// Window: takes from and to. Filters: takes source, receiver, match.
	Window, Filters bool
	Params          []Param
	// Markdown: also answers format=markdown.
	Markdown bool
	// Sections: the CLI's table output prints each of Tables under its
	// name, rather than the report's Markdown (which carries long links).
	Sections bool
	// Single: the answer is one object (no table); the CLI prints its
	// summary.
	Single bool
	// Tables are the answer's lists, in the order a client shows them.
	// The first is what the CLI prints.
	Tables []Table
	// Wide: the Grafana plugin shapes this answer itself (time series),
	// not table by table.
	Wide bool
}

// Grafana reports whether the analysis is a Grafana query type.
func (d Descriptor) Grafana() bool { return d.Wide || len(d.Tables) > 0 }

// Param returns the named parameter.
func (d Descriptor) Param(name string) (Param, bool) {
	for _, p := range d.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Common parameters every windowed or filtered analysis takes.
var (
	WindowParams = []Param{
		{Name: "from", Kind: ParamTime, Default: "now-24h", Help: "start of the window: RFC 3339, now or now-DURATION (e.g. now-7d)"},
		{Name: "to", Kind: ParamTime, Default: "now", Help: "end of the window, same forms as from"},
	}
	FilterParams = []Param{
		{Name: "source", Kind: ParamSource, Repeat: true, Help: "only this source (one Alertmanager or HA cluster); repeat for any of several"},
		{Name: "receiver", Kind: ParamString, Repeat: true, Help: "only alerts routed to this receiver; repeat for any of several"},
		{Name: "match", Kind: ParamString, Help: `label matchers in Alertmanager syntax, e.g. {alertname="X",severity=~"P1|P2"}`},
	}
)

// AllParams lists the common and the analysis's own parameters.
func (d Descriptor) AllParams() []Param {
	var out []Param
	if d.Window {
		out = append(out, WindowParams...)
	}
	if d.Filters {
		out = append(out, FilterParams...)
	}
	return append(out, d.Params...)
}

var episodeColumns = []Column{
	{Field: "starts_at", Header: "STARTS AT", Kind: ColTime},
	{Field: "ends_at", Header: "ENDS AT", Kind: ColTime},
	{Field: "alertname", Header: "ALERTNAME", Kind: ColString},
	// Shown in tables too: it is what explain and timeline take.
	{Field: "fingerprint", Header: "FINGERPRINT", Kind: ColString},
	{Field: "source", Header: "SOURCE", Kind: ColString},
	{Field: "labels", Header: "LABELS", Kind: ColLabels},
	{Field: "notifications", Header: "NOTIFICATIONS", Kind: ColNumber},
	{Field: "silenced_seconds", Header: "SILENCED", Kind: ColSeconds},
	{Field: "inhibited_seconds", Header: "INHIBITED", Kind: ColSeconds},
}

var noiseColumns = []Column{
	{Field: "key", Header: "KEY", Kind: ColString},
	{Field: "notifications", Header: "NOTIFICATIONS", Kind: ColNumber},
	{Field: "episodes", Header: "EPISODES", Kind: ColNumber},
	{Field: "firing_seconds", Header: "FIRING", Kind: ColSeconds},
	{Field: "self_resolving", Header: "SELF-RESOLVING", Kind: ColNumber},
	{Field: "out_of_hours", Header: "OUT OF HOURS", Kind: ColNumber},
}

var byParam = Param{Name: "by", Kind: ParamLabel, Default: "alertname", Help: "the label to group by"}

var listColumns = []Column{
	{Field: "value", Header: "VALUE", Kind: ColString},
	{Field: "episodes", Header: "EPISODES", Kind: ColNumber},
}

var listLimit = Param{Name: "limit", Kind: ParamInt, Default: "1000", Min: 1, Max: 100_000, Help: "the most values to list"}

// Analyses lists every analysis. Adding one here gives it its HTTP route,
// its CLI command and table, its Grafana query type and its docs entry.
var Analyses = []Descriptor{
	{
		Name: "sources", Title: "Sources", Path: "/api/v1/sources", Command: "sources",
		Summary: "the sources with episodes in the window, for filters",
		Window:  true, Filters: true, Params: []Param{listLimit},
		Tables: []Table{{List: "values", Frame: "sources", Columns: listColumns}},
	},
	{
		Name: "receivers", Title: "Receivers", Path: "/api/v1/receivers", Command: "receivers",
		Summary: "the receivers the window's episodes reached, for filters",
		Window:  true, Filters: true, Params: []Param{listLimit},
		Tables: []Table{{List: "values", Frame: "receivers", Columns: listColumns}},
	},
	{
		Name: "label_values", Title: "Label values", Path: "/api/v1/labels/{name}/values", Command: "labels values", Arg: "name",
		Summary: "the values a label takes on the window's alerts, for filters",
		Window:  true, Filters: true,
		Params: []Param{{Name: "name", Kind: ParamLabel, InPath: true, Help: "the label"}, listLimit},
		Tables: []Table{{List: "values", Frame: "label_values", Columns: listColumns}},
	},
	{
		Name: "label_names", Title: "Label names", Path: "/api/v1/labels", Command: "labels names",
		Summary: "the label names of the window's alerts, for filters",
		Window:  true, Filters: true, Params: []Param{listLimit},
		Tables: []Table{{List: "values", Frame: "label_names", Columns: listColumns}},
	},
	{
		Name: "episodes", Title: "Alert episodes", Path: "/api/v1/alerts", Command: "lookup", Arg: "match",
		Summary: "episodes matching label matchers, in order of start",
		Window:  true, Filters: true,
		Tables: []Table{{List: "episodes", Frame: "episodes", Columns: episodeColumns}},
	},
	{
		Name: "state_timeline", Title: "State timeline", Path: "/api/v1/states",
		Summary: "every alert entering a state (firing, silenced, inhibited, resolved), and when the poller was blind, for swimlanes",
		Window:  true, Filters: true, Wide: true,
	},
	{
		Name: "notifications_series", Title: "Notifications over time", Path: "/api/v1/notifications/series",
		Summary: "notifications per time step by a label",
		Window:  true, Filters: true, Wide: true,
		Params: []Param{byParam, {Name: "step", Kind: ParamDuration, Help: "bucket width (default: about 100 buckets, whole minutes)"}},
	},
	{
		Name: "timeline", Title: "One alert\u2019s timeline", Path: "/api/v1/alerts/{fingerprint}/timeline", Command: "timeline", Arg: "fingerprint",
		Summary: "one alert's notifications and state changes, in order",
		Window:  true, Filters: true,
		Params: []Param{{Name: "fingerprint", Kind: ParamFingerprint, InPath: true, Help: "the alert's fingerprint (16 hex digits)"}},
		Tables: []Table{{List: "events", Frame: "timeline", Columns: []Column{
			{Field: "at", Header: "AT", Kind: ColTime},
			{Field: "kind", Header: "KIND", Kind: ColString},
			{Field: "status", Header: "STATUS", Kind: ColString},
			{Field: "state", Header: "STATE", Kind: ColString},
			{Field: "event", Header: "EVENT", Kind: ColString},
			{Field: "receiver", Header: "RECEIVER", Kind: ColString},
			{Field: "silenced_by", Header: "SILENCED BY", Kind: ColList},
			{Field: "inhibited_by", Header: "INHIBITED BY", Kind: ColList},
		}}},
	},
	{
		Name: "flapping", Title: "Flapping alerts", Path: "/api/v1/flapping", Command: "flapping",
		Summary: "alerts that flap, with suggested for: and keep_firing_for:",
		Window:  true, Filters: true,
		Params: []Param{
			{Name: "flap_gap", Kind: ParamDuration, Default: "1h", Help: "an episode starting less than this after the previous one ended is a flap"},
			{Name: "min_flaps", Kind: ParamInt, Default: "2", Min: 1, Max: 1_000_000, Help: "flaps in the window that make an alert flapping"},
		},
		Tables: []Table{{List: "alerts", Frame: "flapping", Columns: []Column{
			{Field: "alertname", Header: "ALERTNAME", Kind: ColString},
			{Field: "fingerprint", Header: "FINGERPRINT", Kind: ColString},
			{Field: "source", Header: "SOURCE", Kind: ColString},
			{Field: "labels", Kind: ColLabels, FrameOnly: true},
			{Field: "episodes", Header: "EPISODES", Kind: ColNumber},
			{Field: "flaps", Header: "FLAPS", Kind: ColNumber},
			{Field: "median_episode_seconds", Header: "MEDIAN EPISODE", Kind: ColSeconds},
			{Field: "median_gap_seconds", Header: "MEDIAN GAP", Kind: ColSeconds},
			{Field: "suggested_for_seconds", Header: "SUGGESTED FOR", Kind: ColSeconds},
			{Field: "suggested_keep_firing_for_seconds", Header: "SUGGESTED KEEP_FIRING_FOR", Kind: ColSeconds},
		}}},
	},
	{
		Name: "inhibitions_failed", Title: "Failed inhibitions", Path: "/api/v1/inhibitions/failed", Command: "inhibitions failed",
		Summary: "notifications sent although the alert was inhibited, in order of notification (then source, alert and receiver)",
		Window:  true, Filters: true,
		Tables: []Table{{List: "failures", Frame: "failed_inhibitions", Columns: []Column{
			{Field: "notified_at", Header: "NOTIFIED AT", Kind: ColTime},
			{Field: "alertname", Header: "ALERTNAME", Kind: ColString},
			{Field: "fingerprint", Header: "FINGERPRINT", Kind: ColString},
			{Field: "receiver", Header: "RECEIVER", Kind: ColString},
			{Field: "source", Kind: ColString, FrameOnly: true},
			{Field: "inhibited_by", Header: "INHIBITED BY", Kind: ColInhibitors},
			{Field: "basis", Header: "BASIS", Kind: ColString},
			{Field: "cause", Header: "CAUSE", Kind: ColString},
			{Field: "known_cause", Header: "KNOWN CAUSE", Kind: ColString},
			{Field: "labels", Kind: ColLabels, FrameOnly: true},
		}}},
	},
	{
		Name: "inhibitions_loops", Title: "Inhibition loops", Path: "/api/v1/inhibitions/loops", Command: "inhibitions loops",
		Summary: "alerts inhibiting each other, and inhibit rules that can loop",
		Window:  true, Filters: true,
		Tables: []Table{
			{List: "loops", Frame: "inhibition_loops", Columns: []Column{
				{Field: "source", Header: "SOURCE", Kind: ColString},
				{Field: "alertnames", Header: "ALERTNAMES", Kind: ColList},
				{Field: "fingerprints", Header: "FINGERPRINTS", Kind: ColList},
				{Field: "first_seen", Header: "FIRST SEEN", Kind: ColTime},
				{Field: "last_seen", Header: "LAST SEEN", Kind: ColTime},
			}},
			{List: "rule_loops", Frame: "inhibit_rule_loops", Columns: []Column{
				{Field: "source", Header: "SOURCE", Kind: ColString},
				{Field: "rules", Header: "RULES", Kind: ColRules},
			}},
		},
	},
	{
		Name: "silences_stale", Title: "Stale silences", Path: "/api/v1/silences/stale", Command: "silences stale",
		Summary: "active silences that look stale",
		Params: []Param{
			{Name: "at", Kind: ParamTime, Default: "now", Help: "the moment to judge at"},
			{Name: "max_age", Kind: ParamDuration, Default: "7d", Help: "active for longer than this: long_running"},
			{Name: "idle", Kind: ParamDuration, Default: "24h", Help: "observed time without silencing anything: matches_nothing or alerts_resolved"},
			FilterParams[0],
		},
		Tables: []Table{{List: "silences", Frame: "stale_silences", Columns: []Column{
			{Field: "id", Header: "ID", Kind: ColString},
			{Field: "source", Header: "SOURCE", Kind: ColString},
			{Field: "matchers", Header: "MATCHERS", Kind: ColList},
			{Field: "created_by", Header: "CREATED BY", Kind: ColString},
			{Field: "comment", Header: "COMMENT", Kind: ColString},
			{Field: "starts_at", Header: "STARTS AT", Kind: ColTime},
			{Field: "ends_at", Header: "ENDS AT", Kind: ColTime},
			{Field: "reasons", Header: "REASONS", Kind: ColList},
			{Field: "last_matched_at", Header: "LAST MATCHED AT", Kind: ColTime},
		}}},
	},
	{
		Name: "silences_top", Title: "Silences muting the most", Path: "/api/v1/silences/top", Command: "silences top",
		Summary: "the silences that muted the most alerts in the window",
		Window:  true, Filters: true,
		Params: []Param{{Name: "limit", Kind: ParamInt, Default: "10", Min: 1, Max: 1000, Help: "how many silences to list"}},
		Tables: []Table{{List: "silences", Frame: "silences_top", Columns: []Column{
			{Field: "source", Header: "SOURCE", Kind: ColString},
			{Field: "id", Header: "ID", Kind: ColString},
			{Field: "alerts", Header: "ALERTS", Kind: ColNumber},
			{Field: "created_by", Header: "CREATED BY", Kind: ColString},
			{Field: "comment", Header: "COMMENT", Kind: ColString},
		}}},
	},
	{
		Name: "noise", Title: "Noise", Path: "/api/v1/noise", Command: "noise",
		Summary: "notifications, episodes and firing time by alertname or any label",
		Window:  true, Filters: true,
		Params: []Param{
			byParam,
			{Name: "short", Kind: ParamDuration, Default: "5m", Help: "episodes shorter than this are self-resolving"},
			{Name: "long_running", Kind: ParamDuration, Default: "7d", Help: "episodes firing longer than this are long-running"},
			{Name: "limit", Kind: ParamInt, Default: "1000", Min: 1, Max: 100_000, Help: "the loudest keys to list; total_keys says how many there were"},
		},
		Tables: []Table{
			{List: "rows", Frame: "noise", Columns: noiseColumns},
			{List: "unrouted", Frame: "unrouted", Columns: episodeColumns[:6]},
		},
	},
	{
		Name: "suggestions_inhibit_rules", Title: "Suggested inhibit rules", Path: "/api/v1/suggestions/inhibit_rules", Command: "suggest inhibit-rules",
		Summary: "inhibit rules mined from alerts that start together, with their evidence and what they would have saved",
		Window:  true, Filters: true,
		Params: suggestParams,
		Tables: []Table{{List: "suggestions", Frame: "inhibit_rule_suggestions", Columns: []Column{
			{Field: "source", Header: "SOURCE", Kind: ColString},
			{Field: "source_matchers", Header: "SOURCE MATCHERS", Kind: ColList},
			{Field: "target_matchers", Header: "TARGET MATCHERS", Kind: ColList},
			{Field: "equal", Header: "EQUAL", Kind: ColList},
			{Field: "support", Header: "SUPPORT", Kind: ColNumber},
			{Field: "confidence", Header: "CONFIDENCE", Kind: ColNumber},
			{Field: "notifications_saved", Header: "NOTIFICATIONS SAVED", Kind: ColNumber},
		}}},
	},
	{
		Name: "suggestions_group_by", Title: "Suggested groupings", Path: "/api/v1/suggestions/group_by", Command: "suggest group-by",
		Summary: "group_by changes for alerts that start together but reach a receiver in separate notifications, with their evidence",
		Window:  true, Filters: true,
		Params: suggestParams,
		Tables: []Table{{List: "suggestions", Frame: "group_by_suggestions", Columns: []Column{
			{Field: "source", Header: "SOURCE", Kind: ColString},
			{Field: "receiver", Header: "RECEIVER", Kind: ColString},
			{Field: "alertnames", Header: "ALERTS", Kind: ColList},
			{Field: "current_group_by", Header: "GROUPED BY", Kind: ColList},
			{Field: "group_by", Header: "SUGGESTED GROUP_BY", Kind: ColList},
			{Field: "support", Header: "SUPPORT", Kind: ColNumber},
			{Field: "confidence", Header: "CONFIDENCE", Kind: ColNumber},
			{Field: "notifications_saved", Header: "NOTIFICATIONS SAVED", Kind: ColNumber},
		}}},
	},
	{
		Name: "whatif", Title: "What if", Path: "/api/v1/whatif", Command: "whatif", Single: true,
		Summary: "what a longer for: or a keep_firing_for: would have changed in the window (match selects the alerts)",
		Window:  true, Filters: true,
		Params: []Param{
			{Name: "for", Kind: ParamDuration, Help: "a for: added to the alerts' rules"},
			{Name: "keep_firing_for", Kind: ParamDuration, Help: "a keep_firing_for: added to the alerts' rules"},
		},
	},
	{
		Name: "explain", Title: "Explain", Path: "/api/v1/explain", Command: "explain", Arg: "fingerprint", Single: true,
		Summary: "what an alert was doing at a moment, and whether it paged",
		Params: []Param{
			{Name: "fingerprint", Kind: ParamFingerprint, Help: "the alert's fingerprint (16 hex digits)"},
			{Name: "at", Kind: ParamTime, Default: "now", Help: "the moment to explain"},
			{Name: "source", Kind: ParamSource, Help: "only this source (one Alertmanager or HA cluster)"},
		},
	},
	{
		Name: "handover", Title: "Handover", Path: "/api/v1/handover", Command: "handover", Markdown: true, Sections: true,
		Summary: "the shift's story for the next on-call",
		Window:  true, Filters: true,
		Tables: []Table{
			{List: "fired", Frame: "fired", Columns: []Column{
				{Field: "alertname", Header: "ALERTNAME", Kind: ColString},
				{Field: "alerts", Header: "ALERTS", Kind: ColNumber},
				{Field: "episodes", Header: "EPISODES", Kind: ColNumber},
				{Field: "notifications", Header: "NOTIFICATIONS", Kind: ColNumber},
				{Field: "first", Header: "FIRST", Kind: ColTime},
				{Field: "last", Header: "LAST", Kind: ColTime},
				{Field: "longest_seconds", Header: "LONGEST", Kind: ColSeconds},
				{Field: "still_firing", Header: "STILL FIRING", Kind: ColNumber},
			}},
			{List: "still_firing", Frame: "still_firing", Columns: append([]Column{
				{Field: "state", Header: "STATE", Kind: ColString},
				{Field: "alertname", Header: "ALERTNAME", Kind: ColString},
				{Field: "starts_at", Header: "SINCE", Kind: ColTime},
				{Field: "fingerprint", Header: "FINGERPRINT", Kind: ColString},
				{Field: "source", Header: "SOURCE", Kind: ColString},
			}, episodeColumns[5:]...)},
		},
	},
	{
		Name: "weekly_review", Title: "Weekly review", Path: "/api/v1/report/weekly", Command: "report weekly", Markdown: true,
		Summary: "the weekly on-call review of one ISO week",
		Filters: true,
		Params:  []Param{{Name: "week", Kind: ParamString, Help: "ISO week, e.g. 2026-W47 (default: last week)"}},
		Tables:  []Table{{List: "top_noisy", Frame: "top_noisy", Columns: noiseColumns}},
	},
}

// suggestParams are the co-occurrence thresholds both kinds of suggestion
// take (the later alert's episodes are the "target": for a grouping, those
// notified to the receiver).
var suggestParams = []Param{
	{Name: "within", Kind: ParamDuration, Default: "2m", Help: "a target episode co-occurs with a source episode that started at most this long before it and still fired"},
	{Name: "min_support", Kind: ParamInt, Default: "5", Min: 1, Max: 1_000_000, Help: "co-occurring target episodes a suggestion needs"},
	{Name: "min_confidence", Kind: ParamFraction, Default: "0.8", Help: "share of the target's episodes that must co-occur"},
}

// Lookup returns the analysis with that name.
func Lookup(name string) (Descriptor, bool) {
	for _, d := range Analyses {
		if d.Name == name {
			return d, true
		}
	}
	return Descriptor{}, false
}
