package analysis

import (
	"context"
	"fmt"
	"net/url"
	"reflect"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/report"
)

// Entry is an analysis as the outside calls it: its descriptor, and a
// function from a request's parameters to its typed answer.
type Entry struct {
	models.Descriptor
	// Run answers for the query parameters (path parameters included).
	Run func(ctx context.Context, a *Analyzer, q url.Values) (any, error)
	// Markdown renders an answer as Markdown; set where the descriptor
	// says Markdown.
	RenderMarkdown func(answer any) string
	// Input is the analysis function's input type, for checks.
	Input reflect.Type
}

// Registry lists every analysis with its function. A new analysis is one
// line here, one descriptor in models.Analyses, one function and its SQL.
func Registry() []Entry {
	return []Entry{
		entry("sources", (*Analyzer).Sources),
		entry("receivers", (*Analyzer).Receivers),
		entry("label_values", (*Analyzer).LabelValues),
		entry("label_names", (*Analyzer).LabelNames),
		entry("episodes", (*Analyzer).Episodes),
		entry("state_timeline", (*Analyzer).States),
		entry("notifications_series", (*Analyzer).Series),
		entry("timeline", (*Analyzer).Timeline),
		entry("flapping", (*Analyzer).Flapping),
		entry("inhibitions_failed", (*Analyzer).FailedInhibitions),
		entry("inhibitions_loops", (*Analyzer).Loops),
		entry("silences_stale", (*Analyzer).StaleSilences),
		entry("silences_top", (*Analyzer).SilencesTop),
		entry("noise", (*Analyzer).Noise),
		entry("suggestions_inhibit_rules", (*Analyzer).SuggestInhibitRules),
		entry("suggestions_group_by", (*Analyzer).SuggestGroupBy),
		entry("whatif", (*Analyzer).WhatIf),
		entry("explain", (*Analyzer).Explain),
		markdown(entry("handover", (*Analyzer).Handover), report.Handover),
		markdown(entry("weekly_review", (*Analyzer).WeeklyReview), report.Weekly),
	}
}

// entry binds the analysis function f to the descriptor called name. A
// name without a descriptor is a programming error that every test hits.
func entry[In, Out any](name string, f func(*Analyzer, context.Context, In) (Out, error)) Entry {
	d, ok := models.Lookup(name)
	if !ok {
		panic(fmt.Sprintf("analysis: no descriptor named %q in models.Analyses", name))
	}
	return Entry{
		Descriptor: d,
		Input:      reflect.TypeFor[In](),
		Run: func(ctx context.Context, a *Analyzer, q url.Values) (any, error) {
			var in In
			com, err := bind(d, q, a.now(), &in)
			if err != nil {
				return nil, err
			}
			if com != nil && d.Filters {
				if err := a.checkReceivers(ctx, *com); err != nil {
					return nil, err
				}
			}
			return f(a, ctx, in)
		},
	}
}

func markdown[Out any](e Entry, render func(Out) string) Entry {
	e.RenderMarkdown = func(answer any) string { return render(answer.(Out)) }
	return e
}
