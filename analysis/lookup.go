package analysis

import (
	"context"

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
	fps := map[string]bool{}
	for i := range eps {
		fps[ref(&eps[i]).Fingerprint] = true
	}
	infos, err := a.alertInfos(ctx, fps)
	if err != nil {
		return nil, err
	}
	for i := range eps {
		r := ref(&eps[i])
		info := infos[r.Fingerprint]
		if r.Alertname, r.Labels = info.Alertname, info.Labels; r.Labels == nil {
			r.Labels = map[string]string{}
		}
	}
	return eps, nil
}

func episodeRef(e *models.Episode) *models.EpisodeRef { return &e.EpisodeRef }

// TimelineInput names one alert and a window.
type TimelineInput struct {
	Common
	Fingerprint string `param:"fingerprint"`
}

// Timeline lists one alert's notifications and state changes in order.
func (a *Analyzer) Timeline(ctx context.Context, in TimelineInput) (models.Timeline, error) {
	params, _ := in.Params()
	params["fingerprint"] = in.Fingerprint
	evs, err := run[models.TimelineEvent](ctx, a, "timeline", noData, params)
	if err != nil {
		return models.Timeline{}, err
	}
	info, err := run[models.AlertInfo](ctx, a, "alert_info", noData, params)
	if err != nil {
		return models.Timeline{}, err
	}
	tl := models.Timeline{Fingerprint: in.Fingerprint, Events: evs}
	if len(info) == 1 {
		tl.Alert = &info[0]
	}
	return tl, nil
}
