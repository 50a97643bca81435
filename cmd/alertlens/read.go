package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/alertlens/alertlens/analysis"
	"github.com/alertlens/alertlens/models"
)

// readCommand registers a read command's flags and arguments on c, from
// its descriptor, and returns what runs it: one GET, printed as a table,
// as Markdown or as the API's JSON byte for byte.
func readCommand(c *kingpin.CmdClause, d models.Descriptor) action {
	var cf clientFlags
	cf.register(c)
	output := outputFlag(c)
	var since *string
	if d.Window {
		since = c.Flag("since", "shorthand for --from now-DURATION, e.g. 12h").PlaceHolder("DURATION").String()
	}
	// Each flag and argument, read as the list of values it was given.
	values := map[string]func() []string{}
	for _, p := range d.AllParams() {
		if p.InPath {
			continue
		}
		f := c.Flag(strings.ReplaceAll(p.Name, "_", "-"), paramHelp(p)).PlaceHolder(strings.ToUpper(string(p.Kind)))
		if p.Repeat {
			values[p.Name] = listOf(f.Strings())
		} else {
			values[p.Name] = oneOf(f.String())
		}
	}
	positional := func() []string { return nil }
	switch {
	case d.Arg == "match":
		positional = listOf(c.Arg("matchers", `label matchers as amtool takes them, a bare first word being the alertname: HighLatency 'severity=~"P1|P2"'`).Strings())
	case d.Arg != "" && paramOf(d, d.Arg).Kind == models.ParamFingerprint:
		positional = listOf(c.Arg(d.Arg, "the alert's fingerprint (lookup shows it), or matchers that select one alert").Strings())
	case d.Arg != "":
		positional = oneOf(c.Arg(d.Arg, paramOf(d, d.Arg).Help).Required().String())
	}
	return func(ctx context.Context) error {
		q := url.Values{}
		for p, v := range values {
			if l := v(); len(l) > 0 {
				q[p] = l
			}
		}
		if since != nil && *since != "" {
			if q.Get("from") != "" {
				return fmt.Errorf("--since and --from both given")
			}
			q.Set("from", "now-"+*since)
		}
		if d.Markdown && (*output == "markdown" || *output == "table" && !d.Sections) {
			q.Set("format", "markdown")
		}
		if args := positional(); len(args) > 0 {
			switch {
			case d.Arg == "match":
				q.Set("match", matchers(q.Get("match"), args))
			case len(args) > 1 && analysis.IsFingerprint(args[0]):
				return fmt.Errorf("unexpected arguments %q: give one fingerprint, or matchers", args)
			case paramOf(d, d.Arg).Kind == models.ParamFingerprint && (len(args) != 1 || !analysis.IsFingerprint(args[0])):
				fp, err := oneAlert(ctx, &cf, d, q, args)
				if err != nil {
					return err
				}
				q.Set(d.Arg, fp)
			case len(args) > 1:
				return fmt.Errorf("unexpected arguments %q: give one %s", args, strings.ToUpper(d.Arg))
			case q.Get(d.Arg) != "":
				return fmt.Errorf("%s given twice, as an argument and as --%s", strings.ToUpper(d.Arg), d.Arg)
			default:
				q.Set(d.Arg, args[0])
			}
		}
		path := d.Path
		for _, p := range d.Params {
			if p.InPath {
				if q.Get(p.Name) == "" {
					return fmt.Errorf("give %s", strings.ToUpper(p.Name))
				}
				path = strings.Replace(path, "{"+p.Name+"}", url.PathEscape(q.Get(p.Name)), 1)
				q.Del(p.Name)
			}
		}
		body, err := get(ctx, &cf, path, q)
		if err != nil {
			return err
		}
		return printAnswer(d, body, *output, q.Get("format") == "markdown")
	}
}

// listOf and oneOf read a parsed flag or argument as its list of values.
func listOf(l *[]string) func() []string { return func() []string { return *l } }

func oneOf(s *string) func() []string {
	return func() []string {
		if *s == "" {
			return nil
		}
		return []string{*s}
	}
}

// outputFlag is -o/--output, as amtool's.
func outputFlag(c *kingpin.CmdClause) *string {
	return c.Flag("output", "table, json (the API's answer byte for byte) or markdown").Short('o').Default("table").Enum("table", "json", "markdown")
}

// paramHelp is a parameter's help line with its format and default.
func paramHelp(p models.Param) string {
	h := p.Help
	switch {
	case p.Kind == models.ParamTime && !strings.Contains(h, "RFC 3339") && !strings.Contains(h, "same forms"):
		h += "; RFC 3339, now or now-DURATION (now-7d)"
	case p.Kind == models.ParamDuration && !strings.Contains(h, "e.g."):
		h += "; e.g. 30s, 5m, 1h, 7d"
	}
	if p.Default != "" {
		h += " (default " + p.Default + ")"
	}
	return h
}

