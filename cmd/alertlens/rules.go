package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/pmezard/go-difflib/difflib"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"
)

// tuning is what the history suggests for one alert rule.
type tuning struct {
	forD, keepFiringFor time.Duration
	evidence            string
}

// rulesCommand is "alertlens rules suggest": a unified diff of Prometheus
// rule files setting the for: and keep_firing_for: the flapping analysis
// suggests. Dry run unless --apply.
func rulesCommand(c *kingpin.CmdClause) action {
	var cf clientFlags
	cf.register(c)
	glob := c.Flag("rules", "Prometheus rule files to patch, a glob (e.g. 'rules/*.yml')").Required().String()
	from := c.Flag("from", "start of the history to learn from; RFC 3339, now or now-DURATION").Default("now-7d").String()
	to := c.Flag("to", "end of the history to learn from").Default("now").String()
	source := c.Flag("source", "only this source's alerts").String()
	apply := c.Flag("apply", "write the files instead of printing the diff").Bool()
	return func(ctx context.Context) error {
		return suggestRules(ctx, &cf, *glob, *from, *to, *source, *apply)
	}
}

func suggestRules(ctx context.Context, cf *clientFlags, glob, from, to, source string, apply bool) error {
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		return fmt.Errorf("--rules %q matches no file", glob)
	}
	sort.Strings(files)
	q := url.Values{"from": {from}, "to": {to}}
	if source != "" {
		q.Set("source", source)
	}
	body, err := get(ctx, cf, "/api/v1/flapping", q)
	if err != nil {
		return err
	}
	tunings, err := tuningsFrom(body)
	if err != nil {
		return err
	}
	for _, f := range files {
		old, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		patched, notes, err := patchRules(f, old, tunings)
		if err != nil {
			return err
		}
		if bytes.Equal(old, patched) {
			continue
		}
		if apply {
			if err := os.WriteFile(f, patched, 0o644); err != nil {
				return err
			}
			fmt.Printf("%s: patched (%s)\n", f, strings.Join(notes, "; "))
			continue
		}
		diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: difflib.SplitLines(string(old)), B: difflib.SplitLines(string(patched)),
			FromFile: "a/" + f, ToFile: "b/" + f, Context: 3})
		if err != nil {
			return err
		}
		for _, n := range notes {
			fmt.Printf("# alertlens: %s\n", n)
		}
		fmt.Print(diff)
	}
	return nil
}

// tuningsFrom reads the flapping answer: per alertname, the longest
// suggestion over its alerts (a rule makes all of them; the longest calms
// every one).
func tuningsFrom(body []byte) (map[string]tuning, error) {
	var ans struct {
		Alerts []struct {
			Alertname  string   `json:"alertname"`
			Episodes   int      `json:"episodes"`
			Flaps      int      `json:"flaps"`
			For        *float64 `json:"suggested_for_seconds"`
			KeepFiring *float64 `json:"suggested_keep_firing_for_seconds"`
		} `json:"alerts"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("reading the flapping answer: %w", err)
	}
	out := map[string]tuning{}
	for _, a := range ans.Alerts {
		t := out[a.Alertname]
		if a.For != nil {
			t.forD = max(t.forD, time.Duration(*a.For)*time.Second)
		}
		if a.KeepFiring != nil {
			t.keepFiringFor = max(t.keepFiringFor, time.Duration(*a.KeepFiring)*time.Second)
		}
		t.evidence += fmt.Sprintf(" %d flaps in %d episodes;", a.Flaps, a.Episodes)
		out[a.Alertname] = t
	}
	return out, nil
}

// patchRules sets for: and keep_firing_for: on the alerting rules tunings
// name, where the suggestion is longer than what the rule has. It edits the
// lines the YAML node tree points at, so comments, blank lines and layout
// stay as they were, and checks the result with Prometheus' own parser.
func patchRules(name string, src []byte, tunings map[string]tuning) ([]byte, []string, error) {
	if _, errs := rulefmt.Parse(src, false, model.UTF8Validation, parser.NewParser(parser.Options{}), nil); len(errs) > 0 {
		return nil, nil, fmt.Errorf("%s: %w", name, errors.Join(errs...))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	lines := strings.SplitAfter(string(src), "\n")
	type edit struct {
		line    int // 1-based; replace it, or insert after it
		text    string
		replace bool
	}
	var edits []edit
	var notes []string
	for _, rule := range alertRules(&doc) {
		alert := mapValue(rule, "alert")
		t, ok := tunings[alert.Value]
		if !ok {
			continue
		}
		key, _ := mapEntry(rule, "alert")
		indent := strings.Repeat(" ", key.Column-1)
		for _, f := range []struct {
			key  string
			want time.Duration
		}{{"for", t.forD}, {"keep_firing_for", t.keepFiringFor}} {
			if f.want <= 0 {
				continue
			}
			text := indent + f.key + ": " + model.Duration(f.want).String() + "\n"
			if v := mapValue(rule, f.key); v != nil {
				have, err := model.ParseDuration(v.Value)
				if err == nil && time.Duration(have) >= f.want {
					continue // already at least that long
				}
				edits = append(edits, edit{line: v.Line, text: text, replace: true})
			} else {
				edits = append(edits, edit{line: alert.Line, text: text})
			}
			notes = append(notes, fmt.Sprintf("%s: %s %s (%s)", alert.Value, f.key, model.Duration(f.want), strings.TrimSpace(strings.TrimSuffix(t.evidence, ";"))))
		}
	}
	// Apply from the bottom up so earlier line numbers stay right.
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].line > edits[j].line })
	for _, e := range edits {
		if e.replace {
			lines[e.line-1] = e.text
		} else {
			lines = append(lines[:e.line], append([]string{e.text}, lines[e.line:]...)...)
		}
	}
	out := []byte(strings.Join(lines, ""))
	if _, errs := rulefmt.Parse(out, false, model.UTF8Validation, parser.NewParser(parser.Options{}), nil); len(errs) > 0 {
		return nil, nil, fmt.Errorf("%s: the patched file does not parse: %w", name, errors.Join(errs...))
	}
	return out, notes, nil
}

// alertRules returns the mapping nodes of the alerting rules of a rule file.
func alertRules(doc *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	if len(doc.Content) == 0 {
		return nil
	}
	groups := mapValue(doc.Content[0], "groups")
	if groups == nil {
		return nil
	}
	for _, g := range groups.Content {
		rules := mapValue(g, "rules")
		if rules == nil {
			continue
		}
		for _, r := range rules.Content {
			if mapValue(r, "alert") != nil {
				out = append(out, r)
			}
		}
	}
	return out
}

// mapEntry returns the key and value nodes of key in the mapping m (nil
// when m is no mapping or lacks it).
func mapEntry(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	_, v := mapEntry(m, key)
	return v
}
