package analysis

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	amcommoncfg "github.com/prometheus/alertmanager/config/common"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/common/model"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

// SuggestInput is the window, the filters and the thresholds.
type SuggestInput struct {
	Common
	Within        time.Duration `param:"within"`
	MinSupport    int           `param:"min_support"`
	MinConfidence float64       `param:"min_confidence"`
}

type coPair struct {
	Source        string            `json:"source"`
	AName         string            `json:"a_name"`
	BName         string            `json:"b_name"`
	AFP           string            `json:"a_fp"`
	BFP           string            `json:"b_fp"`
	AStart        models.Time       `json:"a_start"`
	BStart        models.Time       `json:"b_start"`
	ALabels       map[string]string `json:"a_labels"`
	BLabels       map[string]string `json:"b_labels"`
	BFiringDuring int               `json:"b_firing_during"`
	BFiringOOH    int               `json:"b_firing_during_ooh"`
	BFiringSleep  int               `json:"b_firing_during_sleep"`

	agree map[string]bool // agreeing(), kept once per row
}

// supportRow is a candidate inhibit rule (A mutes B) meeting the
// thresholds: its support, and the B episodes its confidence divides by.
type supportRow struct {
	Source    string `json:"source"`
	AName     string `json:"a_name"`
	BName     string `json:"b_name"`
	Support   int    `json:"support"`
	BEpisodes int    `json:"b_episodes"`
}

// minedPair is one row of a rule's evidence: a B episode with its best
// partner, and the rule's equal labels.
type minedPair struct {
	coPair
	Equal []string `json:"equal"`
}

// coParams binds a co-occurrence statement's parameters: the window and
// filters, within, and the hours its savings are counted in.
func (a *Analyzer) coParams(in SuggestInput) (map[string]string, queries.Data, error) {
	params, data := in.Params()
	params["within_ms"] = strconv.FormatInt(in.Within.Milliseconds(), 10)
	return params, data, a.bindHoursThrough(params, in.From, in.To)
}

// target names the pair's B episode (fingerprint and start).
func (p coPair) target() string { return p.BFP + "@" + p.BStart.UTC().Format(time.RFC3339Nano) }

// agreeing are the labels other than alertname both alerts carry with the
// same value.
func (p coPair) agreeing() map[string]bool {
	out := map[string]bool{}
	for k, v := range p.BLabels {
		if k != model.AlertNameLabel && v != "" && p.ALabels[k] == v {
			out[k] = true
		}
	}
	return out
}

