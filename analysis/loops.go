package analysis

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/prometheus/common/model"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
)

// edge is one target's stretches inhibited by one inhibitor, in order
// (inhibition_stretches.sql).
type edge struct {
	Source    string  `json:"source"`
	Target    string  `json:"target"`
	Inhibitor string  `json:"inhibitor"`
	Starts    []int64 `json:"starts"` // ms
	Ends      []int64 `json:"ends"`   // ms, one per start
}

type span struct{ from, to time.Time }

// pair is a target the poller saw inhibited by an inhibitor
// (inhibition_pairs.sql).
type pair struct {
	Source    string `json:"source"`
	Target    string `json:"target"`
	Inhibitor string `json:"inhibitor"`
}

// onCycles are the alerts on some cycle of pairs within one source,
// sorted: those of a strongly connected component of more than one alert,
// and any alert inhibited by itself. The alerts are numbered once, per
// source, so the search runs on slices, not maps (50,000 pairs: 0.2 s with
// maps of fingerprints), and the edges lie in one slice, each alert's in a
// row (a week at a big Alertmanager's scale: 50,000 pairs, 50,000 alerts).
func onCycles(pairs []pair) []string {
	ids := map[string]map[string]int{} // source -> fingerprint -> alert
	fps := make([]string, 0, len(pairs))
	id := func(m map[string]int, fp string) int {
		if i, ok := m[fp]; ok {
			return i
		}
		m[fp] = len(fps)
		fps = append(fps, fp)
		return len(fps) - 1
	}
	from, to := make([]int, len(pairs)), make([]int, len(pairs))
	for i, p := range pairs {
		m := ids[p.Source]
		if m == nil {
			// The first source's map sized for every pair (most stores have
			// one source; growing it was a fifth of the search), the
			// others' grown.
			hint := 0
			if len(ids) == 0 {
				hint = len(pairs)
			}
			m = make(map[string]int, hint)
			ids[p.Source] = m
		}
		from[i], to[i] = id(m, p.Target), id(m, p.Inhibitor)
	}
	// off[v]:off[v+1] are alert v's edges in dst.
	off := make([]int, len(fps)+1)
	for _, v := range from {
		off[v+1]++
	}
	for v := range fps {
		off[v+1] += off[v]
	}
	dst := make([]int, len(pairs))
	fill := slices.Clone(off[:len(fps)])
	for i, v := range from {
		dst[fill[v]] = to[i]
		fill[v]++
	}
	on := map[string]bool{}
	components(off, dst, func(comp []int) {
		if v := comp[0]; len(comp) > 1 || slices.Contains(dst[off[v]:off[v+1]], v) {
			for _, v := range comp {
				on[fps[v]] = true
			}
		}
	})
	return slices.Sorted(maps.Keys(on))
}

