package analysis

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"time"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/common/model"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
)

// history is what the store knows of one alert's episodes: their starts
// (ms, ascending) and each one's earliest known end (nil: none).
type history struct {
	Fingerprint string   `json:"fingerprint"`
	Starts      []int64  `json:"starts"`
	Ends        []*int64 `json:"ends"`
}

// signals are the episode histories of inhibitors, per source and
// fingerprint.
type signals map[string]map[string]history

// inhibitorSignals reads the episode history of the inhibitors wanted, per
// source, for asking about moments from since on (an earlier moment may be
// answered wrongly). withEvents, when not nil, are the sources that sent
// events from scanFrom on: the others' events are not read.
func (a *Analyzer) inhibitorSignals(ctx context.Context, want map[string][]string, scanFrom string, since, to time.Time, withEvents map[string]bool) (signals, error) {
	from, err := time.Parse(chTime, scanFrom)
	if err != nil {
		return nil, fmt.Errorf("inhibitor histories from %q: %w", scanFrom, err)
	}
	to = to.Add(causeWindow).UTC()
	daysFrom, daysTo := wholeDays(from, to)
	out := signals{}
	for src, fps := range want {
		if len(fps) == 0 {
			continue
		}
		list := slices.Compact(slices.Sorted(slices.Values(fps)))
		hs, err := run[history](ctx, a, "inhibitor_signals", queries.Data{NoEvents: withEvents != nil && !withEvents[src]}, map[string]string{
			"source": src, "fingerprints": queries.StringArray(list), "scan_from": scanFrom, "since": since.UTC().Format(chTime), "to": to.Format(chTime),
			"days_from": daysFrom.Format(chTime), "days_to": daysTo.Format(chTime),
		})
		if err != nil {
			return nil, err
		}
		out[src] = map[string]history{}
		for _, h := range hs {
			if len(h.Ends) != len(h.Starts) {
				return nil, fmt.Errorf("inhibitor %s: %d starts and %d ends", h.Fingerprint, len(h.Starts), len(h.Ends))
			}
			out[src][h.Fingerprint] = h
		}
	}
	return out, nil
}

// wholeDays are the days (UTC) that lie wholly in [from, to), as the
// midnights [daysFrom, daysTo): read from the day summaries, the rest of
// the range from the raw rows. Equal when there is no such day.
func wholeDays(from, to time.Time) (daysFrom, daysTo time.Time) {
	daysFrom = from.UTC().Truncate(24 * time.Hour)
	if daysFrom.Before(from) {
		daysFrom = daysFrom.Add(24 * time.Hour)
	}
	daysTo = to.UTC().Truncate(24 * time.Hour)
	if daysTo.Before(daysFrom) {
		daysTo = daysFrom
	}
	return daysFrom, daysTo
}

// episodeAt returns the index of the latest episode of fp that had started
// by t (ok false when none had) and whether it had ended at or before t.
// An episode that a later one replaced ended at the later one's start, so
// only the latest start matters.
func (s signals) episodeAt(source, fp string, t time.Time) (i int, ended, ok bool) {
	h := s[source][fp]
	ms := t.UnixMilli()
	// The first start after t; the one before it is the latest by t.
	i = sort.Search(len(h.Starts), func(k int) bool { return h.Starts[k] > ms }) - 1
	if i < 0 {
		return 0, false, false
	}
	return i, h.Ends[i] != nil && *h.Ends[i] <= ms, true
}

// firingAt reports whether the inhibitor fp had an episode that started by
// t and had not ended at or before t. An inhibitor the history knows
// nothing of counts as firing: the poller saw it named, and no end is known.
func (s signals) firingAt(source, fp string, t time.Time) bool {
	if len(s[source][fp].Starts) == 0 {
		return true
	}
	_, ended, ok := s.episodeAt(source, fp, t)
	return ok && !ended
}

