package analysis

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/workhours"
)

// NoiseInput groups the load by a label.
type NoiseInput struct {
	Common
	By          string        `param:"by"`
	Short       time.Duration `param:"short"`
	LongRunning time.Duration `param:"long_running"`
	Limit       int           `param:"limit"`
}

// Noise counts notifications, episodes and firing time by a label, and
// lists unrouted and long-running episodes.
func (a *Analyzer) Noise(ctx context.Context, in NoiseInput) (models.Noise, error) {
	params, data, err := a.noiseParams(in.Common, in.By, in.Short, in.LongRunning, in.Limit)
	if err != nil {
		return models.Noise{}, err
	}
	// One statement for the loudest keys and the flagged episodes: the
	// answer's rows together count against api.max_rows.
	data.Flagged = true
	// (A key's row fills NoiseRow, a flagged episode's EpisodeRef; their
	// names do not overlap.)
	type row struct {
		Kind string `json:"kind"`
		models.NoiseRow
		TotalKeys int `json:"total_keys"`
		models.EpisodeRef
		Receivers   []string `json:"receivers"`
		Unrouted    bool     `json:"unrouted"`
		LongRunning bool     `json:"long_running"`
	}
	got, err := run[row](ctx, a, "noise", data, params)
	if err != nil {
		return models.Noise{}, err
	}
	rows, total := []models.NoiseRow{}, 0
	unrouted, long := []models.RoutedEpisode{}, []models.LongRunning{}
	for _, r := range got {
		if r.Kind == "key" {
			rows, total = append(rows, r.NoiseRow), r.TotalKeys
			continue
		}
		if r.Unrouted {
			unrouted = append(unrouted, models.RoutedEpisode{Episode: models.Episode{EpisodeRef: r.EpisodeRef, Notifications: r.Notifications}, Receivers: r.Receivers})
		}
		if r.LongRunning {
			long = append(long, models.LongRunning{EpisodeRef: r.EpisodeRef, FiringSeconds: r.FiringSeconds})
		}
	}
	sort.SliceStable(long, func(i, j int) bool { return long[i].FiringSeconds > long[j].FiringSeconds })
	return models.Noise{By: in.By, Rows: rows, Unrouted: unrouted, LongRunning: long, TotalKeys: total, Truncated: total > len(rows),
		ShortSeconds: in.Short.Seconds(), LongRunningSeconds: in.LongRunning.Seconds()}, nil
}

// noiseParams binds the noise statements' parameters.
func (a *Analyzer) noiseParams(com Common, by string, short, age time.Duration, limit int) (map[string]string, queries.Data, error) {
	params, data := com.Params()
	params["by"] = by
	data.ByLabel = by != "alertname"
	data.NullReceivers = len(a.opts.NullReceivers) > 0
	params["short_ms"] = strconv.FormatInt(short.Milliseconds(), 10)
	params["age_ms"] = strconv.FormatInt(age.Milliseconds(), 10)
	params["null_receivers"] = queries.StringArray(a.opts.NullReceivers)
	params["limit"] = strconv.Itoa(limit)
	// The summaries' deliveries name no receiver: only without
	// per-receiver hours or a receiver filter.
	data.NotesFromDays = len(a.opts.WorkingHours.Receivers) == 0 && len(com.Receivers) == 0
	if data.NotesFromDays {
		on, err := onMinutes(a.opts.WorkingHours.For(""), com.From, com.To)
		if err != nil {
			return nil, data, err
		}
		data.HoursOnMinutes = on
	}
	return params, data, bindIntervals(params, "wh", a.opts.WorkingHours, com.From, com.To)
}

// onMinutes says whether the working hours of spec overlapping [from, to)
// start and end on whole minutes: then a notification's minute says
// whether it came in them, which notifications read sealed need (see
// queries.Data.SealedNotes). Schedules are set in minutes, but a time
// zone's offset need not be (local mean time before standard time).
func onMinutes(spec workhours.Spec, from, to time.Time) (bool, error) {
	sc, err := spec.Parse("working_hours")
	if err != nil {
		return false, err
	}
	for _, iv := range sc.Intervals(from, to) {
		for _, t := range []time.Time{iv.From, iv.To} {
			if !t.Equal(t.Truncate(time.Minute)) {
				return false, nil
			}
		}
	}
	return true, nil
}