func paramOf(d models.Descriptor, name string) models.Param {
	for _, p := range d.AllParams() {
		if p.Name == name {
			return p
		}
	}
	return models.Param{}
}

// matchers joins matcher arguments as amtool does — several of them, and a
// bare first word as the alertname — with a --match selector if given.
func matchers(flagged string, args []string) string {
	var ms []string
	if f := strings.Trim(strings.TrimSpace(flagged), "{}"); f != "" {
		ms = append(ms, f)
	}
	for i, a := range args {
		m := strings.Trim(strings.TrimSpace(a), "{}")
		if i == 0 && !strings.ContainsAny(m, "=!~") {
			m = "alertname=" + strconv.Quote(m)
		}
		ms = append(ms, m)
	}
	return "{" + strings.Join(ms, ",") + "}"
}

// oneAlert finds the one alert that matchers select, among the episodes
// of the command's window (explain: those under way at --at), so that
// `alertlens timeline HighLatency instance=db-1` needs no fingerprint.
func oneAlert(ctx context.Context, cf *clientFlags, d models.Descriptor, q url.Values, args []string) (string, error) {
	lq := url.Values{"match": {matchers("", args)}}
	for _, k := range []string{"from", "to", "source", "receiver"} {
		if len(q[k]) > 0 {
			lq[k] = q[k]
		}
	}
	if !d.Window {
		// The API's windows are half-open; a second from --at holds the
		// episodes under way at that moment.
		at, err := analysis.ParseTime(cmp.Or(q.Get("at"), "now"), time.Now())
		if err != nil {
			return "", fmt.Errorf("--at: %w", err)
		}
		lq.Set("from", at.Format(time.RFC3339))
		lq.Set("to", at.Add(time.Second).Format(time.RFC3339))
	}
	body, err := get(ctx, cf, "/api/v1/alerts", lq)
	if err != nil {
		return "", err
	}
	var ans struct {
		Episodes []struct {
			Fingerprint string            `json:"fingerprint"`
			Alertname   string            `json:"alertname"`
			Source      string            `json:"source"`
			Labels      map[string]string `json:"labels"`
		} `json:"episodes"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return "", fmt.Errorf("reading the server's answer: %w", err)
	}
	var fps, found []string
	for _, e := range ans.Episodes {
		if !slices.Contains(fps, e.Fingerprint) {
			fps = append(fps, e.Fingerprint)
			found = append(found, fmt.Sprintf("%s %s (%s) {%s}", e.Fingerprint, e.Alertname, e.Source, models.LabelString(e.Labels)))
		}
	}
	switch len(fps) {
	case 1:
		return fps[0], nil
	case 0:
		return "", fmt.Errorf("no alert matches %s in the window (a fingerprint is 16 hex digits; `alertlens lookup` lists them)", lq.Get("match"))
	default:
		return "", fmt.Errorf("%d alerts match %s; add a matcher or give one fingerprint:\n  %s", len(found), lq.Get("match"), strings.Join(found, "\n  "))
	}
}

// printAnswer prints a read command's answer the way --output asks.
func printAnswer(d models.Descriptor, body []byte, output string, markdownAnswer bool) error {
	if output == "json" || markdownAnswer {
		_, err := os.Stdout.Write(body)
		return err
	}
	if d.Single && d.Name == "explain" {
		return printSingle(os.Stdout, body, output == "markdown")
	}
	if d.Single {
		return printFields(os.Stdout, body, output == "markdown")
	}
	var answer map[string]json.RawMessage
	if err := json.Unmarshal(body, &answer); err != nil {
		return fmt.Errorf("reading the server's answer: %w", err)
	}
	tables := d.Tables[:1]
	if d.Sections {
		tables = d.Tables
	}
	for i, tb := range tables {
		var rows []map[string]any
		if err := json.Unmarshal(answer[tb.List], &rows); err != nil {
			return fmt.Errorf("reading %q from the server's answer: %w", tb.List, err)
		}
		if d.Sections {
			if i > 0 {
				fmt.Println()
			}
			fmt.Println(strings.ToUpper(strings.ReplaceAll(tb.List, "_", " ")))
		}
		if err := printTable(os.Stdout, tb.Columns, rows, output == "markdown"); err != nil {
			return err
		}
	}
	return nil
}

func get(ctx context.Context, cf *clientFlags, path string, q url.Values) ([]byte, error) {
	if !strings.HasPrefix(cf.url, "http://") && !strings.HasPrefix(cf.url, "https://") {
		return nil, fmt.Errorf("--url needs http:// or https:// (got %q)", cf.url)
	}
	u := strings.TrimRight(cf.url, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	cf.authorize(req)
	resp, err := cf.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, apiError(resp)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<30))
	if err != nil {
		return nil, fmt.Errorf("reading the answer of %s: %w", cf.url, err)
	}
	ct := resp.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "text/markdown") {
		return nil, fmt.Errorf("%s is not an alertlens server (it answered %q, not JSON)", cf.url, ct)
	}
	return body, nil
}

func printTable(w io.Writer, all []models.Column, rows []map[string]any, markdown bool) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "(none)")
		return err
	}
	var cols []models.Column
	for _, c := range all {
		if !c.FrameOnly {
			cols = append(cols, c)
		}
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		for _, c := range cols {
			cells[i] = append(cells[i], cell(r[c.Field], c.Kind))
		}
	}
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c.Header
	}
	if markdown {
		var b bytes.Buffer
		b.WriteString("| " + strings.Join(headers, " | ") + " |\n|" + strings.Repeat(" --- |", len(cols)) + "\n")
		for _, row := range cells {
			for i := range row {
				row[i] = strings.ReplaceAll(row[i], "|", `\|`)
			}
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		}
		_, err := w.Write(b.Bytes())
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, strings.Join(headers, "\t"))
	for _, row := range cells {
		_, _ = fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// printFields prints a one-object answer as "field: value" lines, nested
// objects as "outer inner: value", in the answer's order.
func printFields(w io.Writer, body []byte, markdown bool) error {
	bullet := ""
	if markdown {
		bullet = "- "
	}
	var b strings.Builder
	if err := writeFields(&b, body, "", bullet); err != nil {
		return fmt.Errorf("reading the server's answer: %w", err)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFields writes the fields of one JSON object in their order; an
// object value recurses with its name as prefix.
func writeFields(b *strings.Builder, object []byte, prefix, bullet string) error {
	dec := json.NewDecoder(bytes.NewReader(object))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		name := strings.ReplaceAll(fmt.Sprint(k), "_", " ")
		if prefix != "" {
			name = prefix + " " + name
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if len(raw) > 0 && raw[0] == '{' {
			if err := writeFields(b, raw, name, bullet); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(b, "%s%s: %s\n", bullet, name, strings.Trim(string(raw), `"`))
	}
	_, err := dec.Token() // }
	return err
}