// refired finds an inhibitor whose episode at t started within causeWindow
// before t after an earlier episode of it: it resolved and fired again, and
// Alertmanager's inhibition briefly had no source.
func (s signals) refired(source string, fps []string, t time.Time) (cause, detail string) {
	for _, fp := range fps {
		i, _, ok := s.episodeAt(source, fp, t)
		if !ok || i == 0 {
			continue
		}
		start := time.UnixMilli(s[source][fp].Starts[i]).UTC()
		if t.Sub(start) > causeWindow {
			continue
		}
		return "inhibitor_refired", fmt.Sprintf("inhibitor %s fired again at %s (%s before)", fp, start.Format(time.RFC3339), t.Sub(start).Round(time.Second))
	}
	return "", ""
}

// configuredRules are each source's inhibit rules from its latest stored
// configuration, made by Alertmanager's own code.
type configuredRules map[string][]configuredRule

// any says whether some source has a configured rule.
func (rs configuredRules) any() bool {
	for _, src := range rs {
		if len(src) > 0 {
			return true
		}
	}
	return false
}

type configuredRule struct {
	rule *inhibit.InhibitRule
	name string
}

// configuredInhibitRules are the inhibit rules of each of sources' stored
// configuration as of to (see inhibitRules); none without sources.
func (a *Analyzer) configuredInhibitRules(ctx context.Context, sources map[string]bool, to time.Time) (configuredRules, error) {
	if len(sources) == 0 {
		return configuredRules{}, nil
	}
	list := slices.Sorted(maps.Keys(sources))
	return a.inhibitRules(ctx, to.UTC().Format(chTime), queries.StringArray(list))
}

// inhibitRules are the inhibit rules, in the configuration's order, of the
// Alertmanager configuration last stored before to (a bound DateTime64
// text) for each of sources (a bound array; empty: every source). A
// configuration that does not parse is logged and left out.
func (a *Analyzer) inhibitRules(ctx context.Context, to, sources string) (configuredRules, error) {
	type cfgRow struct {
		Source string `json:"source"`
		Config string `json:"config"`
	}
	cfgs, err := run[cfgRow](ctx, a, "inhibit_config", noData, map[string]string{"to": to, "sources": sources})
	if err != nil {
		return nil, err
	}
	out := configuredRules{}
	for _, c := range cfgs {
		conf, err := amconfig.Load(c.Config)
		if err != nil {
			a.log.LogAttrs(ctx, slog.LevelWarn, "analysis: stored Alertmanager config does not parse; its inhibit rules are unknown",
				slog.String("source", c.Source), slog.String("error", err.Error()))
			continue
		}
		for _, r := range conf.InhibitRules {
			ir := inhibit.NewInhibitRule(r)
			out[c.Source] = append(out[c.Source], configuredRule{rule: ir, name: ir.Name})
		}
	}
	return out, nil
}

// match returns the first configured rule of source under which one of the
// inhibitors mutes the target: the target matches its target matchers, the
// inhibitor its source matchers, and both agree on its equal labels.
func (rs configuredRules) match(source string, target map[string]string, inhibitors []map[string]string) *models.InhibitRule {
	if len(rs[source]) == 0 {
		return nil
	}
	tls := labelSet(target)
	for _, cr := range rs[source] {
		r := cr.rule
		if !r.TargetMatchers.Matches(tls) {
			continue
		}
		for _, inh := range inhibitors {
			ils := labelSet(inh)
			if !r.SourceMatchers.Matches(ils) {
				continue
			}
			same := true
			for l := range r.Equal {
				if tls[l] != ils[l] {
					same = false
				}
			}
			if same {
				equal := make([]string, 0, len(r.Equal))
				for l := range r.Equal {
					equal = append(equal, string(l))
				}
				sort.Strings(equal)
				return &models.InhibitRule{Name: cr.name, SourceMatchers: r.SourceMatchers.String(), TargetMatchers: r.TargetMatchers.String(), Equal: equal}
			}
		}
	}
	return nil
}

func labelSet(m map[string]string) model.LabelSet {
	ls := make(model.LabelSet, len(m))
	for k, v := range m {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	return ls
}
