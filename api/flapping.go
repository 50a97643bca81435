package api

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/queries"
)

// FlappingAlert is one flapping fingerprint.
type FlappingAlert struct {
	Fingerprint                   string            `json:"fingerprint"`
	Alertname                     string            `json:"alertname"`
	Labels                        map[string]string `json:"labels"`
	Source                        string            `json:"source"`
	Episodes                      int               `json:"episodes"`
	Flaps                         int               `json:"flaps"`
	MedianEpisodeSeconds          *float64          `json:"median_episode_seconds"`
	MedianGapSeconds              *float64          `json:"median_gap_seconds"`
	SuggestedForSeconds           *float64          `json:"suggested_for_seconds"`
	SuggestedKeepFiringForSeconds *float64          `json:"suggested_keep_firing_for_seconds"`
}

// FlappingByAlertname rolls flapping fingerprints up by alertname.
type FlappingByAlertname struct {
	Alertname    string `json:"alertname"`
	Fingerprints int    `json:"fingerprints"`
	Episodes     int    `json:"episodes"`
	Flaps        int    `json:"flaps"`
}

// flappingMethod says in the answer how the suggestions were computed.
var flappingMethod = map[string]string{
	"flap":                              "an episode starting less than flap_gap after the previous episode of the same fingerprint ended; an alert is listed when at least min_flaps of its flaps start in the window",
	"suggested_for_seconds":             "smallest whole number of seconds S such that at least 90% of the alert's ended episodes starting in the window lasted less than S: lengthening the rule's for: by S would have kept them from firing",
	"suggested_keep_firing_for_seconds": "smallest whole number of seconds K such that at least 90% of the alert's flaps in the window came back within K of the previous episode's end: keep_firing_for: K would have merged them",
	"medians":                           "exact: the middle value, or the mean of the two middle values",
}

func durationParam(q url.Values, name string, def time.Duration) (time.Duration, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	d, err := config.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, &ParamError{name, fmt.Sprintf("%q is not a positive duration (e.g. 30m, 1h, 7d)", v)}
	}
	return time.Duration(d), nil
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &ParamError{name, fmt.Sprintf("%q is not a whole number from %d to %d", v, lo, hi)}
	}
	return n, nil
}

func (s *Server) flapping(ctx context.Context, c echo.Context) (any, error) {
	q := c.QueryParams()
	com, err := s.common(ctx, c)
	if err != nil {
		return nil, err
	}
	gap, err := durationParam(q, "flap_gap", time.Hour)
	if err != nil {
		return nil, err
	}
	minFlaps, err := intParam(q, "min_flaps", 2, 1, 1_000_000)
	if err != nil {
		return nil, err
	}
	alerts, by, err := s.flappingFor(ctx, com, gap, minFlaps)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"alerts": alerts, "by_alertname": by, "flap_gap_seconds": gap.Seconds(), "min_flaps": minFlaps, "method": flappingMethod,
	}, nil
}

func (s *Server) flappingFor(ctx context.Context, com Common, gap time.Duration, minFlaps int) ([]FlappingAlert, []FlappingByAlertname, error) {
	// Episodes are read from flap_gap before the window, to find the gap
	// before the first episode in it.
	ext := com
	ext.From = com.From.Add(-gap)
	params, match := ext.Params()
	params["win_from"] = com.From.UTC().Format(chTime)
	params["flap_gap_ms"] = strconv.FormatInt(gap.Milliseconds(), 10)
	params["min_flaps"] = strconv.Itoa(minFlaps)
	alerts, err := run[FlappingAlert](ctx, s, queries.Render("flapping", match), params)
	if err != nil {
		return nil, nil, err
	}
	roll := map[string]*FlappingByAlertname{}
	for _, a := range alerts {
		r := roll[a.Alertname]
		if r == nil {
			r = &FlappingByAlertname{Alertname: a.Alertname}
			roll[a.Alertname] = r
		}
		r.Fingerprints++
		r.Episodes += a.Episodes
		r.Flaps += a.Flaps
	}
	by := make([]FlappingByAlertname, 0, len(roll))
	for _, r := range roll {
		by = append(by, *r)
	}
	sort.Slice(by, func(i, j int) bool {
		if by[i].Flaps != by[j].Flaps {
			return by[i].Flaps > by[j].Flaps
		}
		return by[i].Alertname < by[j].Alertname
	})
	return alerts, by, nil
}
