package models

import (
	"fmt"
	"strings"
)

// Reference renders the read API and CLI reference (docs/reference.md)
// from the descriptors, so the docs cannot drift from what is served.
func Reference() string {
	var b strings.Builder
	b.WriteString("<!-- Generated from the analysis descriptors (models/descriptors.go) by `UPDATE_GOLDEN=1 go test ./models`; do not edit. -->\n\n")
	b.WriteString("# Read API and CLI reference\n\n")
	b.WriteString("Every analysis is one `GET` path answering JSON, one `alertlens` command that asks a running server " +
		"(`--url`, default `http://localhost:9095`; `--output table|json|markdown`), and, where it has tables, one Grafana query type.\n\n")
	b.WriteString("Windowed analyses take `from` and `to`; filtered ones take `source`, `receiver` and `match`. `source` and `receiver` may be repeated, meaning any of the values (`source=eu&source=prod`; `--source eu --source prod` in the CLI); any other parameter given twice is refused with a 400:\n\n")
	writeParams(&b, append(append([]Param{}, WindowParams...), FilterParams...))
	for _, d := range Analyses {
		fmt.Fprintf(&b, "## %s\n\n%s.\n\n", d.Title, d.Sentence())
		fmt.Fprintf(&b, "- HTTP: `GET %s`", d.Path)
		if d.Markdown {
			b.WriteString(" (also `format=markdown`)")
		}
		b.WriteString("\n")
		if d.Command != "" {
			arg := ""
			if d.Arg != "" {
				arg = " " + strings.ToUpper(d.Arg)
			}
			fmt.Fprintf(&b, "- CLI: `alertlens %s%s`\n", d.Command, arg)
		}
		if d.Grafana() {
			fmt.Fprintf(&b, "- Grafana query type: `%s`\n", d.Name)
		}
		var common []string
		if d.Window {
			common = append(common, "window")
		}
		if d.Filters {
			common = append(common, "filters")
		}
		if len(common) > 0 {
			fmt.Fprintf(&b, "- Takes the common %s parameters.\n", strings.Join(common, " and "))
		}
		b.WriteString("\n")
		if len(d.Params) > 0 {
			writeParams(&b, d.Params)
		}
		for _, t := range d.Tables {
			fmt.Fprintf(&b, "`%s` rows:", t.List)
			for i, c := range t.Columns {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, " `%s`", c.Field)
				if c.Kind == ColSeconds {
					b.WriteString(" (seconds)")
				}
			}
			b.WriteString(".\n\n")
		}
	}
	return b.String()
}

func writeParams(b *strings.Builder, ps []Param) {
	b.WriteString("| parameter | kind | default | meaning |\n| --- | --- | --- | --- |\n")
	for _, p := range ps {
		def := p.Default
		if def == "" {
			def = "-"
		}
		kind := string(p.Kind)
		if p.Kind == ParamInt {
			kind = fmt.Sprintf("int %d..%d", p.Min, p.Max)
		}
		if p.InPath {
			kind += ", in the path"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", p.Name, kind, def, strings.ReplaceAll(p.Help, "|", `\|`))
	}
	b.WriteString("\n")
}

// Sentence is the summary as a sentence's start: capitalized, unless it
// starts with an identifier such as group_by, which keeps its spelling.
func (d Descriptor) Sentence() string {
	if first, _, _ := strings.Cut(d.Summary, " "); d.Summary == "" || strings.Contains(first, "_") {
		return d.Summary
	}
	return strings.ToUpper(d.Summary[:1]) + d.Summary[1:]
}
