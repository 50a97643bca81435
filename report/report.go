// Package report renders answers as Markdown documents (the handover and
// the weekly review) that paste cleanly into chat, tickets and wikis.
package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alertlens/alertlens/models"
)

func hm(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

func dur(seconds float64) string {
	return (time.Duration(seconds) * time.Second).String()
}

// writeFlapping writes the flapping section of a Markdown report.
func writeFlapping(b *strings.Builder, alerts []models.FlappingAlert) {
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

// Handover renders the handover so it pastes cleanly into chat and wikis.
func Handover(h models.Handover) string {
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
		still[i] = []string{mdEscape(e.Alertname), e.State, hm(e.StartsAt.Time), code(models.LabelString(e.Labels))}
	}
	mdSection(&b, "Still firing at "+hm(h.To.Time)+" UTC (paging first)", "None.", []string{"Alert", "State", "Since", "Labels"}, still)
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
		list  []models.HandoverSilence
	}{{"Silences created", h.SilencesCreated}, {"Silences expired", h.SilencesExpired}, {"Silences expiring within 24 hours while still silencing firing alerts", h.SilencesExpiring}} {
		rows := make([][]string, len(sec.list))
		for i, s := range sec.list {
			rows[i] = []string{mdLink(s.ID, s.URL), code(strings.Join(s.Matchers, ", ")), mdEscape(s.CreatedBy), mdEscape(s.Comment), hm(s.EndsAt.Time)}
		}
		mdSection(&b, sec.title, "None.", []string{"Silence", "Matchers", "Created by", "Comment", "Ends"}, rows)
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func signed(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Weekly renders the weekly review.
func Weekly(r models.WeeklyReport) string {
	var b strings.Builder
	who := "all receivers"
	if r.Receiver != "" {
		who = r.Receiver
	}
	loc, _ := time.LoadLocation(r.Timezone)
	fmt.Fprintf(&b, "# On-call review %s: %s\n\n%s – %s (%s)\n\n", r.Week, mdEscape(who),
		r.From.In(loc).Format("2006-01-02 15:04"), r.To.In(loc).Format("2006-01-02 15:04"), r.Timezone)
	b.WriteString("## Totals\n\n| | This week | Previous week | Change |\n| --- | --- | --- | --- |\n")
	fmt.Fprintf(&b, "| Notifications | %d | %d | %s |\n", r.Totals.Notifications, r.Previous.Notifications, signed(r.Change.Notifications))
	fmt.Fprintf(&b, "| Episodes | %d | %d | %s |\n", r.Totals.Episodes, r.Previous.Episodes, signed(r.Change.Episodes))
	fmt.Fprintf(&b, "| Distinct alerts | %d | %d | %s |\n\n", r.Totals.Alerts, r.Previous.Alerts, signed(r.Change.Alerts))
	share, median, longest := "-", "-", "-"
	if r.SelfResolvingShare != nil {
		share = fmt.Sprintf("%.0f %%", 100**r.SelfResolvingShare)
	}
	if r.MedianEpisodeSeconds != nil {
		median = dur(*r.MedianEpisodeSeconds)
	}
	if r.LongestEpisodeSeconds != nil {
		longest = dur(*r.LongestEpisodeSeconds)
	}
	fmt.Fprintf(&b, "- Self-resolving episodes (shorter than 5m): %s\n- Median episode: %s; longest: %s\n", share, median, longest)
	fmt.Fprintf(&b, "- Notifications in working hours: %d; outside: %d; in sleep hours: %d\n", r.InWorkingHours, r.OutOfWorkingHours, r.InSleepHours)
	fmt.Fprintf(&b, "- If this week's suggestions had been in place: %s\n\n", ifSuggested(r.IfSuggested))
	hours := make([][]string, len(r.ByReceiver))
	for i, h := range r.ByReceiver {
		hours[i] = []string{mdEscape(h.Receiver), strconv.Itoa(h.Notifications), strconv.Itoa(h.OutOfHours), strconv.Itoa(h.SleepHours)}
	}
	mdSection(&b, "By receiver", "None.", []string{"Receiver", "Notifications", "Out of working hours", "In sleep hours"}, hours)
	noisy := make([][]string, len(r.TopNoisy))
	for i, n := range r.TopNoisy {
		noisy[i] = []string{mdEscape(n.Key), strconv.Itoa(n.Notifications), strconv.Itoa(n.Episodes), dur(n.FiringSeconds),
			strconv.Itoa(n.SelfResolving), strconv.Itoa(n.OutOfHours)}
	}
	mdSection(&b, "Top noisy alerts", "None.", []string{"Alert", "Notifications", "Episodes", "Firing", "Self-resolving", "Out of hours"}, noisy)
	writeFlapping(&b, r.Flapping)
	longestRows := make([][]string, len(r.LongestRunning))
	for i, e := range r.LongestRunning {
		end := "still firing"
		if e.EndsAt != nil {
			end = hm(e.EndsAt.Time)
		}
		longestRows[i] = []string{mdEscape(e.Alertname), hm(e.StartsAt.Time), end}
	}
	mdSection(&b, "Longest episodes", "None.", []string{"Alert", "Started", "Ended"}, longestRows)
	stale := make([][]string, len(r.StaleSilences))
	for i, s := range r.StaleSilences {
		stale[i] = []string{mdEscape(s.ID), code(strings.Join(s.Matchers, ", ")), mdEscape(s.CreatedBy), strings.Join(s.Reasons, ", ")}
	}
	mdSection(&b, "Stale silences", "None.", []string{"Silence", "Matchers", "Created by", "Reasons"}, stale)
	fmt.Fprintf(&b, "## Busiest hours (%s)\n\n| | %s |\n|%s\n", r.Timezone, strings.Join(hoursHeader(), " | "), strings.Repeat(" --- |", 25))
	for d, name := range []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} {
		cells := make([]string, 24)
		for h := range 24 {
			cells[h] = strconv.Itoa(r.BusiestHours[d][h])
		}
		fmt.Fprintf(&b, "| %s | %s |\n", name, strings.Join(cells, " | "))
	}
	return b.String()
}

func hoursHeader() []string {
	out := make([]string, 24)
	for h := range 24 {
		out[h] = fmt.Sprintf("%02d", h)
	}
	return out
}

// ifSuggested says what the week's suggestions would have changed, in one
// line.
func ifSuggested(s models.IfSuggested) string {
	var parts []string
	if s.TunedAlerts > 0 {
		t := s.Tuning
		p := fmt.Sprintf("the suggested for:/keep_firing_for: of %s: %d fewer notifications (%d fewer out of hours, %d fewer in sleep hours)",
			plural(s.TunedAlerts, "alert"), t.Before.Notifications-t.After.Notifications, t.Before.OutOfHours-t.After.OutOfHours, t.Before.SleepHours-t.After.SleepHours)
		if t.Delayed.Episodes > 0 {
			p += fmt.Sprintf(", %s paging up to %s later", plural(t.Delayed.Episodes, "episode"), dur(t.Delayed.MaxDelaySeconds))
		}
		parts = append(parts, p)
	}
	if s.InhibitRules > 0 {
		parts = append(parts, fmt.Sprintf("%s: %d fewer notifications (%d fewer in sleep hours)", plural(s.InhibitRules, "suggested inhibit rule"),
			s.InhibitNotificationsSaved, s.InhibitSleepHoursSaved))
	}
	if s.InhibitSkipped != "" {
		parts = append(parts, "inhibit rules not mined: "+s.InhibitSkipped)
	}
	if len(parts) == 0 {
		return "nothing to suggest"
	}
	return strings.Join(parts, "; ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
