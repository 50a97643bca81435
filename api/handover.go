package api

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

// FiredGroup is what fired in a shift, by alertname.
type FiredGroup struct {
	Alertname      string  `json:"alertname"`
	Alerts         int     `json:"alerts"`
	Episodes       int     `json:"episodes"`
	Notifications  int     `json:"notifications"`
	First          Time    `json:"first"`
	Last           Time    `json:"last"`
	LongestSeconds float64 `json:"longest_seconds"`
	GeneratorURL   string  `json:"generator_url"`
	StillFiringNow int     `json:"still_firing"`
}

// HandoverSilence is a silence worth mentioning at a handover.
type HandoverSilence struct {
	ID        string   `json:"id"`
	Source    string   `json:"source"`
	CreatedBy string   `json:"created_by"`
	Comment   string   `json:"comment"`
	Matchers  []string `json:"matchers"`
	StartsAt  Time     `json:"starts_at"`
	EndsAt    Time     `json:"ends_at"`
	URL       string   `json:"url"`
}

// Handover is the shift's story.
type Handover struct {
	From              Time               `json:"from"`
	To                Time               `json:"to"`
	Receiver          string             `json:"receiver"`
	Fired             []FiredGroup       `json:"fired"`
	StillFiring       []Episode          `json:"still_firing"`
	Flapping          []FlappingAlert    `json:"flapping"`
	FailedInhibitions []FailedInhibition `json:"failed_inhibitions"`
	SilencesCreated   []HandoverSilence  `json:"silences_created"`
	SilencesExpired   []HandoverSilence  `json:"silences_expired"`
	SilencesExpiring  []HandoverSilence  `json:"silences_expiring"`
}

type episodeWithURL struct {
	Episode
	GeneratorURL string `json:"generator_url"`
}

func (s *Server) handover(ctx context.Context, c echo.Context) (any, error) {
	q := c.QueryParams()
	com, err := s.common(ctx, c)
	if err != nil {
		return nil, err
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "markdown" {
		return nil, &ParamError{"format", fmt.Sprintf("%q is neither json nor markdown", format)}
	}
	h, err := s.handoverFor(ctx, com)
	if err != nil {
		return nil, err
	}
	if format == "markdown" {
		return markdownAnswer(h.Markdown()), nil
	}
	return h, nil
}

// markdownAnswer marks an answer to send as text/markdown.
type markdownAnswer string

func (s *Server) handoverFor(ctx context.Context, com Common) (*Handover, error) {
	h := &Handover{From: Time{com.From.UTC()}, To: Time{com.To.UTC()}, Receiver: com.Receiver,
		Fired: []FiredGroup{}, StillFiring: []Episode{}, SilencesCreated: []HandoverSilence{}, SilencesExpired: []HandoverSilence{}, SilencesExpiring: []HandoverSilence{}}
	params, match := com.Params()
	eps, err := run[episodeWithURL](ctx, s, queries.Render("episodes", match), params)
	if err != nil {
		return nil, err
	}
	groups := map[string]*FiredGroup{}
	alerts := map[string]map[string]bool{}
	for _, e := range eps {
		g := groups[e.Alertname]
		if g == nil {
			g = &FiredGroup{Alertname: e.Alertname, First: e.StartsAt, Last: e.StartsAt, GeneratorURL: e.GeneratorURL}
			groups[e.Alertname] = g
			alerts[e.Alertname] = map[string]bool{}
		}
		alerts[e.Alertname][e.Source+"/"+e.Fingerprint] = true
		g.Episodes++
		g.Notifications += e.Notifications
		if e.StartsAt.Before(g.First.Time) {
			g.First = e.StartsAt
		}
		if e.StartsAt.After(g.Last.Time) {
			g.Last = e.StartsAt
		}
		end := com.To
		if e.EndsAt != nil && e.EndsAt.Before(end) {
			end = e.EndsAt.Time
		}
		if d := end.Sub(e.StartsAt.Time).Seconds(); d > g.LongestSeconds {
			g.LongestSeconds = d
		}
		if e.EndsAt == nil || !e.EndsAt.Before(com.To) {
			h.StillFiring = append(h.StillFiring, e.Episode)
			g.StillFiringNow++
		}
	}
	for name, g := range groups {
		g.Alerts = len(alerts[name])
		h.Fired = append(h.Fired, *g)
	}
	sort.Slice(h.Fired, func(i, j int) bool {
		if h.Fired[i].Notifications != h.Fired[j].Notifications {
			return h.Fired[i].Notifications > h.Fired[j].Notifications
		}
		return h.Fired[i].Alertname < h.Fired[j].Alertname
	})
	if h.Flapping, _, err = s.flappingFor(ctx, com, time.Hour, 2); err != nil {
		return nil, err
	}
	if h.FailedInhibitions, err = s.failedFor(ctx, com); err != nil {
		return nil, err
	}
	type silRow struct {
		HandoverSilence
		Matchers    []store.Matcher `json:"matchers"`
		Created     bool            `json:"created"`
		Expired     bool            `json:"expired"`
		Expiring    bool            `json:"expiring"`
		ExternalURL string          `json:"external_url"`
	}
	sils, err := run[silRow](ctx, s, queries.SQL("handover_silences"), params)
	if err != nil {
		return nil, err
	}
	for _, r := range sils {
		hs := r.HandoverSilence
		hs.Matchers = make([]string, len(r.Matchers))
		for i, m := range r.Matchers {
			hs.Matchers[i] = matcherString(m)
		}
		if r.ExternalURL != "" {
			hs.URL = strings.TrimRight(r.ExternalURL, "/") + "/#/silences/" + hs.ID
		}
		if r.Created {
			h.SilencesCreated = append(h.SilencesCreated, hs)
		}
		if r.Expired {
			h.SilencesExpired = append(h.SilencesExpired, hs)
		}
		if r.Expiring {
			h.SilencesExpiring = append(h.SilencesExpiring, hs)
		}
	}
	return h, nil
}

func hm(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

func dur(seconds float64) string {
	return (time.Duration(seconds) * time.Second).String()
}

// writeFlapping writes the flapping section of a Markdown report.
func writeFlapping(b *strings.Builder, alerts []FlappingAlert) {
	rows := make([][]string, len(alerts))
	for i, f := range alerts {
		sf, sk := "-", "-"
		if f.SuggestedForSeconds != nil {
			sf = dur(*f.SuggestedForSeconds)
		}
		if f.SuggestedKeepFiringForSeconds != nil {
			sk = dur(*f.SuggestedKeepFiringForSeconds)
		}
		rows[i] = []string{mdEscape(f.Alertname), strconv.Itoa(f.Flaps), strconv.Itoa(f.Episodes), sf, sk}
	}
	mdSection(b, "Flapping", "None.", []string{"Alert", "Flaps", "Episodes", "Suggested for:", "Suggested keep_firing_for:"}, rows)
}

// mdSection writes "## title" and a table of rows (cells already escaped),
// or the empty text when there are none.
func mdSection(b *strings.Builder, title, empty string, headers []string, rows [][]string) {
	fmt.Fprintf(b, "## %s\n\n", title)
	if len(rows) == 0 {
		b.WriteString(empty + "\n\n")
		return
	}
	b.WriteString("| " + strings.Join(headers, " | ") + " |\n|" + strings.Repeat(" --- |", len(headers)) + "\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	b.WriteString("\n")
}

// LabelString writes a label set as a="b", c="d" (keys sorted), the way
// tables and reports show labels.
func LabelString(ls map[string]string) string {
	keys := make([]string, 0, len(ls))
	for k := range ls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, ls[k])
	}
	return strings.Join(parts, ", ")
}

func code(s string) string { return "`" + strings.ReplaceAll(s, "`", "'") + "`" }

// mdEscape keeps a value from breaking a Markdown table.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "[", `\[`, "]", `\]`).Replace(s)
}

