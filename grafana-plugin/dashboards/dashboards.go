// Package dashboards builds alertlens's provisioned Grafana dashboards as
// code. `go run ./cmd/gen-dashboards` writes them to grafana-dashboards/;
// a test fails when the committed JSON drifts from this source.
package dashboards

import (
	"encoding/json"
	"fmt"
)

// PluginType is the datasource plugin's id.
const PluginType = "alertlens-datasource"

// ds points at the datasource chosen in the dashboard's variable: no
// dashboard hard-codes a datasource UID.
var ds = map[string]string{"type": PluginType, "uid": "${datasource}"}

type target map[string]any

type panel struct {
	title, kind   string
	w, h          int
	targets       []target
	timeFrom      string // relative time override, e.g. "7d"
	timeShift     string
	description   string
	fieldOverride map[string]any
}

func t(queryType string, extra ...any) target {
	tg := target{"refId": "A", "datasource": ds, "queryType": queryType,
		"source": "$source", "receiver": "$receiver", "match": "$match"}
	for i := 0; i+1 < len(extra); i += 2 {
		tg[extra[i].(string)] = extra[i+1]
	}
	return tg
}

type dashboard struct {
	uid, title, from string
	panels           []panel
	week             bool
}

// listVariable is a multi-select dropdown of what alertlens has seen in the
// dashboard's time range, asked through the plugin (the same list
// endpoints as the API and the web UI); the chosen values are sent as a
// list, "All" as the empty list (every one, including any the dropdown's
// list limit left out).
func listVariable(name, label, queryType string) map[string]any {
	return map[string]any{"name": name, "label": label, "type": "query",
		"datasource": map[string]any{"type": PluginType, "uid": "${datasource}"},
		"query":      map[string]any{"refId": "A", "queryType": queryType}, "definition": queryType,
		"refresh": 2, "includeAll": true, "multi": true, "sort": 1,
		"current": map[string]any{"text": "All", "value": "$__all"}}
}

func variables(week bool) []any {
	vs := []any{
		map[string]any{"name": "datasource", "label": "Datasource", "type": "datasource", "query": PluginType},
		listVariable("source", "Source", "sources"),
		listVariable("receiver", "Receiver", "receivers"),
		map[string]any{"name": "match", "label": "Matchers", "type": "textbox", "query": "", "description": `Alertmanager matchers, e.g. {severity=~"P1|P2"}`},
	}
	if week {
		vs = append(vs, map[string]any{"name": "week", "label": "ISO week (empty: last week)", "type": "textbox", "query": ""})
	}
	return vs
}

func (d dashboard) json() ([]byte, error) {
	var panels []any
	x, y, rowH := 0, 0, 0
	for i, p := range d.panels {
		if x+p.w > 24 {
			x, y, rowH = 0, y+rowH, 0
		}
		targets := make([]any, len(p.targets))
		for j, tg := range p.targets {
			tg["refId"] = string(rune('A' + j))
			targets[j] = tg
		}
		pj := map[string]any{"id": i + 1, "type": p.kind, "title": p.title, "datasource": ds, "targets": targets,
			"gridPos": map[string]int{"x": x, "y": y, "w": p.w, "h": p.h}}
		if p.description != "" {
			pj["description"] = p.description
		}
		if p.timeFrom != "" {
			pj["timeFrom"] = p.timeFrom
		}
		if p.timeShift != "" {
			pj["timeShift"] = p.timeShift
		}
		if p.kind == "text" {
			pj["options"] = map[string]any{"mode": "markdown", "content": ""}
		}
		if p.fieldOverride != nil {
			pj["fieldConfig"] = map[string]any{"defaults": p.fieldOverride, "overrides": []any{}}
		} else {
			pj["fieldConfig"] = map[string]any{"defaults": map[string]any{}, "overrides": []any{}}
		}
		panels = append(panels, pj)
		x += p.w
		rowH = max(rowH, p.h)
	}
	return json.MarshalIndent(map[string]any{
		"uid": d.uid, "title": d.title, "tags": []string{"alertlens"}, "schemaVersion": 39, "editable": true,
		"time": map[string]string{"from": d.from, "to": "now"}, "refresh": "", "timezone": "browser",
		"templating": map[string]any{"list": variables(d.week)}, "panels": panels,
	}, "", "  ")
}

var stateColors = map[string]any{"mappings": []any{
	map[string]any{"type": "value", "options": map[string]any{
		"firing":    map[string]any{"color": "red", "index": 0},
		"silenced":  map[string]any{"color": "blue", "index": 1},
		"inhibited": map[string]any{"color": "purple", "index": 2},
		"resolved":  map[string]any{"color": "green", "index": 3},
	}}}}

