package analysis

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

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

// WeeklyInput is the ISO week (default: last week) and the filters.
type WeeklyInput struct {
	Common
	Week string `param:"week"`
}

// WeeklyReview is the on-call review of one ISO week in the configured
// time zone, with the previous week for comparison.
func (a *Analyzer) WeeklyReview(ctx context.Context, in WeeklyInput) (models.WeeklyReport, error) {
	loc, err := time.LoadLocation(a.opts.WorkingHours.Timezone)
	if err != nil || a.opts.WorkingHours.Timezone == "" {
		loc = time.UTC
	}
	week := in.Week
	if week == "" {
		y, w := a.now().In(loc).AddDate(0, 0, -7).ISOWeek()
		week = fmt.Sprintf("%04d-W%02d", y, w)
	}
	from, to, err := weekBounds(week, loc)
	if err != nil {
		return models.WeeklyReport{}, &ParamError{"week", err.Error()}
	}
	// from and to come from the week; the filters (source, receiver,
	// match) apply.
	com := in.Common
	com.From, com.To = from.UTC(), to.UTC()
	// The current week is answered up to now: an episode still firing has
	// fired until now, not until the end of the week.
	if now := a.now(); com.To.After(now) && com.From.Before(now) {
		com.To = now.UTC()
	}
	r, err := a.reportFor(ctx, com, week, loc)
	if err != nil {
		return models.WeeklyReport{}, err
	}
	return *r, nil
}

// weekSummary is the weekly_summary statement's one row.
type weekSummary struct {
	Alerts       int   `json:"alerts"`
	Ended        int   `json:"ended"`
	MedianLowMs  int64 `json:"median_low_ms"`
	MedianHighMs int64 `json:"median_high_ms"`
	// With Data.Totals only.
	Episodes      int `json:"episodes"`
	Notifications int `json:"notifications"`
}

// summary runs the weekly_summary statement, which answers one row.
func (a *Analyzer) summary(ctx context.Context, data queries.Data, params map[string]string) (weekSummary, error) {
	sum, err := run[weekSummary](ctx, a, "weekly_summary", data, params)
	if err != nil {
		return weekSummary{}, err
	}
	if len(sum) != 1 {
		return weekSummary{}, fmt.Errorf("weekly summary: %d rows, want 1", len(sum))
	}
	return sum[0], nil
}

// previousTotals returns the totals of a window whose review needs only
// them (the previous week): from the weekly summary alone, instead of
// every noise key's figures summed up (the same sums, in a third of the
// time at a big Alertmanager's scale).
func (a *Analyzer) previousTotals(ctx context.Context, com Common) (models.Totals, error) {
	params, data := com.Params()
	data.Totals = true
	sum, err := a.summary(ctx, data, params)
	if err != nil {
		return models.Totals{}, err
	}
	return models.Totals{Notifications: sum.Notifications, Episodes: sum.Episodes, Alerts: sum.Alerts}, nil
}

func (a *Analyzer) totals(ctx context.Context, com Common) (models.Totals, []models.NoiseRow, weekSummary, error) {
	// (the loudest alertnames only: the review lists no unrouted or
	// long-running episodes)
	params, data, err := a.noiseParams(com, "alertname", 5*time.Minute, 7*24*time.Hour, a.opts.MaxRows)
	if err != nil {
		return models.Totals{}, nil, weekSummary{}, err
	}
	rows, _, err := a.noiseRows(ctx, data, params)
	if err != nil {
		return models.Totals{}, nil, weekSummary{}, err
	}
	sum, err := a.summary(ctx, data, params)
	if err != nil {
		return models.Totals{}, nil, weekSummary{}, err
	}
	t := models.Totals{Alerts: sum.Alerts}
	for _, r := range rows {
		t.Notifications += r.Notifications
		t.Episodes += r.Episodes
	}
	return t, rows, sum, nil
}

// longestRunning returns the n episodes that ran longest in the window,
// longest first.
func (a *Analyzer) longestRunning(ctx context.Context, com Common, n int) ([]models.Episode, error) {
	params, data := com.Params()
	data.Longest = n
	return listEpisodes(ctx, a, data, params, episodeRef)
}

