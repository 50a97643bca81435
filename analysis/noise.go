package analysis

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/models"
)

// NoiseInput groups the load by a label.
type NoiseInput struct {
	Common
	By          string        `param:"by"`
	Short       time.Duration `param:"short"`
	LongRunning time.Duration `param:"long_running"`
}

// Noise counts notifications, episodes and firing time by a label, and
// lists unrouted and long-running episodes.
func (a *Analyzer) Noise(ctx context.Context, in NoiseInput) (models.Noise, error) {
	rows, unrouted, long, err := a.noiseFor(ctx, in.Common, in.By, in.Short, in.LongRunning)
	if err != nil {
		return models.Noise{}, err
	}
	return models.Noise{By: in.By, Rows: rows, Unrouted: unrouted, LongRunning: long,
		ShortSeconds: in.Short.Seconds(), LongRunningSeconds: in.LongRunning.Seconds()}, nil
}

func (a *Analyzer) noiseFor(ctx context.Context, com Common, by string, short, age time.Duration) ([]models.NoiseRow, []models.RoutedEpisode, []models.LongRunning, error) {
	var err error
	params, data := com.Params()
	params["by"] = by
	params["short_ms"] = strconv.FormatInt(short.Milliseconds(), 10)
	params["age_ms"] = strconv.FormatInt(age.Milliseconds(), 10)
	params["null_receivers"] = toCHArray(a.opts.NullReceivers)
	if params["wh"], params["wh_default"], err = intervalParams(a.opts.WorkingHours, com.From, com.To); err != nil {
		return nil, nil, nil, err
	}
	rows, err := run[models.NoiseRow](ctx, a, "noise", data, params)
	if err != nil {
		return nil, nil, nil, err
	}
	type flagged struct {
		models.RoutedEpisode
		FiringSeconds float64 `json:"firing_seconds"`
		Unrouted      bool    `json:"unrouted"`
		LongRunning   bool    `json:"long_running"`
	}
	eps, err := run[flagged](ctx, a, "noise_episodes", data, params)
	if err != nil {
		return nil, nil, nil, err
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
	return rows, unrouted, long, nil
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
		b.WriteString(quoteCH(r) + ":" + ivs)
	}
	b.WriteByte('}')
	return b.String(), def, nil
}
