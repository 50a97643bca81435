package api

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/alertlens/alertlens/queries"
)

// Time is a time from the store, answered as RFC 3339 UTC.
type Time = chTimeJSON

// episodeRef names an episode: (source, fingerprint, startsAt), with the
// alert's name and labels and its end (null while firing).
type episodeRef struct {
	Fingerprint string            `json:"fingerprint"`
	Alertname   string            `json:"alertname"`
	Labels      map[string]string `json:"labels"`
	Source      string            `json:"source"`
	StartsAt    Time              `json:"starts_at"`
	EndsAt      *Time             `json:"ends_at"`
}

// Episode is one firing period of one alert (DESIGN.md, "Episode").
type Episode struct {
	episodeRef
	Notifications    int     `json:"notifications"`
	SilencedSeconds  float64 `json:"silenced_seconds"`
	InhibitedSeconds float64 `json:"inhibited_seconds"`
}

func (s *Server) alerts(ctx context.Context, c echo.Context) (any, error) {
	com, err := s.common(ctx, c)
	if err != nil {
		return nil, err
	}
	eps, err := s.episodes(ctx, com)
	if err != nil {
		return nil, err
	}
	// In an incident the first alert to fire is usually closest to the
	// cause: name it (episodes are ordered by start).
	var first *FirstFired
	if len(eps) > 0 {
		first = &FirstFired{Fingerprint: eps[0].Fingerprint, Alertname: eps[0].Alertname, Source: eps[0].Source, StartsAt: eps[0].StartsAt}
	}
	return map[string]any{"episodes": eps, "first_fired": first}, nil
}

// FirstFired names the episode that started first.
type FirstFired struct {
	Fingerprint string `json:"fingerprint"`
	Alertname   string `json:"alertname"`
	Source      string `json:"source"`
	StartsAt    Time   `json:"starts_at"`
}

func (s *Server) episodes(ctx context.Context, com Common) ([]Episode, error) {
	params, match := com.Params()
	return run[Episode](ctx, s, queries.Render("episodes", match), params)
}

// Event is one entry of an alert's timeline.
type Event struct {
	At          Time     `json:"at"`
	Kind        string   `json:"kind"`
	Status      string   `json:"status,omitempty"`
	State       string   `json:"state,omitempty"`
	Receiver    string   `json:"receiver"`
	SilencedBy  []string `json:"silenced_by"`
	InhibitedBy []string `json:"inhibited_by"`
}

func (s *Server) timeline(ctx context.Context, c echo.Context) (any, error) {
	fp, err := parseFingerprint(c.Param("fingerprint"))
	if err != nil {
		return nil, err
	}
	com, err := s.common(ctx, c)
	if err != nil {
		return nil, err
	}
	params, _ := com.Params()
	params["fingerprint"] = fp
	evs, err := run[Event](ctx, s, queries.SQL("timeline"), params)
	if err != nil {
		return nil, err
	}
	return map[string]any{"fingerprint": fp, "events": evs}, nil
}
