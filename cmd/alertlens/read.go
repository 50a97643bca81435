package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
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

	"github.com/alertlens/alertlens/models"
)

// readCommand finds a read command in args ("inhibitions failed" takes two
// words) and returns its descriptor with the remaining arguments.
func readCommand(args []string) (models.Descriptor, []string, bool) {
	for _, d := range models.Analyses {
		if d.Command == "" {
			continue
		}
		words := strings.Fields(d.Command)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) {
			return d, args[len(words):], true
		}
	}
	return models.Descriptor{}, nil, false
}

func runRead(ctx context.Context, d models.Descriptor, args []string) error {
	fs := flag.NewFlagSet(d.Command, flag.ContinueOnError)
	var cf clientFlags
	cf.register(fs)
	output := fs.String("output", "table", "table, json (the API's answer as is) or markdown")
	fs.StringVar(output, "o", "table", "short for --output")
	since := fs.String("since", "", "shorthand for --from now-DURATION (e.g. 12h)")
	values := map[string]*string{}
	for _, p := range d.AllParams() {
		if p.InPath || p.Name == d.Arg {
			continue
		}
		help := p.Help
		if p.Default != "" {
			help += " (default " + p.Default + ")"
		}
		values[p.Name] = fs.String(strings.ReplaceAll(p.Name, "_", "-"), "", help)
	}
	fs.Usage = func() {
		arg := ""
		if d.Arg != "" {
			arg = " " + strings.ToUpper(d.Arg)
		}
		_, _ = fmt.Fprintf(fs.Output(), "usage: alertlens %s%s [flags]\n\n%s (GET %s)\n\n", d.Command, arg, d.Summary, d.Path)
		fs.PrintDefaults()
	}
	if err := applyCLIConfig(fs); err != nil {
		return err
	}
	fs.SetOutput(os.Stdout) // --help is an answer, not an error
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	fs.SetOutput(os.Stderr)
	q := url.Values{}
	for p, v := range values {
		if *v != "" {
			q.Set(p, *v)
		}
	}
	if *since != "" {
		if !d.Window {
			return fmt.Errorf("--since: %s takes no time window", d.Command)
		}
		if q.Get("from") != "" {
			return fmt.Errorf("--since and --from both given")
		}
		q.Set("from", "now-"+*since)
	}
	if d.Markdown && (*output == "markdown" || *output == "table" && !d.Sections) {
		q.Set("format", "markdown")
	}
	switch {
	case d.Arg == "match" && len(positional) > 0:
		// Like amtool: several matchers, and a bare first word is the
		// alertname.
		ms := make([]string, len(positional))
		for i, a := range positional {
			ms[i] = strings.Trim(strings.TrimSpace(a), "{}")
			if i == 0 && !strings.ContainsAny(ms[i], "=!~") {
				ms[i] = "alertname=" + strconv.Quote(ms[i])
			}
		}
		q.Set("match", "{"+strings.Join(ms, ",")+"}")
	case d.Arg != "" && len(positional) == 1:
		q.Set(d.Arg, positional[0])
	case len(positional) > 0:
		return fmt.Errorf("unexpected arguments %q", positional)
	}
	switch *output {
	case "table", "json", "markdown":
	default:
		return fmt.Errorf("--output %q is not table, json or markdown", *output)
	}
	path := d.Path
	for _, p := range d.Params {
		if p.InPath {
			path = strings.Replace(path, "{"+p.Name+"}", url.PathEscape(q.Get(p.Name)), 1)
			q.Del(p.Name)
		}
	}
	body, err := get(ctx, &cf, path, q)
	if err != nil {
		return err
	}
	if *output == "json" || q.Get("format") == "markdown" {
		_, err := os.Stdout.Write(body)
		return err
	}
	if d.Single && d.Name == "explain" {
		return printSingle(os.Stdout, body, *output == "markdown")
	}
	if d.Single {
		return printFields(os.Stdout, body, *output == "markdown")
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
		if err := printTable(os.Stdout, tb.Columns, rows, *output == "markdown"); err != nil {
			return err
		}
	}
	return nil
}

// parseInterspersed parses flags anywhere among the arguments (as
// everyone types them: lookup X --output json) and returns the arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
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