// printSingle prints an explanation: its summary, then the details.
func printSingle(w io.Writer, body []byte, markdown bool) error {
	var e struct {
		Summary    string `json:"summary"`
		State      string `json:"state"`
		Notified   bool   `json:"notified"`
		SilencedBy []struct {
			ID, CreatedBy, Comment string
			Matchers               []string
		} `json:"silenced_by"`
		InhibitedBy []struct {
			Fingerprint, Alertname string
			Labels                 map[string]any
		} `json:"inhibited_by"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return fmt.Errorf("reading the server's answer: %w", err)
	}
	bullet := "  "
	if markdown {
		bullet = "- "
	}
	var b strings.Builder
	b.WriteString(e.Summary + "\n\n")
	fmt.Fprintf(&b, "%sstate: %s\n%snotified: %v\n", bullet, e.State, bullet, e.Notified)
	for _, s := range e.SilencedBy {
		fmt.Fprintf(&b, "%ssilenced by %s (created by %s, %q): %s\n", bullet, s.ID, cell(s.CreatedBy, models.ColString), s.Comment, strings.Join(s.Matchers, ", "))
	}
	for _, in := range e.InhibitedBy {
		fmt.Fprintf(&b, "%sinhibited by %s (%s) %s\n", bullet, in.Alertname, in.Fingerprint, cell(in.Labels, models.ColLabels))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell renders one value for a table.
func cell(v any, kind models.ColumnKind) string {
	if v == nil {
		return "-"
	}
	switch kind {
	case models.ColSeconds:
		if f, ok := v.(float64); ok {
			return (time.Duration(f * float64(time.Second))).Round(time.Second).String()
		}
	case models.ColList:
		if l, ok := v.([]any); ok {
			parts := make([]string, len(l))
			for i, x := range l {
				parts[i] = fmt.Sprint(x)
			}
			return strings.Join(parts, ", ")
		}
	case models.ColLabels:
		if m, ok := v.(map[string]any); ok {
			ls := make(map[string]string, len(m))
			for k, x := range m {
				ls[k] = fmt.Sprint(x)
			}
			return "{" + models.LabelString(ls) + "}"
		}
	case models.ColInhibitors:
		if l, ok := v.([]any); ok {
			parts := make([]string, 0, len(l))
			for _, x := range l {
				if m, ok := x.(map[string]any); ok {
					parts = append(parts, fmt.Sprintf("%v (%v)", m["alertname"], m["fingerprint"]))
				}
			}
			return strings.Join(parts, ", ")
		}
	}
	if f, ok := v.(float64); ok {
		return fmt.Sprint(f)
	}
	if s, ok := v.(string); ok {
		if s == "" {
			return "-"
		}
		return strings.ReplaceAll(s, "\n", " ")
	}
	return fmt.Sprint(v)
}
