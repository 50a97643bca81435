package analysis

import (
	"fmt"
	"slices"
	"testing"
)

// The alerts whose stretches loops reads: those on a cycle of pairs
// (target inhibited by inhibitor) within one source. Each case's answer
// is read off its pairs.
func TestOnCycles(t *testing.T) {
	p := func(source, target, inhibitor string) pair { return pair{source, target, inhibitor} }
	cases := []struct {
		name  string
		pairs []pair
		want  []string
	}{
		{"no pairs", nil, []string{}},
		// a inhibited by b, b by c: no way back to a.
		{"a chain", []pair{p("s", "a", "b"), p("s", "b", "c")}, []string{}},
		// a and b inhibit each other; c, inhibited by a, leads into the
		// cycle and is not on it.
		{"two alerts and a tail", []pair{p("s", "a", "b"), p("s", "b", "a"), p("s", "c", "a")}, []string{"a", "b"}},
		// a -> b -> c -> a, and d beside them with a pair of its own.
		{"three alerts", []pair{p("s", "b", "c"), p("s", "c", "a"), p("s", "a", "b"), p("s", "d", "a")}, []string{"a", "b", "c"}},
		{"an alert inhibited by itself", []pair{p("s", "a", "a"), p("s", "b", "a")}, []string{"a"}},
		// The way back from b to a is in another source: inhibition is per
		// source, so there is no cycle.
		{"across sources", []pair{p("s1", "a", "b"), p("s2", "b", "a")}, []string{}},
		// Two cycles sharing nothing, in two sources, listed together.
		{"two sources, a cycle each", []pair{p("s1", "x", "y"), p("s1", "y", "x"), p("s2", "a", "b"), p("s2", "b", "a")}, []string{"a", "b", "x", "y"}},
		// One component of four: a -> b -> a and b -> c -> d -> b.
		{"two cycles through one alert", []pair{p("s", "a", "b"), p("s", "b", "a"), p("s", "b", "c"), p("s", "c", "d"), p("s", "d", "b"), p("s", "e", "d")}, []string{"a", "b", "c", "d"}},
		// c -> d -> c, c also inhibited by b, which is on no cycle and was
		// searched before (from a): the edge to b must not tie c to it.
		{"a cycle beside an alert searched before", []pair{p("s", "a", "b"), p("s", "c", "b"), p("s", "c", "d"), p("s", "d", "c")}, []string{"c", "d"}},
		// Two components, a <-> b and c <-> d, joined one way through x:
		// x leads from one to the other and is on neither.
		{"a path between two cycles", []pair{p("s", "a", "b"), p("s", "b", "a"), p("s", "b", "x"), p("s", "x", "c"), p("s", "c", "d"), p("s", "d", "c")}, []string{"a", "b", "c", "d"}},
	}
	// One cycle through 100,000 alerts (n00000 -> n00001 -> ... -> n99999
	// -> n00000) and a tail leading into it: every alert of the cycle, the
	// tail's none. The search goes as deep as the cycle is long.
	long := []pair{p("s", "tail", "n00000")}
	var ring []string
	for i := range 100000 {
		ring = append(ring, fmt.Sprintf("n%05d", i))
		long = append(long, p("s", fmt.Sprintf("n%05d", i), fmt.Sprintf("n%05d", (i+1)%100000)))
	}
	cases = append(cases, struct {
		name  string
		pairs []pair
		want  []string
	}{"a cycle of 100,000 alerts", long, ring})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := onCycles(c.pairs); !slices.Equal(got, c.want) {
				t.Errorf("onCycles = %q, want %q", got, c.want)
			}
		})
	}
}
