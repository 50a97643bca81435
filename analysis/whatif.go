package analysis

import (
	"context"
	"time"

	"github.com/alertlens/alertlens/models"
)

// WhatIfInput is the window, the alerts (filters) and the tuning to replay.
type WhatIfInput struct {
	Common
	For           time.Duration `param:"for"`
	KeepFiringFor time.Duration `param:"keep_firing_for"`
}

type whatIfEpisode struct {
	Source        string       `json:"source"`
	Fingerprint   string       `json:"fingerprint"`
	StartsAt      models.Time  `json:"starts_at"`
	EndsAt        *models.Time `json:"ends_at"`
	Firing        int          `json:"firing"`
	FiringOOH     int          `json:"firing_ooh"`
	FiringSleep   int          `json:"firing_sleep"`
	Resolved      int          `json:"resolved"`
	ResolvedOOH   int          `json:"resolved_ooh"`
	ResolvedSleep int          `json:"resolved_sleep"`
	// Episodes is 1, or how many untuned episodes the row sums up (the
	// statement's SumUntuned).
	Episodes int `json:"episodes"`
}

func (e whatIfEpisode) add(c *models.WhatIfCounts, firing, resolved bool) {
	if firing {
		c.Notifications += e.Firing
		c.OutOfHours += e.FiringOOH
		c.SleepHours += e.FiringSleep
	}
	if resolved {
		c.Notifications += e.Resolved
		c.OutOfHours += e.ResolvedOOH
		c.SleepHours += e.ResolvedSleep
	}
}

// WhatIf replays the episodes that start in the window with a for: and a
// keep_firing_for: added to their alerts. With for: d, an episode shorter
// than d vanishes with all its notifications; the others keep theirs and
// start d later (the delay paid). With keep_firing_for: k, consecutive
// episodes of an alert whose gap is shorter than k merge into one, which
// keeps the first one's firing notifications and the last one's resolved
// ones; the others vanish. Both given: for: first, and the gaps are measured
// from the delayed starts. An episode still open has no length yet: it stays
// (and is delayed).
func (a *Analyzer) WhatIf(ctx context.Context, in WhatIfInput) (models.WhatIf, error) {
	params, data := in.Params()
	if err := a.bindHoursThrough(params, in.From, in.To); err != nil {
		return models.WhatIf{}, err
	}
	eps, err := run[whatIfEpisode](ctx, a, "whatif", data, params)
	if err != nil {
		return models.WhatIf{}, err
	}
	out := replay(eps, func(string, string) (time.Duration, time.Duration) { return in.For, in.KeepFiringFor })
	out.ForSeconds, out.KeepFiringForSeconds = in.For.Seconds(), in.KeepFiringFor.Seconds()
	return out, nil
}

// replay applies to each alert's episodes (in order per alert) the for:
// and keep_firing_for: that tuning gives it (zero: unchanged). A row that
// sums up several episodes must be of alerts tuning leaves unchanged.
func replay(eps []whatIfEpisode, tuning func(source, fingerprint string) (forD, keepFiringFor time.Duration)) models.WhatIf {
	var out models.WhatIf
	type tuned struct {
		whatIfEpisode
		forD, kff time.Duration
	}
	var kept []tuned // after for:, in order per alert
	for _, e := range eps {
		out.Before.Episodes += e.Episodes
		e.add(&out.Before, true, true)
		forD, kff := tuning(e.Source, e.Fingerprint)
		if forD > 0 && e.EndsAt != nil && e.EndsAt.Sub(e.StartsAt.Time) < forD {
			continue // it would never have fired
		}
		if forD > 0 {
			out.Delayed.Episodes++
			out.Delayed.MaxDelaySeconds = max(out.Delayed.MaxDelaySeconds, forD.Seconds())
		}
		kept = append(kept, tuned{e, forD, kff})
	}
	for i := 0; i < len(kept); {
		// A run of episodes of one alert, each starting less than
		// keep_firing_for after the previous one ended, is one episode.
		j := i
		for j+1 < len(kept) && kept[i].kff > 0 && kept[j+1].Source == kept[i].Source && kept[j+1].Fingerprint == kept[i].Fingerprint &&
			kept[j].EndsAt != nil && kept[j+1].StartsAt.Add(kept[i].forD).Sub(kept[j].EndsAt.Time) < kept[i].kff {
			j++
		}
		out.After.Episodes += kept[i].Episodes
		out.Merged += j - i
		kept[i].add(&out.After, true, i == j)
		if j > i {
			kept[j].add(&out.After, false, true)
		}
		i = j + 1
	}
	return out
}