// reviewFlapGap is the flap gap of the weekly review's flapping alerts
// (the analysis's default). Its episodes are kept from that long before
// the week, so that flapping reads them too.
const reviewFlapGap = time.Hour

// keepForReview keeps the week's episodes and its notifications for the
// review's statements, both at once (one read connection each).
func (a *Analyzer) keepForReview(ctx context.Context, com Common) (Common, func(), error) {
	var eps, notes Common
	releaseEps, releaseNotes := func() {}, func() {}
	var g errgroup.Group
	g.Go(lane(func() error {
		eps, releaseEps = a.keepEpisodes(ctx, com, reviewFlapGap)
		return nil
	}))
	g.Go(lane(func() error {
		notes, releaseNotes = a.keepNotes(ctx, com)
		return nil
	}))
	err := g.Wait()
	release := func() { releaseEps(); releaseNotes() }
	if err != nil {
		release()
		return com, func() {}, err
	}
	com.kept, com.keptNotes = eps.kept, notes.keptNotes
	return com, release, nil
}

func (a *Analyzer) reportFor(ctx context.Context, com Common, week string, loc *time.Location) (*models.WeeklyReport, error) {
	r := &models.WeeklyReport{Week: week, Timezone: loc.String(), From: models.Time{Time: com.From}, To: models.Time{Time: com.To}, Receiver: strings.Join(com.Receivers, ", "),
		TopNoisy: []models.NoiseRow{}, LongestRunning: []models.Episode{}}
	com, release, err := a.keepForReview(ctx, com)
	if err != nil {
		return nil, err
	}
	defer release()
	// Two lanes of statements at once: the engine has two read connections
	// by default, and one statement alone leaves part of the machine idle
	// (its single-threaded stages, the decoding of its answer). Each lane
	// writes only its own fields of r. (A pool of two taking the parts
	// longest first measured no faster.)
	var rows []models.NoiseRow
	var sum weekSummary
	var eps []models.Episode
	g, gctx := errgroup.WithContext(ctx)
	g.Go(lane(func() error { // this week
		var err error
		if r.Totals, rows, sum, err = a.totals(gctx, com); err != nil {
			return err
		}
		if r.Flapping, _, err = a.flappingFor(gctx, com, reviewFlapGap, 2); err != nil {
			return err
		}
		if r.IfSuggested, err = a.ifSuggested(gctx, com, r.Flapping); err != nil {
			return err
		}
		eps, err = a.longestRunning(gctx, com, 5)
		return err
	}))
	g.Go(lane(func() error { // the previous week, the hours, the silences
		prev := com
		prev.From, prev.To = com.From.In(loc).AddDate(0, 0, -7).UTC(), com.From // its statements build their own episodes
		var err error
		if r.Previous, err = a.previousTotals(gctx, prev); err != nil {
			return err
		}
		if err := a.hours(gctx, com, loc, r); err != nil {
			return err
		}
		r.StaleSilences, err = a.staleFor(gctx, com.To, com.Sources, 7*24*time.Hour, 24*time.Hour)
		return err
	}))
	if err := g.Wait(); err != nil {
		return nil, err
	}
	r.Change = models.Totals{Notifications: r.Totals.Notifications - r.Previous.Notifications, Episodes: r.Totals.Episodes - r.Previous.Episodes, Alerts: r.Totals.Alerts - r.Previous.Alerts}
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
	if sum.Ended > 0 {
		m := (msSeconds(sum.MedianLowMs) + msSeconds(sum.MedianHighMs)) / 2
		r.MedianEpisodeSeconds = &m
	}
	type lasting struct {
		e models.Episode
		d float64
	}
	var all []lasting
	for _, e := range eps {
		end := com.To
		if e.EndsAt != nil && e.EndsAt.Before(end) {
			end = e.EndsAt.Time
		}
		all = append(all, lasting{e, end.Sub(e.StartsAt.Time).Seconds()})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d > all[j].d })
	if len(all) > 0 {
		r.LongestEpisodeSeconds = &all[0].d
	}
	for _, l := range all {
		r.LongestRunning = append(r.LongestRunning, l.e)
	}
	return r, nil
}

