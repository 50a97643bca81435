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
	"strings"
	"text/tabwriter"
	"time"

	"github.com/alertlens/alertlens/api"
)

// column is one column of a table: its header, the JSON field it shows,
// and how (plain, seconds as a duration, a label set, a list).
type column struct {
	header, field, kind string
}

// readCmd is a read command: it asks one API path and prints a list from
// the answer.
type readCmd struct {
	path    string
	flags   []string // extra query parameters, as --flag-name
	list    string   // the answer's list to print
	columns []column
	usage   string
	// arg, if set, is the query parameter the positional argument fills.
	arg string
	// single answers are one object: printed as its summary and fields.
	single bool
	// document answers have a Markdown form (format=markdown) the table
	// and markdown outputs print as is.
	document bool
}

var readCmds = map[string]readCmd{
	"flapping": {path: "/api/v1/flapping", flags: []string{"flap_gap", "min_flaps"}, list: "alerts", usage: "alerts that flap, with suggested for: and keep_firing_for:",
		columns: []column{{"ALERTNAME", "alertname", ""}, {"SOURCE", "source", ""}, {"FINGERPRINT", "fingerprint", ""}, {"EPISODES", "episodes", ""}, {"FLAPS", "flaps", ""},
			{"MEDIAN EPISODE", "median_episode_seconds", "dur"}, {"MEDIAN GAP", "median_gap_seconds", "dur"}, {"SUGGESTED FOR", "suggested_for_seconds", "dur"},
			{"SUGGESTED KEEP_FIRING_FOR", "suggested_keep_firing_for_seconds", "dur"}}},
	"inhibitions failed": {path: "/api/v1/inhibitions/failed", list: "failures", usage: "notifications sent although the alert was inhibited",
		columns: []column{{"NOTIFIED AT", "notified_at", ""}, {"ALERTNAME", "alertname", ""}, {"RECEIVER", "receiver", ""}, {"FINGERPRINT", "fingerprint", ""},
			{"INHIBITED BY", "inhibited_by", "inhibitors"}, {"KNOWN CAUSE", "known_cause", ""}}},
	"inhibitions loops": {path: "/api/v1/inhibitions/loops", list: "loops", usage: "alerts inhibiting each other, and inhibit rules that can loop",
		columns: []column{{"SOURCE", "source", ""}, {"ALERTNAMES", "alertnames", "list"}, {"FINGERPRINTS", "fingerprints", "list"}, {"FIRST SEEN", "first_seen", ""}, {"LAST SEEN", "last_seen", ""}}},
	"silences stale": {path: "/api/v1/silences/stale", flags: []string{"at", "max_age", "idle"}, list: "silences", usage: "active silences that look stale",
		columns: []column{{"ID", "id", ""}, {"SOURCE", "source", ""}, {"MATCHERS", "matchers", "list"}, {"CREATED BY", "created_by", ""}, {"STARTS AT", "starts_at", ""},
			{"ENDS AT", "ends_at", ""}, {"REASONS", "reasons", "list"}, {"LAST MATCHED AT", "last_matched_at", ""}, {"COMMENT", "comment", ""}}},
	"noise": {path: "/api/v1/noise", flags: []string{"by", "short", "long_running"}, list: "rows", usage: "notifications, episodes and firing time by alertname or any label",
		columns: []column{{"KEY", "key", ""}, {"NOTIFICATIONS", "notifications", ""}, {"EPISODES", "episodes", ""}, {"FIRING", "firing_seconds", "dur"},
			{"SELF-RESOLVING", "self_resolving", ""}, {"OUT OF HOURS", "out_of_hours", ""}}},
	"explain": {path: "/api/v1/explain", flags: []string{"at"}, arg: "fingerprint", single: true,
		usage: "what an alert was doing at a time, and whether it paged: explain FINGERPRINT --at T"},
	"handover": {path: "/api/v1/handover", document: true,
		usage: "the shift's story for the next on-call: handover --receiver R --since 12h"},
	"report weekly": {path: "/api/v1/report/weekly", flags: []string{"week"}, document: true,
		usage: "the weekly on-call review: report weekly --week 2026-W47 (default: last week)"},
	"lookup": {path: "/api/v1/alerts", list: "episodes", arg: "match", usage: "episodes matching label matchers, in order: lookup '{service=\"api\"}'",
		columns: []column{{"STARTS AT", "starts_at", ""}, {"ENDS AT", "ends_at", ""}, {"ALERTNAME", "alertname", ""}, {"SOURCE", "source", ""}, {"LABELS", "labels", "labels"},
			{"NOTIFICATIONS", "notifications", ""}, {"SILENCED", "silenced_seconds", "dur"}, {"INHIBITED", "inhibited_seconds", "dur"}}},
}