var all = []dashboard{
	{uid: "alertlens-overview", title: "alertlens / Alerts overview", from: "now-7d", panels: []panel{
		{title: "Notifications by receiver", kind: "timeseries", w: 24, h: 8, targets: []target{t("notifications_series", "by", "receiver")}},
		{title: "P1/P2 notifications, last 24h", kind: "stat", w: 8, h: 4, timeFrom: "1d", targets: []target{t("noise", "by", "severity", "match", `{severity=~"P1|P2"}`)}},
		{title: "P1/P2 notifications, last 7 days", kind: "stat", w: 8, h: 4, timeFrom: "7d", targets: []target{t("noise", "by", "severity", "match", `{severity=~"P1|P2"}`)}},
		{title: "P1/P2 notifications, last 30 days", kind: "stat", w: 8, h: 4, timeFrom: "30d", targets: []target{t("noise", "by", "severity", "match", `{severity=~"P1|P2"}`)}},
		{title: "Top alerts", kind: "table", w: 12, h: 10, targets: []target{t("noise", "by", "alertname")}},
		{title: "By receiver", kind: "table", w: 12, h: 10, targets: []target{t("noise", "by", "receiver")}},
		{title: "This quarter, by severity", kind: "table", w: 12, h: 8, timeFrom: "90d", targets: []target{t("noise", "by", "severity")}},
		{title: "Previous quarter, by severity", kind: "table", w: 12, h: 8, timeFrom: "90d", timeShift: "90d", targets: []target{t("noise", "by", "severity")}},
	}},
	{uid: "alertlens-alertname", title: "alertlens / Alertname drill-down", from: "now-7d", panels: []panel{
		{title: "Notifications by instance", kind: "timeseries", w: 24, h: 8, targets: []target{t("notifications_series", "by", "instance")}},
		{title: "Episodes", kind: "table", w: 24, h: 10, targets: []target{t("episodes")}},
		{title: "States", kind: "state-timeline", w: 24, h: 10, targets: []target{t("state_timeline")}, fieldOverride: stateColors},
	}},
	{uid: "alertlens-states", title: "alertlens / State timeline", from: "now-24h", panels: []panel{
		{title: "Alert states", kind: "state-timeline", w: 24, h: 20, targets: []target{t("state_timeline")}, fieldOverride: stateColors,
			description: "firing, silenced, inhibited, resolved: from Alertmanager's webhook and API v2 polls"},
	}},
	{uid: "alertlens-flapping", title: "alertlens / Flapping", from: "now-7d", panels: []panel{
		{title: "Flapping alerts, with suggested for: and keep_firing_for:", kind: "table", w: 24, h: 12, targets: []target{t("flapping")}},
		{title: "Noise by alertname", kind: "table", w: 24, h: 10, targets: []target{t("noise", "by", "alertname")}},
	}},
	{uid: "alertlens-inhibitions", title: "alertlens / Inhibitions", from: "now-7d", panels: []panel{
		{title: "Failed inhibitions", kind: "table", w: 24, h: 10, targets: []target{t("inhibitions_failed")}},
		{title: "Inhibition loops and rule loops", kind: "table", w: 24, h: 10, targets: []target{t("inhibitions_loops")}},
	}},
	{uid: "alertlens-silences", title: "alertlens / Silences", from: "now-7d", panels: []panel{
		{title: "Stale silences", kind: "table", w: 24, h: 10, targets: []target{t("silences_stale")}},
		{title: "Handover: silences created, expired and expiring", kind: "text", w: 24, h: 14, targets: []target{t("handover")}},
	}},
	{uid: "alertlens-weekly", title: "alertlens / Weekly on-call review", from: "now-7d", week: true, panels: []panel{
		{title: "Review", kind: "text", w: 24, h: 24, targets: []target{t("weekly_review", "week", "$week")}},
		{title: "Top noisy alerts", kind: "table", w: 24, h: 10, targets: []target{t("weekly_review", "week", "$week")}},
	}},
	{uid: "alertlens-handover", title: "alertlens / Handover", from: "now-12h", panels: []panel{
		{title: "Handover notes", kind: "text", w: 24, h: 24, targets: []target{t("handover")}},
		{title: "What fired", kind: "table", w: 24, h: 10, targets: []target{t("handover")}},
	}},
}

// Build returns every dashboard as file name -> JSON.
func Build() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, d := range all {
		b, err := d.json()
		if err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", d.uid, err)
		}
		out[d.uid+".json"] = append(b, '\n')
	}
	return out, nil
}