// components hands each strongly connected component of the graph whose
// node v has edges to dst[off[v]:off[v+1]] to each (valid until it
// returns), by Tarjan's algorithm, walked with a stack of its own:
// recursing, a chain of 50,000 alerts grew the goroutine's stack by
// copying it over and over (a third of the search).
func components(off, dst []int, each func(comp []int)) {
	n := len(off) - 1
	index := make([]int, n) // visit order + 1; 0 not yet visited
	low := make([]int, n)
	onStack := make([]bool, n)
	next := make([]int, n) // v's next edge to follow
	var stack, path []int  // path: the nodes being visited, innermost last
	visited := 0
	enter := func(v int) {
		visited++
		index[v], low[v], next[v] = visited, visited, off[v]
		stack = append(stack, v)
		onStack[v] = true
		path = append(path, v)
	}
	for root := range n {
		if index[root] != 0 {
			continue
		}
		enter(root)
		for len(path) > 0 {
			v := path[len(path)-1]
			if next[v] < off[v+1] {
				w := dst[next[v]]
				next[v]++
				if index[w] == 0 {
					enter(w)
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			// Every edge of v followed: v is done.
			path = path[:len(path)-1]
			if len(path) > 0 {
				u := path[len(path)-1]
				low[u] = min(low[u], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			k := len(stack) - 1
			for stack[k] != v {
				k--
			}
			for _, w := range stack[k:] {
				onStack[w] = false
			}
			each(stack[k:])
			stack = stack[:k]
		}
	}
}

// maxCycle bounds the length of loops searched for.
const maxCycle = 8

// maxLabelSets bounds the label sets inhibit rules are evaluated against.
const maxLabelSets = 20000

// LoopsInput selects the window and filters.
type LoopsInput struct{ Common }

// Loops finds alerts that inhibited each other at overlapping times, and
// inhibit rules in the stored configurations that can form cycles.
func (a *Analyzer) Loops(ctx context.Context, in LoopsInput) (models.Loops, error) {
	com := in.Common
	params, _ := com.Params()
	// A loop is a cycle of (target, inhibitor) pairs, so the pairs the
	// poller's rows name are read first, and the stretches only of the
	// alerts on a cycle of them (none where there is no cycle, the usual
	// case).
	pairs, err := run[pair](ctx, a, "inhibition_pairs", noData, params)
	if err != nil {
		return models.Loops{}, err
	}
	var rows []edge
	if cyclic := onCycles(pairs); len(cyclic) > 0 {
		p := maps.Clone(params)
		p["fingerprints"] = queries.StringArray(cyclic)
		if rows, err = run[edge](ctx, a, "inhibition_stretches", queries.Data{OnCycles: true}, p); err != nil {
			return models.Loops{}, err
		}
	}
	type edgeKey struct{ src, from, to string }
	edges := map[edgeKey][]span{}
	graph := map[string]map[string][]string{} // source -> fingerprint -> inhibitors
	for _, r := range rows {
		if len(r.Ends) != len(r.Starts) {
			return models.Loops{}, fmt.Errorf("inhibition stretches of %s by %s: %d starts and %d ends", r.Target, r.Inhibitor, len(r.Starts), len(r.Ends))
		}
		if graph[r.Source] == nil {
			graph[r.Source] = map[string][]string{}
		}
		graph[r.Source][r.Target] = append(graph[r.Source][r.Target], r.Inhibitor)
		spans := make([]span, len(r.Starts))
		for i := range r.Starts {
			spans[i] = span{time.UnixMilli(r.Starts[i]).UTC(), time.UnixMilli(r.Ends[i]).UTC()}
		}
		edges[edgeKey{r.Source, r.Target, r.Inhibitor}] = spans
	}
	loops := []models.Loop{}
	sources := make([]string, 0, len(graph))
	for src := range graph {
		sources = append(sources, src)
	}
	sort.Strings(sources)
	for _, src := range sources {
		for _, cyc := range cycles(graph[src]) {
			common := []span{{time.Time{}, time.Unix(1<<40, 0)}}
			for i, f := range cyc {
				common = intersect(common, edges[edgeKey{src, f, cyc[(i+1)%len(cyc)]}])
			}
			if len(common) == 0 {
				continue
			}
			loops = append(loops, models.Loop{Source: src, Fingerprints: cyc, FirstSeen: models.Time{Time: common[0].from}, LastSeen: models.Time{Time: common[len(common)-1].to}})
		}
	}
	// The loops' alerts are named once each (an alert's name is its
	// alertname label).
	fps := map[string]bool{}
	for _, l := range loops {
		for _, f := range l.Fingerprints {
			fps[f] = true
		}
	}
	infos, err := a.alertInfos(ctx, fps)
	if err != nil {
		return models.Loops{}, err
	}
	for i, l := range loops {
		for _, f := range l.Fingerprints {
			loops[i].Alertnames = append(loops[i].Alertnames, infos[f].Alertname)
		}
	}
	ruleLoops, err := a.ruleLoops(ctx, params)
	if err != nil {
		return models.Loops{}, err
	}
	return models.Loops{Loops: loops, RuleLoops: ruleLoops}, nil
}

// cycles lists the elementary cycles of g (up to maxCycle long), each
// starting at its smallest node, in a stable order.
func cycles(g map[string][]string) [][]string {
	nodes := make([]string, 0, len(g))
	for n := range g {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	var out [][]string
	var path []string
	var walk func(start, n string)
	walk = func(start, n string) {
		next := slices.Clone(g[n])
		sort.Strings(next)
		for _, m := range next {
			switch {
			case m == start:
				out = append(out, slices.Clone(path))
			case m > start && !slices.Contains(path, m) && len(path) < maxCycle:
				path = append(path, m)
				walk(start, m)
				path = path[:len(path)-1]
			}
		}
	}
	for _, n := range nodes {
		path = []string{n}
		walk(n, n)
	}
	return out
}

// intersect returns the parts of a that lie within some span of b.
func intersect(a, b []span) []span {
	var out []span
	for _, x := range a {
		for _, y := range b {
			from, to := x.from, x.to
			if y.from.After(from) {
				from = y.from
			}
			if y.to.Before(to) {
				to = y.to
			}
			if from.Before(to) {
				out = append(out, span{from, to})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from.Before(out[j].from) })
	return out
}

func (a *Analyzer) ruleLoops(ctx context.Context, params map[string]string) ([]models.RuleLoop, error) {
	configured, err := a.inhibitRules(ctx, params["to"], params["sources"])
	if err != nil {
		return nil, err
	}
	out := []models.RuleLoop{}
	if !configured.any() {
		// No rule can feed another: the window's label sets (a read of
		// every alert seen in it) would be read for nothing.
		return out, nil
	}
	bySource, err := a.labelSets(ctx, params)
	if err != nil {
		return nil, err
	}
	for _, source := range slices.Sorted(maps.Keys(configured)) {
		rules := configured[source]
		// Rule i feeds rule j when a label set seen matches i's targets and
		// j's sources: an alert inhibited by i can itself inhibit under j.
		g := map[string][]string{}
		example := map[[2]int]model.LabelSet{}
		for i, ri := range rules {
			g[ruleNode(i)] = nil
			for j, rj := range rules {
				for _, ls := range bySource[source] {
					if ri.rule.TargetMatchers.Matches(ls) && rj.rule.SourceMatchers.Matches(ls) {
						g[ruleNode(i)] = append(g[ruleNode(i)], ruleNode(j))
						example[[2]int{i, j}] = ls
						break
					}
				}
			}
		}
		for _, cyc := range cycles(g) {
			rl := models.RuleLoop{Source: source}
			for k, n := range cyc {
				i, j := nodeRule(n), nodeRule(cyc[(k+1)%len(cyc)])
				r := rules[i].rule
				equal := make([]string, 0, len(r.Equal))
				for l := range r.Equal {
					equal = append(equal, string(l))
				}
				sort.Strings(equal)
				ex := map[string]string{}
				for k, v := range example[[2]int{i, j}] {
					ex[string(k)] = string(v)
				}
				rl.Rules = append(rl.Rules, models.RuleStep{Index: i, SourceMatchers: r.SourceMatchers.String(), TargetMatchers: r.TargetMatchers.String(), Equal: equal, Example: ex})
			}
			out = append(out, rl)
		}
	}
	return out, nil
}

// labelSets are the distinct label sets of the alerts seen in the window
// (params' from, to and source), up to maxLabelSets, per source: what
// inhibit rules are evaluated against.
func (a *Analyzer) labelSets(ctx context.Context, params map[string]string) (map[string][]model.LabelSet, error) {
	type lsRow struct {
		Source string            `json:"source"`
		Labels map[string]string `json:"labels"`
	}
	sets, err := run[lsRow](ctx, a, "label_sets", noData, map[string]string{
		"from": params["from"], "to": params["to"], "sources": params["sources"], "limit": strconv.Itoa(maxLabelSets)})
	if err != nil {
		return nil, err
	}
	out := map[string][]model.LabelSet{}
	for _, r := range sets {
		out[r.Source] = append(out[r.Source], labelSet(r.Labels))
	}
	return out, nil
}

// Rule indexes as graph nodes that sort numerically.
func ruleNode(i int) string { return fmt.Sprintf("%06d", i) }

func nodeRule(n string) int {
	var i int
	_, _ = fmt.Sscanf(n, "%d", &i)
	return i
}