func mdLink(text, url string) string {
	if url == "" {
		return mdEscape(text)
	}
	return "[" + mdEscape(text) + "](" + strings.ReplaceAll(strings.ReplaceAll(url, " ", "%20"), ")", "%29") + ")"
}

// Markdown renders the handover so it pastes cleanly into chat and wikis.
func (h *Handover) Markdown() string {
	var b strings.Builder
	who := "all receivers"
	if h.Receiver != "" {
		who = h.Receiver
	}
	fmt.Fprintf(&b, "# Handover: %s, %s – %s UTC\n\n", mdEscape(who), hm(h.From.Time), hm(h.To.Time))
	notes := 0
	fired := make([][]string, len(h.Fired))
	for i, g := range h.Fired {
		notes += g.Notifications
		fired[i] = []string{mdLink(g.Alertname, g.GeneratorURL), strconv.Itoa(g.Alerts), strconv.Itoa(g.Episodes), strconv.Itoa(g.Notifications),
			hm(g.First.Time), hm(g.Last.Time), dur(g.LongestSeconds), strconv.Itoa(g.StillFiringNow)}
	}
	mdSection(&b, fmt.Sprintf("What fired (%d alertnames, %d notifications)", len(h.Fired), notes), "Nothing fired.",
		[]string{"Alert", "Alerts", "Episodes", "Notifications", "First", "Last", "Longest", "Still firing"}, fired)
	still := make([][]string, len(h.StillFiring))
	for i, e := range h.StillFiring {
		still[i] = []string{mdEscape(e.Alertname), hm(e.StartsAt.Time), code(LabelString(e.Labels))}
	}
	mdSection(&b, "Still firing at "+hm(h.To.Time)+" UTC", "None.", []string{"Alert", "Since", "Labels"}, still)
	writeFlapping(&b, h.Flapping)
	failed := make([][]string, len(h.FailedInhibitions))
	for i, f := range h.FailedInhibitions {
		by := make([]string, len(f.InhibitedBy))
		for j, in := range f.InhibitedBy {
			by[j] = mdEscape(in.Alertname)
		}
		cause := f.KnownCause
		if cause == "" {
			cause = "-"
		}
		failed[i] = []string{hm(f.NotifiedAt.Time), mdEscape(f.Alertname), mdEscape(f.Receiver), strings.Join(by, ", "), mdEscape(cause)}
	}
	mdSection(&b, "Failed inhibitions", "None.", []string{"Notified at", "Alert", "Receiver", "Inhibited by", "Known cause"}, failed)
	for _, sec := range []struct {
		title string
		list  []HandoverSilence
	}{{"Silences created", h.SilencesCreated}, {"Silences expired", h.SilencesExpired}, {"Silences expiring within 24 hours while still silencing firing alerts", h.SilencesExpiring}} {
		rows := make([][]string, len(sec.list))
		for i, s := range sec.list {
			rows[i] = []string{mdLink(s.ID, s.URL), code(strings.Join(s.Matchers, ", ")), mdEscape(s.CreatedBy), mdEscape(s.Comment), hm(s.EndsAt.Time)}
		}
		mdSection(&b, sec.title, "None.", []string{"Silence", "Matchers", "Created by", "Comment", "Ends"}, rows)
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}