// SuggestInhibitRules mines co-occurrences: for each pair of alertnames
// (A, B) of a source, the B episodes that started while an A episode that
// began at most within before them still fired. The equal labels are those
// every such B episode shares with its best partner (the A episode agreeing
// on most labels); support counts those B episodes, confidence divides by
// all B episodes starting in the window. A rule is suggested when it meets
// both thresholds and has at least one equal label; each is checked by
// Alertmanager's own inhibit code against its evidence, and refused when a
// configured rule would mute A by B (a loop).
func (a *Analyzer) SuggestInhibitRules(ctx context.Context, in SuggestInput) (models.InhibitRuleSuggestions, error) {
	params, data, err := a.coParams(in)
	if err != nil {
		return models.InhibitRuleSuggestions{}, err
	}
	params["min_support"] = strconv.Itoa(in.MinSupport)
	params["min_confidence"] = strconv.FormatFloat(in.MinConfidence, 'g', -1, 64)
	out := models.InhibitRuleSuggestions{Suggestions: []models.InhibitRuleSuggestion{}, Refused: []models.RefusedSuggestion{}}
	// First the (A, B) that meet the thresholds, counted without listing
	// pairs of episodes; then the evidence of those only, one row per B
	// episode with its best partner. The evidence is as many rows as the
	// supports add up to: a limit is known before any is listed.
	supported, err := run[supportRow](ctx, a, "suggestions_inhibit_support", data, params)
	if err != nil || len(supported) == 0 {
		return out, err
	}
	support := map[[3]string]supportRow{}
	groups := make([][3]string, len(supported))
	evidence := 0
	for i, g := range supported {
		groups[i] = [3]string{g.Source, g.AName, g.BName}
		support[groups[i]] = g
		evidence += g.Support
	}
	if a.opts.MaxRows > 0 && evidence > a.opts.MaxRows {
		return out, &store.LimitError{Limit: store.LimitRows, Err: fmt.Errorf("%d candidate inhibit rules rest on %d co-occurrences, more than %d rows", len(supported), evidence, a.opts.MaxRows)}
	}
	params["groups"] = queries.StringTriples(groups)
	rows, err := run[minedPair](ctx, a, "suggestions_inhibit_rules", data, params)
	if err != nil {
		return out, err
	}
	sources := map[string]bool{}
	for _, r := range rows {
		sources[r.Source] = true
	}
	configured, err := a.configuredInhibitRules(ctx, sources, in.To)
	if err != nil {
		return models.InhibitRuleSuggestions{}, err
	}
	// The alerts a chain of configured rules may pass through (read only
	// when there are rules: without, no suggestion can close a loop).
	var seen map[string][]model.LabelSet
	if configured.any() {
		if seen, err = a.labelSets(ctx, params); err != nil {
			return models.InhibitRuleSuggestions{}, err
		}
	}
	type groupKey struct{ source, a, b string }
	byGroup := map[groupKey][]minedPair{}
	var order []groupKey
	for _, r := range rows {
		k := groupKey{r.Source, r.AName, r.BName}
		if byGroup[k] == nil {
			order = append(order, k)
		}
		byGroup[k] = append(byGroup[k], r)
	}
	for _, k := range order {
		best := byGroup[k]
		first := best[0]
		g := support[[3]string{k.source, k.a, k.b}]
		if g.Support != len(best) {
			return out, fmt.Errorf("inhibit rule %s -> %s: support %d counted, %d best partners found", k.a, k.b, g.Support, len(best))
		}
		s := models.InhibitRuleSuggestion{Source: k.source, Equal: first.Equal,
			Basis:          models.Basis{Support: g.Support, Confidence: float64(g.Support) / float64(g.BEpisodes)},
			SourceMatchers: []string{matcherText(k.a)}, TargetMatchers: []string{matcherText(k.b)}}
		rule, err := suggestedRule(k.a, k.b, first.Equal)
		if err != nil {
			return models.InhibitRuleSuggestions{}, err
		}
		pairs := make([]coPair, len(best))
		for i, p := range best {
			// Alertmanager's own inhibit rule must agree that A mutes B here.
			if !rule.SourceMatchers.Matches(labelSet(p.ALabels)) || !rule.TargetMatchers.Matches(labelSet(p.BLabels)) || !sameOn(p.coPair, first.Equal) {
				return models.InhibitRuleSuggestions{}, fmt.Errorf("suggested rule %s -> %s does not mute its own evidence", k.a, k.b)
			}
			s.NotificationsSaved += p.BFiringDuring
			s.OutOfHoursSaved += p.BFiringOOH
			s.SleepHoursSaved += p.BFiringSleep
			s.Evidence = append(s.Evidence, models.CoOccurrence{SourceFingerprint: p.AFP, TargetFingerprint: p.BFP, SourceStartsAt: p.AStart, TargetStartsAt: p.BStart})
			pairs[i] = p.coPair
		}
		sort.SliceStable(s.Evidence, func(i, j int) bool { return s.Evidence[i].TargetStartsAt.Before(s.Evidence[j].TargetStartsAt.Time) })
		if why := loopsWith(configured[k.source], pairs, seen[k.source]); why != "" {
			out.Refused = append(out.Refused, models.RefusedSuggestion{Source: k.source, SourceMatchers: s.SourceMatchers, TargetMatchers: s.TargetMatchers, Reason: why})
			continue
		}
		s.YAML = suggestionYAML(s)
		out.Suggestions = append(out.Suggestions, s)
	}
	sort.Slice(out.Suggestions, func(i, j int) bool {
		x, y := out.Suggestions[i], out.Suggestions[j]
		return before(x.NotificationsSaved, y.NotificationsSaved, x.Support, y.Support,
			x.Source+x.SourceMatchers[0]+x.TargetMatchers[0], y.Source+y.SourceMatchers[0]+y.TargetMatchers[0])
	})
	sort.Slice(out.Refused, func(i, j int) bool {
		return out.Refused[i].Source+out.Refused[i].SourceMatchers[0]+out.Refused[i].TargetMatchers[0] <
			out.Refused[j].Source+out.Refused[j].SourceMatchers[0]+out.Refused[j].TargetMatchers[0]
	})
	return out, nil
}

// before orders suggestions: the most notifications saved first, then the
// most support, then by name.
func before(savedX, savedY, supportX, supportY int, nameX, nameY string) bool {
	if savedX != savedY {
		return savedX > savedY
	}
	if supportX != supportY {
		return supportX > supportY
	}
	return nameX < nameY
}

// bestPartners picks each B episode's best partner (the A episode agreeing
// with it on most labels) and returns them with the labels all of them
// agree on. byB maps a B episode to its co-occurring pairs.
func bestPartners(byB map[string][]coPair) ([]coPair, map[string]bool) {
	var equal map[string]bool
	best := make([]coPair, 0, len(byB))
	for _, ps := range byB {
		b := ps[0]
		for _, p := range ps[1:] {
			if len(p.agree) > len(b.agree) {
				b = p
			}
		}
		best = append(best, b)
		if equal == nil {
			equal = maps.Clone(b.agree)
		} else {
			maps.DeleteFunc(equal, func(l string, _ bool) bool { return !b.agree[l] })
		}
	}
	return best, equal
}