// noiseRows returns the limit loudest keys and how many keys there were.
func (a *Analyzer) noiseRows(ctx context.Context, data queries.Data, params map[string]string) ([]models.NoiseRow, int, error) {
	type keyed struct {
		models.NoiseRow
		TotalKeys int `json:"total_keys"`
	}
	got, err := run[keyed](ctx, a, "noise", data, params)
	if err != nil {
		return nil, 0, err
	}
	rows := make([]models.NoiseRow, len(got))
	total := 0
	for i, r := range got {
		rows[i], total = r.NoiseRow, r.TotalKeys
	}
	return rows, total, nil
}

// bindHoursThrough binds the hours of [from, to) as bindHours does, and
// those from to until now (wh_later, sh_later, …), for a statement that
// also counts notifications received after the window (those of the
// episodes that started in it: what-if, the savings of the suggestions;
// the "in_hours_through" fragment). Bound up to to only, a notification
// after it was out of working hours and in no sleep hours whenever it came.
func (a *Analyzer) bindHoursThrough(params map[string]string, from, to time.Time) error {
	if err := a.bindHours(params, from, to); err != nil {
		return err
	}
	through := to
	if now := a.now(); now.After(to) {
		through = now
	}
	if err := bindIntervals(params, "wh_later", a.opts.WorkingHours, to, through); err != nil {
		return err
	}
	return bindIntervals(params, "sh_later", a.opts.SleepHours, to, through)
}

// bindHours binds the working hours (wh) and the sleep hours (sh) of
// [from, to), which the "in_hours" fragment reads.
func (a *Analyzer) bindHours(params map[string]string, from, to time.Time) error {
	if err := bindIntervals(params, "wh", a.opts.WorkingHours, from, to); err != nil {
		return err
	}
	return bindIntervals(params, "sh", a.opts.SleepHours, from, to)
}

// bindIntervals binds, under name, the hours of the default schedule and
// of every receiver with its own, over [from, to), as the "in_hours"
// fragment reads them: UTC intervals cut at UTC midnights and listed per
// UTC day ({name}_days: the default's days, then each receiver's), the day
// the lists start on ({name}_day0, days since 1970-01-01), how many days
// each schedule has ({name}_ndays) and where each receiver's days start
// ({name}_at; the default's start at 0). A notification then looks through
// its own day's few intervals, found by index, not through every interval
// of the window: over 90 days that was a quarter of noise's time at a big
// Alertmanager's scale.
func bindIntervals(params map[string]string, name string, wh config.WorkingHours, from, to time.Time) error {
	receivers := slices.Sorted(maps.Keys(wh.Receivers))
	schedules := make([][]workhours.Interval, 0, len(receivers)+1)
	first, last := int64(0), int64(-1) // no days yet
	for _, r := range append([]string{""}, receivers...) {
		sc, err := wh.For(r).Parse("working_hours")
		if err != nil {
			return err
		}
		pieces := cutAtMidnights(sc.Intervals(from, to))
		for _, p := range pieces {
			if d := utcDay(p.From); last < first {
				first, last = d, d
			} else {
				first, last = min(first, d), max(last, d)
			}
		}
		schedules = append(schedules, pieces)
	}
	ndays := last - first + 1
	days := make([]string, 0, int64(len(schedules))*ndays)
	at := make([]string, 0, len(receivers))
	for k, pieces := range schedules {
		if k > 0 {
			at = append(at, queries.Quote(receivers[k-1])+":"+strconv.FormatInt(int64(k)*ndays, 10))
		}
		perDay := make([][]string, ndays)
		for _, p := range pieces {
			d := utcDay(p.From) - first
			perDay[d] = append(perDay[d], "('"+p.From.Format(chTime)+"','"+p.To.Format(chTime)+"')")
		}
		for _, ivs := range perDay {
			days = append(days, "["+strings.Join(ivs, ",")+"]")
		}
	}
	params[name+"_days"], params[name+"_at"] = "["+strings.Join(days, ",")+"]", "{"+strings.Join(at, ",")+"}"
	params[name+"_day0"], params[name+"_ndays"] = strconv.FormatInt(first, 10), strconv.FormatInt(ndays, 10)
	return nil
}

// cutAtMidnights cuts intervals at UTC midnights: each piece lies within
// one UTC day.
func cutAtMidnights(ivs []workhours.Interval) []workhours.Interval {
	var out []workhours.Interval
	for _, iv := range ivs {
		for from := iv.From; from.Before(iv.To); {
			to := from.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
			if iv.To.Before(to) {
				to = iv.To
			}
			out = append(out, workhours.Interval{From: from, To: to})
			from = to
		}
	}
	return out
}

// utcDay is t's UTC day, counted from 1970-01-01 (negative before it).
// (Truncating to whole days counts from the zero time, a UTC midnight.)
func utcDay(t time.Time) int64 { return t.UTC().Truncate(24*time.Hour).Unix() / 86400 }
