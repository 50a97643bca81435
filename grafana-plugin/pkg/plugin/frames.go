package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/alertlens/alertlens/api"
)

// column maps one JSON field of a row to a frame field.
type column struct {
	name, field string
	kind        string // string, number, time, labels, list, inhibitors
}

// table is a list in an answer and the frame it becomes.
type table struct {
	list    string
	frame   string
	columns []column
}

// endpoint is a query type: an API path, which query fields become which
// parameters, and the tables to build.
type endpoint struct {
	path     func(q Query) (string, error)
	params   func(q Query, p url.Values)
	tables   []table
	markdown bool // also fetch format=markdown as a text frame
	// wide, if set, builds the frames itself (time series shapes).
	wide func(answer map[string]json.RawMessage) (data.Frames, error)
}

func fixed(p string) func(Query) (string, error) {
	return func(Query) (string, error) { return p, nil }
}

var episodeColumns = []column{{"starts_at", "starts_at", "time"}, {"ends_at", "ends_at", "time"}, {"alertname", "alertname", "string"},
	{"fingerprint", "fingerprint", "string"}, {"source", "source", "string"}, {"labels", "labels", "labels"}, {"notifications", "notifications", "number"},
	{"silenced_seconds", "silenced_seconds", "number"}, {"inhibited_seconds", "inhibited_seconds", "number"}}

var endpoints = map[string]endpoint{
	"flapping": {path: fixed("/api/v1/flapping"), params: func(q Query, p url.Values) {
		set(p, "flap_gap", q.FlapGap)
		if q.MinFlaps > 0 {
			p.Set("min_flaps", strconv.Itoa(q.MinFlaps))
		}
	}, tables: []table{{"alerts", "flapping", []column{{"alertname", "alertname", "string"}, {"fingerprint", "fingerprint", "string"}, {"source", "source", "string"},
		{"labels", "labels", "labels"}, {"episodes", "episodes", "number"}, {"flaps", "flaps", "number"}, {"median_episode_seconds", "median_episode_seconds", "number"},
		{"median_gap_seconds", "median_gap_seconds", "number"}, {"suggested_for_seconds", "suggested_for_seconds", "number"},
		{"suggested_keep_firing_for_seconds", "suggested_keep_firing_for_seconds", "number"}}}}},
	"inhibitions_failed": {path: fixed("/api/v1/inhibitions/failed"), tables: []table{{"failures", "failed_inhibitions", []column{
		{"notified_at", "notified_at", "time"}, {"alertname", "alertname", "string"}, {"fingerprint", "fingerprint", "string"}, {"receiver", "receiver", "string"},
		{"source", "source", "string"}, {"inhibited_by", "inhibited_by", "inhibitors"}, {"known_cause", "known_cause", "string"}, {"labels", "labels", "labels"}}}}},
	"inhibitions_loops": {path: fixed("/api/v1/inhibitions/loops"), tables: []table{
		{"loops", "inhibition_loops", []column{{"source", "source", "string"}, {"alertnames", "alertnames", "list"}, {"fingerprints", "fingerprints", "list"},
			{"first_seen", "first_seen", "time"}, {"last_seen", "last_seen", "time"}}},
		{"rule_loops", "inhibit_rule_loops", []column{{"source", "source", "string"}, {"rules", "rules", "rules"}}}}},
	"silences_stale": {path: fixed("/api/v1/silences/stale"), tables: []table{{"silences", "stale_silences", []column{{"id", "id", "string"},
		{"source", "source", "string"}, {"matchers", "matchers", "list"}, {"created_by", "created_by", "string"}, {"comment", "comment", "string"},
		{"starts_at", "starts_at", "time"}, {"ends_at", "ends_at", "time"}, {"reasons", "reasons", "list"}, {"last_matched_at", "last_matched_at", "time"}}}}},
	"noise": {path: fixed("/api/v1/noise"), params: func(q Query, p url.Values) { set(p, "by", q.By) }, tables: []table{
		{"rows", "noise", []column{{"key", "key", "string"}, {"notifications", "notifications", "number"}, {"episodes", "episodes", "number"},
			{"firing_seconds", "firing_seconds", "number"}, {"self_resolving", "self_resolving", "number"}, {"out_of_hours", "out_of_hours", "number"}}},
		{"unrouted", "unrouted", episodeColumns[:6]},
	}},
	"episodes":       {path: fixed("/api/v1/alerts"), tables: []table{{"episodes", "episodes", episodeColumns}}},
	"state_timeline": {path: fixed("/api/v1/states"), wide: stateTimeline},
	"notifications_series": {path: fixed("/api/v1/notifications/series"), params: func(q Query, p url.Values) {
		set(p, "by", q.By)
		set(p, "step", q.Step)
	}, wide: notificationSeries},
	"timeline": {path: func(q Query) (string, error) {
		if len(q.Fingerprint) != 16 {
			return "", &userError{fmt.Sprintf("timeline needs a fingerprint (16 hex digits), got %q", q.Fingerprint)}
		}
		return "/api/v1/alerts/" + url.PathEscape(q.Fingerprint) + "/timeline", nil
	}, tables: []table{{"events", "timeline", []column{{"at", "at", "time"}, {"kind", "kind", "string"}, {"status", "status", "string"},
		{"state", "state", "string"}, {"receiver", "receiver", "string"}, {"silenced_by", "silenced_by", "list"}, {"inhibited_by", "inhibited_by", "list"}}}}},
	"handover": {path: fixed("/api/v1/handover"), markdown: true, tables: []table{
		{"fired", "fired", []column{{"alertname", "alertname", "string"}, {"alerts", "alerts", "number"}, {"episodes", "episodes", "number"},
			{"notifications", "notifications", "number"}, {"first", "first", "time"}, {"last", "last", "time"}, {"longest_seconds", "longest_seconds", "number"},
			{"still_firing", "still_firing", "number"}}},
		{"still_firing", "still_firing", episodeColumns}}},
	"weekly_review": {path: fixed("/api/v1/report/weekly"), params: func(q Query, p url.Values) {
		set(p, "week", q.Week)
		p.Del("from")
		p.Del("to")
	}, markdown: true, tables: []table{
		{"top_noisy", "top_noisy", []column{{"key", "key", "string"}, {"notifications", "notifications", "number"}, {"episodes", "episodes", "number"},
			{"firing_seconds", "firing_seconds", "number"}, {"self_resolving", "self_resolving", "number"}, {"out_of_hours", "out_of_hours", "number"}}}}},
}