func matcherText(alertname string) string {
	m, err := labels.NewMatcher(labels.MatchEqual, model.AlertNameLabel, alertname)
	if err != nil {
		return model.AlertNameLabel + "=" + strconv.Quote(alertname)
	}
	return m.String()
}

// suggestedRule builds the rule with Alertmanager's own config and inhibit
// code.
func suggestedRule(a, b string, equal []string) (*inhibit.InhibitRule, error) {
	sm, err := labels.NewMatcher(labels.MatchEqual, model.AlertNameLabel, a)
	if err != nil {
		return nil, fmt.Errorf("source matcher for %q: %w", a, err)
	}
	tm, err := labels.NewMatcher(labels.MatchEqual, model.AlertNameLabel, b)
	if err != nil {
		return nil, fmt.Errorf("target matcher for %q: %w", b, err)
	}
	var cr amcommoncfg.InhibitRule
	cr.SourceMatchers = amcommoncfg.Matchers{sm}
	cr.TargetMatchers = amcommoncfg.Matchers{tm}
	cr.Equal = equal
	return inhibit.NewInhibitRule(cr), nil
}

func sameOn(p coPair, equal []string) bool {
	for _, l := range equal {
		if p.ALabels[l] != p.BLabels[l] {
			return false
		}
	}
	return true
}

// loopsWith names the configured rules under which one of the target
// alerts would, directly or through a chain of alerts seen in the window,
// mute its source alert: with the suggestion they would close a loop.
// Up to maxLoopChecks evidence pairs are followed.
func loopsWith(rules []configuredRule, pairs []coPair, seen []model.LabelSet) string {
	if len(rules) == 0 {
		return ""
	}
	// Only alerts some rule can mute can be inside a chain.
	var nodes []model.LabelSet
	for _, set := range seen {
		for _, r := range rules {
			if r.rule.TargetMatchers.Matches(set) {
				nodes = append(nodes, set)
				break
			}
		}
	}
	for _, p := range pairs[:min(len(pairs), maxLoopChecks)] {
		if chain := muteChain(rules, labelSet(p.BLabels), labelSet(p.ALabels), nodes); chain != nil {
			return "it would close an inhibition loop with the configured rule" + map[bool]string{true: "s ", false: " "}[len(chain) > 1] + strings.Join(chain, ", then ")
		}
	}
	return ""
}

// maxLoopChecks bounds the evidence pairs a suggestion's loop check follows.
const maxLoopChecks = 20

// muteChain returns the rules by which from mutes to, directly or through
// alerts in nodes, in at most maxCycle steps (breadth first, so the
// shortest chain), or nil.
func muteChain(rules []configuredRule, from, to model.LabelSet, nodes []model.LabelSet) []string {
	type step struct {
		ls  model.LabelSet
		via []string
	}
	visited := make([]bool, len(nodes))
	frontier := []step{{ls: from}}
	for depth := 0; depth < maxCycle && len(frontier) > 0; depth++ {
		var next []step
		for _, x := range frontier {
			for _, r := range rules {
				if !r.rule.SourceMatchers.Matches(x.ls) {
					continue
				}
				name := r.name
				if name == "" {
					name = r.rule.SourceMatchers.String() + " -> " + r.rule.TargetMatchers.String()
				}
				if mutes(r.rule, x.ls, to) {
					return append(slices.Clone(x.via), name)
				}
				for i, y := range nodes {
					if !visited[i] && mutes(r.rule, x.ls, y) {
						visited[i] = true
						next = append(next, step{ls: y, via: append(slices.Clone(x.via), name)})
					}
				}
			}
		}
		frontier = next
	}
	return nil
}

// mutes says whether rule lets an alert labelled source mute one labelled
// target, as Alertmanager decides it: matchers and equal labels.
func mutes(rule *inhibit.InhibitRule, source, target model.LabelSet) bool {
	if !rule.SourceMatchers.Matches(source) || !rule.TargetMatchers.Matches(target) {
		return false
	}
	for l := range rule.Equal {
		if source[l] != target[l] {
			return false
		}
	}
	return true
}

func suggestionYAML(s models.InhibitRuleSuggestion) string {
	var b strings.Builder
	b.WriteString("- source_matchers:\n")
	for _, m := range s.SourceMatchers {
		fmt.Fprintf(&b, "    - %s\n", strconv.Quote(m))
	}
	b.WriteString("  target_matchers:\n")
	for _, m := range s.TargetMatchers {
		fmt.Fprintf(&b, "    - %s\n", strconv.Quote(m))
	}
	b.WriteString("  equal:\n")
	for _, l := range s.Equal {
		fmt.Fprintf(&b, "    - %s\n", strconv.Quote(l))
	}
	return b.String()
}
