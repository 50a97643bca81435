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

	"github.com/alertlens/alertlens/models"
)

// wideFrames are the query types whose answers the plugin shapes itself.
var wideFrames = map[string]func(answer map[string]json.RawMessage) (data.Frames, error){
	"state_timeline":       stateTimeline,
	"notifications_series": notificationSeries,
}

// queryTypes are the analyses Grafana can ask, by name.
func queryTypes() map[string]models.Descriptor {
	out := map[string]models.Descriptor{}
	for _, d := range models.Analyses {
		if d.Grafana() {
			out[d.Name] = d
		}
	}
	return out
}

// QueryTypes lists the query types, sorted.
func QueryTypes() []string {
	out := make([]string, 0, len(models.Analyses))
	for name := range queryTypes() {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// paramList reads a query field that may hold several values: a list of
// them, or one text as paramText reads it.
func paramList(v any) []string {
	l, ok := v.([]any)
	if !ok {
		if t := paramText(v); t != "" {
			return []string{t}
		}
		return nil
	}
	var out []string
	for _, x := range l {
		if t := paramText(x); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// paramText reads a query field as a parameter's text: strings as they
// are, numbers without a fraction; empty and zero mean "not given".
func paramText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		if x == 0 {
			return ""
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

func (d *Datasource) fetch(ctx context.Context, desc models.Descriptor, q Query, tr backend.TimeRange) (data.Frames, error) {
	p := url.Values{}
	if desc.Window {
		p.Set("from", tr.From.UTC().Format(time.RFC3339))
		p.Set("to", tr.To.UTC().Format(time.RFC3339))
	}
	path := desc.Path
	for _, par := range desc.AllParams() {
		if par.Kind == models.ParamTime && (par.Name == "from" || par.Name == "to") {
			continue
		}
		if par.Repeat {
			// A multi-select variable's values come as a list (the
			// frontend's interpolation); alertlens takes them repeated.
			for _, v := range paramList(q[par.QueryField()]) {
				p.Add(par.Name, v)
			}
			continue
		}
		v := paramText(q[par.QueryField()])
		if par.InPath {
			if v == "" {
				return nil, &userError{fmt.Sprintf("%s needs %s: %s", desc.Name, par.QueryField(), par.Help)}
			}
			path = strings.Replace(path, "{"+par.Name+"}", url.PathEscape(v), 1)
			continue
		}
		if v != "" {
			p.Set(par.Name, v)
		}
	}
	body, err := d.get(ctx, path, p)
	if err != nil {
		return nil, err
	}
	var answer map[string]json.RawMessage
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, fmt.Errorf("%s: alertlens's answer is not JSON: %w", desc.Name, err)
	}
	if desc.Wide {
		wide, ok := wideFrames[desc.Name]
		if !ok {
			return nil, fmt.Errorf("%s: the plugin cannot shape this answer", desc.Name)
		}
		return wide(answer)
	}
	var frames data.Frames
	if desc.Markdown {
		p.Set("format", "markdown")
		md, err := d.get(ctx, path, p)
		if err != nil {
			return nil, err
		}
		frames = append(frames, data.NewFrame("markdown", data.NewField("markdown", nil, []string{string(md)})))
	}
	for _, t := range desc.Tables {
		var rows []map[string]json.RawMessage
		if raw, ok := answer[t.List]; ok && string(raw) != "null" {
			if err := json.Unmarshal(raw, &rows); err != nil {
				return nil, fmt.Errorf("%s: %q in alertlens's answer: %w", desc.Name, t.List, err)
			}
		}
		f, err := buildFrame(t, rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", desc.Name, err)
		}
		frames = append(frames, f)
	}
	return frames, nil
}

func buildFrame(t models.Table, rows []map[string]json.RawMessage) (*data.Frame, error) {
	f := data.NewFrame(t.Frame)
	for _, c := range t.Columns {
		var field *data.Field
		switch c.Kind {
		case models.ColNumber, models.ColSeconds:
			vals := make([]*float64, len(rows))
			for i, r := range rows {
				var v *float64
				if err := json.Unmarshal(orNull(r[c.Field]), &v); err != nil {
					return nil, fmt.Errorf("field %s: %w", c.Field, err)
				}
				vals[i] = v
			}
			field = data.NewField(c.Field, nil, vals)
		case models.ColTime:
			vals := make([]*time.Time, len(rows))
			for i, r := range rows {
				var s *string
				if err := json.Unmarshal(orNull(r[c.Field]), &s); err != nil {
					return nil, fmt.Errorf("field %s: %w", c.Field, err)
				}
				if s != nil {
					t, err := time.Parse(time.RFC3339Nano, *s)
					if err != nil {
						return nil, fmt.Errorf("field %s: %w", c.Field, err)
					}
					vals[i] = &t
				}
			}
			field = data.NewField(c.Field, nil, vals)
		default:
			vals := make([]string, len(rows))
			for i, r := range rows {
				vals[i] = render(orNull(r[c.Field]), c.Kind)
			}
			field = data.NewField(c.Field, nil, vals)
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
func render(raw json.RawMessage, kind models.ColumnKind) string {
	switch kind {
	case models.ColLabels:
		var m map[string]string
		if json.Unmarshal(raw, &m) == nil && m != nil {
			return "{" + models.LabelString(m) + "}"
		}
	case models.ColList:
		var l []string
		if json.Unmarshal(raw, &l) == nil {
			return strings.Join(l, ", ")
		}
	case models.ColInhibitors:
		var l []struct{ Fingerprint, Alertname string }
		if json.Unmarshal(raw, &l) == nil {
			parts := make([]string, len(l))
			for i, x := range l {
				parts[i] = fmt.Sprintf("%s (%s)", x.Alertname, x.Fingerprint)
			}
			return strings.Join(parts, ", ")
		}
	case models.ColRules:
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
