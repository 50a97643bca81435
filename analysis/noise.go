package analysis

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
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
	// Both statements at once, on two of the engine's read connections
	// (each builds the window's episodes; neither needs the other).
	var rows []models.NoiseRow
	var total int
	var unrouted []models.RoutedEpisode
	var long []models.LongRunning
	g, gctx := errgroup.WithContext(ctx)
	g.Go(lane(func() (err error) {
		rows, total, err = a.noiseRows(gctx, data, params)
		return err
	}))
	g.Go(lane(func() (err error) {
		unrouted, long, err = a.noiseFlagged(gctx, data, params)
		return err
	}))
	if err := g.Wait(); err != nil {
		return models.Noise{}, err
	}
	return models.Noise{By: in.By, Rows: rows, Unrouted: unrouted, LongRunning: long, TotalKeys: total, Truncated: total > len(rows),
		ShortSeconds: in.Short.Seconds(), LongRunningSeconds: in.LongRunning.Seconds()}, nil
}

// noiseParams binds the noise statements' parameters.
func (a *Analyzer) noiseParams(com Common, by string, short, age time.Duration, limit int) (map[string]string, queries.Data, error) {
	var err error
	params, data := com.Params()
	params["by"] = by
	data.ByLabel = by != "alertname"
	data.NullReceivers = len(a.opts.NullReceivers) > 0
	params["short_ms"] = strconv.FormatInt(short.Milliseconds(), 10)
	params["age_ms"] = strconv.FormatInt(age.Milliseconds(), 10)
	params["null_receivers"] = queries.StringArray(a.opts.NullReceivers)
	params["limit"] = strconv.Itoa(limit)
	params["wh"], params["wh_default"], err = intervalParams(a.opts.WorkingHours, com.From, com.To)
	return params, data, err
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

// noiseFlagged lists the unrouted and the long-running episodes, the
// longest first.
func (a *Analyzer) noiseFlagged(ctx context.Context, data queries.Data, params map[string]string) ([]models.RoutedEpisode, []models.LongRunning, error) {
	type flagged struct {
		models.RoutedEpisode
		FiringSeconds float64 `json:"firing_seconds"`
		Unrouted      bool    `json:"unrouted"`
		LongRunning   bool    `json:"long_running"`
	}
	eps, err := run[flagged](ctx, a, "noise_episodes", data, params)
	if err != nil {
		return nil, nil, err
	}
	unrouted, long := []models.RoutedEpisode{}, []models.LongRunning{}
	for _, e := range eps {
		if e.Unrouted {
			unrouted = append(unrouted, e.RoutedEpisode)
		}
		if e.LongRunning {
			long = append(long, models.LongRunning{EpisodeRef: e.EpisodeRef, FiringSeconds: e.FiringSeconds})
		}
	}
	sort.SliceStable(long, func(i, j int) bool { return long[i].FiringSeconds > long[j].FiringSeconds })
	return unrouted, long, nil
}

// bindHoursThrough binds the hours of [from, to) as bindHours does, and
// those from to until now (wh_later, sh_later, …), for a statement that
// also counts notifications received after the window (those of the
// episodes that started in it: what-if, the savings of the suggestions;
// the "in_hours_through" fragment). Bound up to to only, a notification
// after it was out of working hours and in no sleep hours whenever it came;
// one list through now made every notification look through every interval
// since the window began (half a second of a weekly review at a big
// Alertmanager's scale).
func (a *Analyzer) bindHoursThrough(params map[string]string, from, to time.Time) error {
	if err := a.bindHours(params, from, to); err != nil {
		return err
	}
	through := to
	if now := a.now(); now.After(to) {
		through = now
	}
	var err error
	if params["wh_later"], params["wh_later_default"], err = intervalParams(a.opts.WorkingHours, to, through); err != nil {
		return err
	}
	params["sh_later"], params["sh_later_default"], err = intervalParams(a.opts.SleepHours, to, through)
	return err
}

// bindHours binds the working hours (wh, wh_default) and the sleep hours
// (sh, sh_default) of [from, to), which the "in_hours" fragment reads.
func (a *Analyzer) bindHours(params map[string]string, from, to time.Time) error {
	var err error
	if params["wh"], params["wh_default"], err = intervalParams(a.opts.WorkingHours, from, to); err != nil {
		return err
	}
	params["sh"], params["sh_default"], err = intervalParams(a.opts.SleepHours, from, to)
	return err
}

// intervalParams renders the hours of every configured receiver, and the
// default, over [from, to) as bound parameter values.
func intervalParams(wh config.WorkingHours, from, to time.Time) (perReceiver, def string, err error) {
	render := func(receiver string) (string, error) {
		sc, err := wh.For(receiver).Parse("working_hours")
		if err != nil {
			return "", err
		}
		var b strings.Builder
		b.WriteByte('[')
		for i, iv := range sc.Intervals(from, to) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("('" + iv.From.Format(chTime) + "','" + iv.To.Format(chTime) + "')")
		}
		b.WriteByte(']')
		return b.String(), nil
	}
	if def, err = render(""); err != nil {
		return "", "", err
	}
	names := make([]string, 0, len(wh.Receivers))
	for r := range wh.Receivers {
		names = append(names, r)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteByte('{')
	for i, r := range names {
		ivs, err := render(r)
		if err != nil {
			return "", "", err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(queries.Quote(r) + ":" + ivs)
	}
	b.WriteByte('}')
	return b.String(), def, nil
}
