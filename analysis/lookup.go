package analysis

import (
	"context"
	"maps"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
)

// EpisodesInput selects episodes by window and filters.
type EpisodesInput struct{ Common }

// Episodes lists the episodes overlapping the window, in order of start,
// and names the first to fire: in an incident it is usually closest to the
// cause.
func (a *Analyzer) Episodes(ctx context.Context, in EpisodesInput) (models.Alerts, error) {
	eps, err := a.episodes(ctx, in.Common)
	if err != nil {
		return models.Alerts{}, err
	}
	out := models.Alerts{Episodes: eps}
	if len(eps) > 0 {
		out.FirstFired = &models.FirstFired{Fingerprint: eps[0].Fingerprint, Alertname: eps[0].Alertname, Source: eps[0].Source, StartsAt: eps[0].StartsAt}
	}
	return out, nil
}

func (a *Analyzer) episodes(ctx context.Context, com Common) ([]models.Episode, error) {
	params, data := com.Params()
	return listEpisodes(ctx, a, data, params, episodeRef)
}

// listEpisodes runs the episodes statement, each episode a T whose
// EpisodeRef ref finds, and sets their labels and names, which the
// statement leaves out: read once per alert, one map shared by the
// alert's episodes.
func listEpisodes[T any](ctx context.Context, a *Analyzer, data queries.Data, params map[string]string, ref func(*T) *models.EpisodeRef) ([]T, error) {
	eps, err := run[T](ctx, a, "episodes", data, params)
	if err != nil {
		return nil, err
	}
	err = a.nameAlerts(ctx, len(eps), func(i int) (string, *string, *map[string]string) {
		r := ref(&eps[i])
		return r.Fingerprint, &r.Alertname, &r.Labels
	})
	return eps, err
}

// nameAlerts gives the n alerts of an answer whose statement left out their
// names and labels (an alert's labels are the same in all its rows) theirs,
// read once per alert: at(i) is the i-th alert's fingerprint and where its
// name and labels go.
func (a *Analyzer) nameAlerts(ctx context.Context, n int, at func(i int) (string, *string, *map[string]string)) error {
	fps := map[string]bool{}
	for i := range n {
		fp, _, _ := at(i)
		fps[fp] = true
	}
	infos, err := a.alertInfos(ctx, fps)
	if err != nil {
		return err
	}
	for i := range n {
		fp, name, labels := at(i)
		if *name, *labels = infos[fp].Alertname, infos[fp].Labels; *labels == nil {
			*labels = map[string]string{}
		}
	}
	return nil
}

func episodeRef(e *models.Episode) *models.EpisodeRef { return &e.EpisodeRef }

// TimelineInput names one alert and a window.
type TimelineInput struct {
	Common
	Fingerprint string `param:"fingerprint"`
}

// Timeline lists one alert's notifications and state changes in order,
// with what alertlens last saw of it; the two are read at once, on two of
// the engine's read connections.
func (a *Analyzer) Timeline(ctx context.Context, in TimelineInput) (models.Timeline, error) {
	params, _ := in.Params()
	params["fingerprint"] = in.Fingerprint
	var (
		evs  []models.TimelineEvent
		info []models.AlertInfo
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(lane(func() (err error) {
		evs, err = run[models.TimelineEvent](gctx, a, "timeline", noData, params)
		return err
	}))
	g.Go(lane(func() (err error) {
		info, err = a.lastSeen(gctx, params)
		return err
	}))
	if err := g.Wait(); err != nil {
		return models.Timeline{}, err
	}
	tl := models.Timeline{Fingerprint: in.Fingerprint, Events: evs}
	if len(info) == 1 {
		tl.Alert = &info[0]
	}
	return tl, nil
}

// lastSeen is what alertlens last saw of the alert params name up to their
// "to" (alert_info.sql): read from their "from" on, where an alert with rows
// in the window has its latest one, and from the beginning when that finds
// no row, or no externalURL (an older notification may carry one).
func (a *Analyzer) lastSeen(ctx context.Context, params map[string]string) ([]models.AlertInfo, error) {
	p := maps.Clone(params)
	p["since"] = params["from"]
	info, err := run[models.AlertInfo](ctx, a, "alert_info", noData, p)
	if err != nil || (len(info) == 1 && info[0].ExternalURL != "") {
		return info, err
	}
	p["since"] = time.Unix(0, 0).UTC().Format(chTime)
	return run[models.AlertInfo](ctx, a, "alert_info", noData, p)
}
