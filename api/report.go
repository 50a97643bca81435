package api

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alertlens/alertlens/queries"
)

// Totals are one week's counts.
type Totals struct {
	Notifications int `json:"notifications"`
	Episodes      int `json:"episodes"`
	Alerts        int `json:"alerts"`
}

// WeeklyReport is the on-call review of one ISO week.
type WeeklyReport struct {
	Week                  string          `json:"week"`
	Timezone              string          `json:"timezone"`
	From                  Time            `json:"from"`
	To                    Time            `json:"to"`
	Receiver              string          `json:"receiver"`
	Totals                Totals          `json:"totals"`
	Previous              Totals          `json:"previous"`
	Change                Totals          `json:"change"`
	TopNoisy              []NoiseRow      `json:"top_noisy"`
	Flapping              []FlappingAlert `json:"flapping"`
	SelfResolvingShare    *float64        `json:"self_resolving_share"`
	InWorkingHours        int             `json:"notifications_in_working_hours"`
	OutOfWorkingHours     int             `json:"notifications_out_of_working_hours"`
	InSleepHours          int             `json:"notifications_in_sleep_hours"`
	MedianEpisodeSeconds  *float64        `json:"median_episode_seconds"`
	LongestEpisodeSeconds *float64        `json:"longest_episode_seconds"`
	LongestRunning        []Episode       `json:"longest_running"`
	StaleSilences         []StaleSilence  `json:"stale_silences"`
	BusiestHours          [7][24]int      `json:"busiest_hours"` // [Monday..Sunday][hour] in Timezone
}

var isoWeekRE = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

// weekBounds returns [Monday 00:00, next Monday 00:00) of an ISO week in loc.
func weekBounds(week string, loc *time.Location) (time.Time, time.Time, error) {
	m := isoWeekRE.FindStringSubmatch(week)
	if m == nil {
		return time.Time{}, time.Time{}, fmt.Errorf("%q is not an ISO week like 2026-W47", week)
	}
	y, _ := strconv.Atoi(m[1])
	w, _ := strconv.Atoi(m[2])
	// January 4th is always in week 1.
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, loc)
	monday1 := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	from := monday1.AddDate(0, 0, 7*(w-1))
	if yy, ww := from.ISOWeek(); yy != y || ww != w {
		return time.Time{}, time.Time{}, fmt.Errorf("%s has no week %d", m[1], w)
	}
	return from, from.AddDate(0, 0, 7), nil
}

