package analysis

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	amconfig "github.com/prometheus/alertmanager/config"
	"gopkg.in/yaml.v3"

	"github.com/alertlens/alertlens/models"
)

type groupPair struct {
	coPair
	Receiver string   `json:"receiver"`
	GroupBy  []string `json:"group_by"`
	BTotal   int      `json:"b_total"`
}

// SuggestGroupBy mines the co-occurrences (as SuggestInhibitRules does)
// that reached one receiver in separate groups: for each receiver and pair
// of alertnames (A, B), the B episodes that started while an A episode that
// began at most within before them still fired, their first firing
// notifications carrying different group keys. Support counts those B
// episodes, confidence divides by B's episodes notified to the receiver in
// the window; group_by is the labels every B episode agrees on with its
// best partner. Where an inhibit rule says "B is a symptom of A, drop it",
// this says "send them together".
func (a *Analyzer) SuggestGroupBy(ctx context.Context, in SuggestInput) (models.GroupBySuggestions, error) {
	params, data, err := a.coParams(in)
	if err != nil {
		return models.GroupBySuggestions{}, err
	}
	pairs, err := run[groupPair](ctx, a, "suggestions_group_by", data, params)
	if err != nil {
		return models.GroupBySuggestions{}, err
	}
	type key struct{ source, receiver, a, b string }
	type group struct {
		byB     map[string][]coPair
		current map[string]bool
		total   int
	}
	groups := map[key]*group{}
	for _, p := range pairs {
		k := key{p.Source, p.Receiver, p.AName, p.BName}
		g := groups[k]
		if g == nil {
			g = &group{byB: map[string][]coPair{}, current: map[string]bool{}, total: p.BTotal}
			groups[k] = g
		}
		for _, l := range p.GroupBy {
			g.current[l] = true
		}
		p.agree = p.agreeing()
		g.byB[p.target()] = append(g.byB[p.target()], p.coPair)
	}
	out := models.GroupBySuggestions{Suggestions: []models.GroupBySuggestion{}}
	for k, g := range groups {
		best, equal := bestPartners(g.byB)
		support := len(best)
		if len(equal) == 0 || support < in.MinSupport || g.total == 0 || float64(support)/float64(g.total) < in.MinConfidence {
			continue
		}
		s := models.GroupBySuggestion{Source: k.source, Receiver: k.receiver, Alertnames: []string{k.a, k.b},
			CurrentGroupBy: slices.Sorted(maps.Keys(g.current)), GroupBy: slices.Sorted(maps.Keys(equal)),
			Basis: models.Basis{Support: support, Confidence: float64(support) / float64(g.total), Evidence: []models.CoOccurrence{}}}
		for _, p := range best {
			if !sameOn(p, s.GroupBy) {
				return models.GroupBySuggestions{}, fmt.Errorf("suggested group_by %v does not group its own evidence %s, %s", s.GroupBy, p.AFP, p.BFP)
			}
			s.NotificationsSaved += p.BFiringDuring
			s.OutOfHoursSaved += p.BFiringOOH
			s.SleepHoursSaved += p.BFiringSleep
			s.Evidence = append(s.Evidence, models.CoOccurrence{SourceFingerprint: p.AFP, TargetFingerprint: p.BFP, SourceStartsAt: p.AStart, TargetStartsAt: p.BStart})
		}
		sort.Slice(s.Evidence, func(i, j int) bool {
			x, y := s.Evidence[i], s.Evidence[j]
			if !x.TargetStartsAt.Equal(y.TargetStartsAt.Time) {
				return x.TargetStartsAt.Before(y.TargetStartsAt.Time)
			}
			return x.TargetFingerprint < y.TargetFingerprint
		})
		if s.YAML, err = groupByYAML(s.Receiver, s.GroupBy); err != nil {
			return models.GroupBySuggestions{}, err
		}
		out.Suggestions = append(out.Suggestions, s)
	}
	sort.Slice(out.Suggestions, func(i, j int) bool {
		x, y := out.Suggestions[i], out.Suggestions[j]
		return before(x.NotificationsSaved, y.NotificationsSaved, x.Support, y.Support,
			fmt.Sprint(x.Source, x.Receiver, x.Alertnames), fmt.Sprint(y.Source, y.Receiver, y.Alertnames))
	})
	return out, nil
}

// groupByYAML writes the route change and checks it with Alertmanager's own
// route parser.
func groupByYAML(receiver string, groupBy []string) (string, error) {
	b, err := yaml.Marshal(struct {
		Receiver string   `yaml:"receiver"`
		GroupBy  []string `yaml:"group_by"`
	}{receiver, groupBy})
	if err != nil {
		return "", fmt.Errorf("writing group_by suggestion: %w", err)
	}
	var r amconfig.Route
	if err := yaml.Unmarshal(b, &r); err != nil {
		return "", fmt.Errorf("suggested route for %s does not parse as Alertmanager's: %w", receiver, err)
	}
	return string(b), nil
}