// hours fills in the week's hours per receiver (working, out of hours,
// sleep) and its busiest hours.
func (a *Analyzer) hours(ctx context.Context, com Common, loc *time.Location, r *models.WeeklyReport) error {
	params, data := com.Params()
	if err := a.bindHours(params, com.From, com.To); err != nil {
		return err
	}
	params["tz"] = loc.String()
	type receiverRow struct {
		models.ReceiverHours
		Hours [][3]int `json:"hours"` // weekday (1 = Monday), hour, notifications
	}
	rows, err := run[receiverRow](ctx, a, "weekly_hours", data, params)
	if err != nil {
		return err
	}
	r.ByReceiver = make([]models.ReceiverHours, len(rows))
	for i, row := range rows {
		r.ByReceiver[i] = row.ReceiverHours
		r.InSleepHours += row.SleepHours
		for _, h := range row.Hours {
			if h[0] >= 1 && h[0] <= 7 && h[1] >= 0 && h[1] < 24 {
				r.BusiestHours[h[0]-1][h[1]] += h[2]
			}
		}
	}
	return nil
}

// ifSuggested replays the week with its flapping alerts' suggested for: and
// keep_firing_for:, and sums what its suggested inhibit rules (default
// thresholds) would have saved.
func (a *Analyzer) ifSuggested(ctx context.Context, com Common, flapping []models.FlappingAlert) (models.IfSuggested, error) {
	type tuning struct{ forD, kff time.Duration }
	tunings := map[string]tuning{}
	for _, f := range flapping {
		var t tuning
		if f.SuggestedForSeconds != nil {
			t.forD = time.Duration(*f.SuggestedForSeconds * float64(time.Second))
		}
		if f.SuggestedKeepFiringForSeconds != nil {
			t.kff = time.Duration(*f.SuggestedKeepFiringForSeconds * float64(time.Second))
		}
		if t != (tuning{}) {
			tunings[f.Source+"/"+f.Fingerprint] = t
		}
	}
	var out models.IfSuggested
	out.TunedAlerts = len(tunings)
	params, data := com.Params()
	if err := a.bindHoursThrough(params, com.From, com.To); err != nil {
		return out, err
	}
	tuned := make([]string, 0, len(tunings))
	for k := range tunings {
		tuned = append(tuned, k)
	}
	slices.Sort(tuned)
	params["tuned"] = queries.StringArray(tuned)
	data.SumUntuned = true
	eps, err := run[whatIfEpisode](ctx, a, "whatif", data, params)
	if err != nil {
		return out, err
	}
	out.Tuning = replay(eps, func(source, fp string) (time.Duration, time.Duration) {
		t := tunings[source+"/"+fp]
		return t.forD, t.kff
	})
	rules, err := a.SuggestInhibitRules(ctx, SuggestInput{Common: com, Within: 2 * time.Minute, MinSupport: 5, MinConfidence: 0.8})
	var limit *store.LimitError
	if errors.As(err, &limit) {
		// A week where everything fires together suggests more rules than
		// a read may list: the review still answers, and says so.
		out.InhibitSkipped = fmt.Sprintf("the week's co-occurrences exceed a read limit (%s): ask /api/v1/suggestions/inhibit_rules with matchers", limit.Err)
		return out, nil
	}
	if err != nil {
		return out, err
	}
	out.InhibitRules = len(rules.Suggestions)
	for _, s := range rules.Suggestions {
		out.InhibitNotificationsSaved += s.NotificationsSaved
		out.InhibitSleepHoursSaved += s.SleepHoursSaved
	}
	return out, nil
}

// msSeconds is a number of milliseconds in seconds, as time.Duration's
// Seconds gives it (so medians match durations computed in Go).
func msSeconds(ms int64) float64 { return (time.Duration(ms) * time.Millisecond).Seconds() }