// readCommand finds a read command in args ("inhibitions failed" takes two
// words) and returns it with the remaining arguments.
func readCommand(args []string) (string, readCmd, []string, bool) {
	if len(args) >= 2 {
		if c, ok := readCmds[args[0]+" "+args[1]]; ok {
			return args[0] + " " + args[1], c, args[2:], true
		}
	}
	if len(args) >= 1 {
		if c, ok := readCmds[args[0]]; ok {
			return args[0], c, args[1:], true
		}
	}
	return "", readCmd{}, nil, false
}

func runRead(ctx context.Context, name string, rc readCmd, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var cf clientFlags
	cf.register(fs)
	output := fs.String("output", "table", "table, json (the API's answer as is) or markdown")
	since := fs.String("since", "", "shorthand for --from now-DURATION (e.g. 12h)")
	common := map[string]*string{}
	for _, p := range append([]string{"from", "to", "source", "receiver", "match"}, rc.flags...) {
		common[p] = fs.String(strings.ReplaceAll(p, "_", "-"), "", "the API's "+p+" parameter")
	}
	fs.Usage = func() {
		_, _ = fmt.Fprintf(fs.Output(), "usage: alertlens %s [flags]\n\n%s (GET %s)\n\n", name, rc.usage, rc.path)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := url.Values{}
	for p, v := range common {
		if *v != "" {
			q.Set(p, *v)
		}
	}
	if *since != "" {
		if q.Get("from") != "" {
			return fmt.Errorf("--since and --from both given")
		}
		q.Set("from", "now-"+*since)
	}
	if rc.document && *output != "json" {
		q.Set("format", "markdown")
	}
	switch {
	case rc.arg != "" && fs.NArg() == 1:
		q.Set(rc.arg, fs.Arg(0))
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch *output {
	case "table", "json", "markdown":
	default:
		return fmt.Errorf("--output %q is not table, json or markdown", *output)
	}
	body, err := get(ctx, &cf, rc.path, q)
	if err != nil {
		return err
	}
	if *output == "json" || rc.document {
		_, err := os.Stdout.Write(body)
		return err
	}
	if rc.single {
		return printSingle(os.Stdout, body, *output == "markdown")
	}
	var answer map[string]json.RawMessage
	if err := json.Unmarshal(body, &answer); err != nil {
		return fmt.Errorf("reading the server's answer: %w", err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(answer[rc.list], &rows); err != nil {
		return fmt.Errorf("reading %q from the server's answer: %w", rc.list, err)
	}
	return printTable(os.Stdout, rc.columns, rows, *output == "markdown")
}

func get(ctx context.Context, cf *clientFlags, path string, q url.Values) ([]byte, error) {
	u := strings.TrimRight(cf.url, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	cf.authorize(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, apiError(resp)
	}
	return io.ReadAll(resp.Body)
}

func printTable(w io.Writer, cols []column, rows []map[string]any, markdown bool) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "(none)")
		return err
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		for _, c := range cols {
			cells[i] = append(cells[i], cell(r[c.field], c.kind))
		}
	}
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c.header
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
		fmt.Fprintf(&b, "%ssilenced by %s (created by %s, %q): %s\n", bullet, s.ID, cell(s.CreatedBy, ""), s.Comment, strings.Join(s.Matchers, ", "))
	}
	for _, in := range e.InhibitedBy {
		fmt.Fprintf(&b, "%sinhibited by %s (%s) %s\n", bullet, in.Alertname, in.Fingerprint, cell(in.Labels, "labels"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell renders one value for a table.
func cell(v any, kind string) string {
	if v == nil {
		return "-"
	}
	switch kind {
	case "dur":
		if f, ok := v.(float64); ok {
			return (time.Duration(f * float64(time.Second))).Round(time.Second).String()
		}
	case "list":
		if l, ok := v.([]any); ok {
			parts := make([]string, len(l))
			for i, x := range l {
				parts[i] = fmt.Sprint(x)
			}
			return strings.Join(parts, ", ")
		}
	case "labels":
		if m, ok := v.(map[string]any); ok {
			ls := make(map[string]string, len(m))
			for k, x := range m {
				ls[k] = fmt.Sprint(x)
			}
			return "{" + api.LabelString(ls) + "}"
		}
	case "inhibitors":
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