func (s *Server) weeklyReport(ctx context.Context, c echo.Context) (any, error) {
	q := c.QueryParams()
	loc, err := time.LoadLocation(s.opts.WorkingHours.Timezone)
	if err != nil || s.opts.WorkingHours.Timezone == "" {
		loc = time.UTC
	}
	week := q.Get("week")
	if week == "" {
		y, w := s.now().In(loc).AddDate(0, 0, -7).ISOWeek()
		week = fmt.Sprintf("%04d-W%02d", y, w)
	}
	from, to, err := weekBounds(week, loc)
	if err != nil {
		return nil, &ParamError{"week", err.Error()}
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "markdown" {
		return nil, &ParamError{"format", fmt.Sprintf("%q is neither json nor markdown", format)}
	}
	// from and to come from the week; the rest of the common parameters
	// (source, receiver, match) apply.
	q2 := c.QueryParams()
	q2.Del("from")
	q2.Del("to")
	com, err := ParseCommon(q2, s.now())
	if err != nil {
		return nil, err
	}
	if err := s.checkReceiver(ctx, com); err != nil {
		return nil, err
	}
	com.From, com.To = from.UTC(), to.UTC()
	r, err := s.reportFor(ctx, com, week, loc)
	if err != nil {
		return nil, err
	}
	if format == "markdown" {
		return markdownAnswer(r.Markdown()), nil
	}
	return r, nil
}

func (s *Server) totals(ctx context.Context, com Common) (Totals, []NoiseRow, []Episode, error) {
	rows, _, _, err := s.noiseFor(ctx, com, "alertname", 5*time.Minute, 7*24*time.Hour)
	if err != nil {
		return Totals{}, nil, nil, err
	}
	eps, err := s.episodes(ctx, com)
	if err != nil {
		return Totals{}, nil, nil, err
	}
	var t Totals
	for _, r := range rows {
		t.Notifications += r.Notifications
		t.Episodes += r.Episodes
	}
	alerts := map[string]bool{}
	for _, e := range eps {
		alerts[e.Source+"/"+e.Fingerprint] = true
	}
	t.Alerts = len(alerts)
	return t, rows, eps, nil
}

func (s *Server) reportFor(ctx context.Context, com Common, week string, loc *time.Location) (*WeeklyReport, error) {
	r := &WeeklyReport{Week: week, Timezone: loc.String(), From: Time{com.From}, To: Time{com.To}, Receiver: com.Receiver,
		TopNoisy: []NoiseRow{}, LongestRunning: []Episode{}}
	var rows []NoiseRow
	var eps []Episode
	var err error
	if r.Totals, rows, eps, err = s.totals(ctx, com); err != nil {
		return nil, err
	}
	prev := com
	prev.From, prev.To = com.From.In(loc).AddDate(0, 0, -7).UTC(), com.From
	if r.Previous, _, _, err = s.totals(ctx, prev); err != nil {
		return nil, err
	}
	r.Change = Totals{r.Totals.Notifications - r.Previous.Notifications, r.Totals.Episodes - r.Previous.Episodes, r.Totals.Alerts - r.Previous.Alerts}
	selfRes, episodes := 0, 0
	for i, row := range rows {
		if i < 10 && row.Notifications > 0 {
			r.TopNoisy = append(r.TopNoisy, row)
		}
		selfRes += row.SelfResolving
		episodes += row.Episodes
		r.OutOfWorkingHours += row.OutOfHours
	}
	r.InWorkingHours = r.Totals.Notifications - r.OutOfWorkingHours
	if episodes > 0 {
		v := float64(selfRes) / float64(episodes)
		r.SelfResolvingShare = &v
	}
	if r.Flapping, _, err = s.flappingFor(ctx, com, time.Hour, 2); err != nil {
		return nil, err
	}
	var ended []float64
	type lasting struct {
		e Episode
		d float64
	}
	var all []lasting
	for _, e := range eps {
		end := com.To
		if e.EndsAt != nil {
			ended = append(ended, e.EndsAt.Sub(e.StartsAt.Time).Seconds())
			if e.EndsAt.Before(end) {
				end = e.EndsAt.Time
			}
		}
		all = append(all, lasting{e, end.Sub(e.StartsAt.Time).Seconds()})
	}
	if len(ended) > 0 {
		sort.Float64s(ended)
		n := len(ended)
		m := (ended[(n-1)/2] + ended[n/2]) / 2
		r.MedianEpisodeSeconds = &m
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d > all[j].d })
	if len(all) > 0 {
		r.LongestEpisodeSeconds = &all[0].d
	}
	for i := 0; i < len(all) && i < 5; i++ {
		r.LongestRunning = append(r.LongestRunning, all[i].e)
	}
	params, match := com.Params()
	if params["sh"], params["sh_default"], err = intervalParams(s.opts.SleepHours, com.From, com.To); err != nil {
		return nil, err
	}
	type sleepRow struct {
		SleepHours int `json:"sleep_hours"`
	}
	sleep, err := run[sleepRow](ctx, s, queries.Render("weekly_hours", match), params)
	if err != nil {
		return nil, err
	}
	if len(sleep) == 1 {
		r.InSleepHours = sleep[0].SleepHours
	}
	params["tz"] = loc.String()
	type busyRow struct {
		Weekday       int `json:"weekday"`
		Hour          int `json:"hour"`
		Notifications int `json:"notifications"`
	}
	busy, err := run[busyRow](ctx, s, queries.Render("busiest_hours", match), params)
	if err != nil {
		return nil, err
	}
	for _, b := range busy {
		if b.Weekday >= 1 && b.Weekday <= 7 && b.Hour >= 0 && b.Hour < 24 {
			r.BusiestHours[b.Weekday-1][b.Hour] = b.Notifications
		}
	}
	if r.StaleSilences, err = s.staleFor(ctx, com.To, com.Source, 7*24*time.Hour, 24*time.Hour); err != nil {
		return nil, err
	}
	return r, nil
}

func signed(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Markdown renders the review.
func (r *WeeklyReport) Markdown() string {
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
	fmt.Fprintf(&b, "- Notifications in working hours: %d; outside: %d; in sleep hours: %d\n\n", r.InWorkingHours, r.OutOfWorkingHours, r.InSleepHours)
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
