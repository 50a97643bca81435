package analysis

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/alertlens/alertlens/models"
)

// flappingMethod says in the answer how the suggestions were computed.
var flappingMethod = map[string]string{
	"flap":                              "an episode starting less than flap_gap after the previous episode of the same fingerprint ended; an alert is listed when at least min_flaps of its flaps start in the window",
	"suggested_for_seconds":             "the smallest whole number of minutes longer than at least 80% of the alert's ended episodes starting in the window, in seconds: a for: that long would have kept them from firing",
	"suggested_keep_firing_for_seconds": "the smallest whole number of minutes longer than at least 80% of the alert's flap gaps (gaps shorter than flap_gap) in the window, in seconds: a keep_firing_for: that long would have merged them",
	"median_gap_seconds":                "the median of all gaps before the alert's episodes that start in the window, flaps or not",
	"medians":                           "exact: the middle value, or the mean of the two middle values",
}

// FlappingInput is the flapping analysis's window, filters and thresholds.
type FlappingInput struct {
	Common
	FlapGap  time.Duration `param:"flap_gap"`
	MinFlaps int           `param:"min_flaps"`
}

// Flapping lists the flapping alerts with suggested for: and
// keep_firing_for:, and rolls them up by alertname.
func (a *Analyzer) Flapping(ctx context.Context, in FlappingInput) (models.Flapping, error) {
	alerts, by, err := a.flappingFor(ctx, in.Common, in.FlapGap, in.MinFlaps)
	if err != nil {
		return models.Flapping{}, err
	}
	return models.Flapping{Alerts: alerts, ByAlertname: by, FlapGapSeconds: in.FlapGap.Seconds(), MinFlaps: in.MinFlaps, Method: flappingMethod}, nil
}

func (a *Analyzer) flappingFor(ctx context.Context, com Common, gap time.Duration, minFlaps int) ([]models.FlappingAlert, []models.FlappingByAlertname, error) {
	// Episodes are read from flap_gap before the window, to find the gap
	// before the first episode in it.
	params, data := com.widen(gap).Params()
	params["win_from"] = com.From.UTC().Format(chTime)
	params["flap_gap_ms"] = strconv.FormatInt(gap.Milliseconds(), 10)
	params["min_flaps"] = strconv.Itoa(minFlaps)
	alerts, err := run[models.FlappingAlert](ctx, a, "flapping", data, params)
	if err != nil {
		return nil, nil, err
	}
	if data.Match == "1" { // no label matchers: flapping.sql then leaves out the labels
		err := a.nameAlerts(ctx, len(alerts), func(i int) (string, *string, *map[string]string) {
			return alerts[i].Fingerprint, &alerts[i].Alertname, &alerts[i].Labels
		})
		if err != nil {
			return nil, nil, err
		}
	}
	roll := map[string]*models.FlappingByAlertname{}
	for _, al := range alerts {
		r := roll[al.Alertname]
		if r == nil {
			r = &models.FlappingByAlertname{Alertname: al.Alertname}
			roll[al.Alertname] = r
		}
		r.Fingerprints++
		r.Episodes += al.Episodes
		r.Flaps += al.Flaps
	}
	by := make([]models.FlappingByAlertname, 0, len(roll))
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