// QueryTypes lists the query types, sorted.
func QueryTypes() []string {
	out := make([]string, 0, len(endpoints))
	for k := range endpoints {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func set(p url.Values, k, v string) {
	if v != "" {
		p.Set(k, v)
	}
}

func (d *Datasource) fetch(ctx context.Context, name string, ep endpoint, q Query, tr backend.TimeRange) (data.Frames, error) {
	path, err := ep.path(q)
	if err != nil {
		return nil, err
	}
	p := url.Values{"from": {tr.From.UTC().Format(time.RFC3339)}, "to": {tr.To.UTC().Format(time.RFC3339)}}
	set(p, "source", q.Source)
	set(p, "receiver", q.Receiver)
	set(p, "match", q.Match)
	if ep.params != nil {
		ep.params(q, p)
	}
	body, err := d.get(ctx, path, p)
	if err != nil {
		return nil, err
	}
	var answer map[string]json.RawMessage
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, fmt.Errorf("%s: alertlens's answer is not JSON: %w", name, err)
	}
	if ep.wide != nil {
		return ep.wide(answer)
	}
	var frames data.Frames
	if ep.markdown {
		p.Set("format", "markdown")
		md, err := d.get(ctx, path, p)
		if err != nil {
			return nil, err
		}
		frames = append(frames, data.NewFrame("markdown", data.NewField("markdown", nil, []string{string(md)})))
	}
	for _, t := range ep.tables {
		var rows []map[string]json.RawMessage
		if raw, ok := answer[t.list]; ok && string(raw) != "null" {
			if err := json.Unmarshal(raw, &rows); err != nil {
				return nil, fmt.Errorf("%s: %q in alertlens's answer: %w", name, t.list, err)
			}
		}
		f, err := buildFrame(t, rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		frames = append(frames, f)
	}
	return frames, nil
}

func buildFrame(t table, rows []map[string]json.RawMessage) (*data.Frame, error) {
	f := data.NewFrame(t.frame)
	for _, c := range t.columns {
		var field *data.Field
		switch c.kind {
		case "number":
			vals := make([]*float64, len(rows))
			for i, r := range rows {
				var v *float64
				if err := json.Unmarshal(orNull(r[c.field]), &v); err != nil {
					return nil, fmt.Errorf("field %s: %w", c.field, err)
				}
				vals[i] = v
			}
			field = data.NewField(c.name, nil, vals)
		case "time":
			vals := make([]*time.Time, len(rows))
			for i, r := range rows {
				var s *string
				if err := json.Unmarshal(orNull(r[c.field]), &s); err != nil {
					return nil, fmt.Errorf("field %s: %w", c.field, err)
				}
				if s != nil {
					t, err := time.Parse(time.RFC3339Nano, *s)
					if err != nil {
						return nil, fmt.Errorf("field %s: %w", c.field, err)
					}
					vals[i] = &t
				}
			}
			field = data.NewField(c.name, nil, vals)
		default:
			vals := make([]string, len(rows))
			for i, r := range rows {
				vals[i] = render(orNull(r[c.field]), c.kind)
			}
			field = data.NewField(c.name, nil, vals)
		}
		f.Fields = append(f.Fields, field)
	}
	return f, nil
}

func orNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

// render turns a JSON value into the text a table cell shows.
func render(raw json.RawMessage, kind string) string {
	switch kind {
	case "labels":
		var m map[string]string
		if json.Unmarshal(raw, &m) == nil && m != nil {
			return "{" + api.LabelString(m) + "}"
		}
	case "list":
		var l []string
		if json.Unmarshal(raw, &l) == nil {
			return strings.Join(l, ", ")
		}
	case "inhibitors":
		var l []struct{ Fingerprint, Alertname string }
		if json.Unmarshal(raw, &l) == nil {
			parts := make([]string, len(l))
			for i, x := range l {
				parts[i] = fmt.Sprintf("%s (%s)", x.Alertname, x.Fingerprint)
			}
			return strings.Join(parts, ", ")
		}
	case "rules":
		var l []struct {
			Index          int    `json:"index"`
			SourceMatchers string `json:"source_matchers"`
			TargetMatchers string `json:"target_matchers"`
		}
		if json.Unmarshal(raw, &l) == nil {
			parts := make([]string, len(l))
			for i, x := range l {
				parts[i] = fmt.Sprintf("#%d %s -> %s", x.Index, x.SourceMatchers, x.TargetMatchers)
			}
			return strings.Join(parts, " ; ")
		}
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}
