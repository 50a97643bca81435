package analysis

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

type episodeWithURL struct {
	models.Episode
	GeneratorURL string `json:"generator_url"`
}

// HandoverInput is the shift: window and filters.
type HandoverInput struct{ Common }

// Handover tells the shift's story for the next on-call: what fired, what
// still fires, flapping, failed inhibitions and silence changes.
func (a *Analyzer) Handover(ctx context.Context, in HandoverInput) (models.Handover, error) {
	h, err := a.handoverFor(ctx, in.Common)
	if err != nil {
		return models.Handover{}, err
	}
	return *h, nil
}

func (a *Analyzer) handoverFor(ctx context.Context, com Common) (*models.Handover, error) {
	h := &models.Handover{From: models.NewTime(com.From), To: models.NewTime(com.To), Receiver: strings.Join(com.Receivers, ", "),
		Fired: []models.FiredGroup{}, StillFiring: []models.FiringEpisode{}, SilencesCreated: []models.HandoverSilence{},
		SilencesExpired: []models.HandoverSilence{}, SilencesExpiring: []models.HandoverSilence{}}
	params, data := com.Params()
	// (named and labelled before they are grouped by name)
	eps, err := listEpisodes(ctx, a, data, params, func(e *episodeWithURL) *models.EpisodeRef { return &e.EpisodeRef })
	if err != nil {
		return nil, err
	}
	groups := map[string]*models.FiredGroup{}
	alerts := map[string]map[string]bool{}
	for _, e := range eps {
		g := groups[e.Alertname]
		if g == nil {
			g = &models.FiredGroup{Alertname: e.Alertname, First: e.StartsAt, Last: e.StartsAt, GeneratorURL: e.GeneratorURL}
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
			h.StillFiring = append(h.StillFiring, models.FiringEpisode{Episode: e.Episode})
			g.StillFiringNow++
		}
	}
	for name, g := range groups {
		g.Alerts = len(alerts[name])
		h.Fired = append(h.Fired, *g)
	}
	if err := a.stillFiringStates(ctx, h.StillFiring, params); err != nil {
		return nil, err
	}
	sort.Slice(h.Fired, func(i, j int) bool {
		if h.Fired[i].Notifications != h.Fired[j].Notifications {
			return h.Fired[i].Notifications > h.Fired[j].Notifications
		}
		return h.Fired[i].Alertname < h.Fired[j].Alertname
	})
	if h.Flapping, _, err = a.flappingFor(ctx, com, time.Hour, 2); err != nil {
		return nil, err
	}
	if h.FailedInhibitions, err = a.failedFor(ctx, com); err != nil {
		return nil, err
	}
	type silRow struct {
		models.HandoverSilence
		Matchers    []store.Matcher `json:"matchers"`
		Created     bool            `json:"created"`
		Expired     bool            `json:"expired"`
		Expiring    bool            `json:"expiring"`
		ExternalURL string          `json:"external_url"`
	}
	sils, err := run[silRow](ctx, a, "handover_silences", noData, params)
	if err != nil {
		return nil, err
	}
	for _, r := range sils {
		hs := r.HandoverSilence
		hs.Matchers = matcherStrings(r.Matchers)
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

// stillFiringStates fills in what Alertmanager did with each still-firing
// alert at the shift's end, and puts the paging ones first (then silenced,
// inhibited, unknown; each by start).
func (a *Analyzer) stillFiringStates(ctx context.Context, eps []models.FiringEpisode, params map[string]string) error {
	if len(eps) == 0 {
		return nil
	}
	keys := make([]string, len(eps))
	for i, e := range eps {
		keys[i] = e.Source + "/" + e.Fingerprint
	}
	type stateRow struct {
		Source      string `json:"source"`
		Fingerprint string `json:"fingerprint"`
		State       string `json:"state"`
	}
	rows, err := run[stateRow](ctx, a, "states_at", noData, map[string]string{
		"fingerprints": queries.StringArray(keys), "scan_from": params["scan_from"], "to": params["to"]})
	if err != nil {
		return err
	}
	state := map[string]string{}
	for _, r := range rows {
		state[r.Source+"/"+r.Fingerprint] = r.State
	}
	rank := map[string]int{"firing": 0, "silenced": 1, "inhibited": 2, "unknown": 3}
	for i := range eps {
		s, ok := state[keys[i]]
		if !ok || s == "resolved" {
			// Never polled, or the poller saw it go while a notification
			// says it still fires: the history cannot tell.
			s = "unknown"
		}
		eps[i].State = s
	}
	sort.SliceStable(eps, func(i, j int) bool {
		if rank[eps[i].State] != rank[eps[j].State] {
			return rank[eps[i].State] < rank[eps[j].State]
		}
		return eps[i].StartsAt.Before(eps[j].StartsAt.Time)
	})
	return nil
}
