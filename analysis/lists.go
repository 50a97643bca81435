package analysis

import (
	"context"
	"strconv"
)

// Listed is one value a filter can take, with how many episodes have it.
type Listed struct {
	Value    string `json:"value"`
	Episodes int    `json:"episodes"`
}

// ListAnswer is a list of values for a filter.
type ListAnswer struct {
	Values []Listed `json:"values"`
}

// ListInput is the window and filters, and how many values at most.
type ListInput struct {
	Common
	Limit int `param:"limit"`
}

// LabelValuesInput also names the label.
type LabelValuesInput struct {
	Common
	Name  string `param:"name"`
	Limit int    `param:"limit"`
}

// list runs one of the list statements (rows of value and episodes).
func (a *Analyzer) list(ctx context.Context, name string, com Common, limit int, extra map[string]string) (ListAnswer, error) {
	params, data := com.Params()
	params["limit"] = strconv.Itoa(limit)
	for k, v := range extra {
		params[k] = v
	}
	rows, err := run[Listed](ctx, a, name, data, params)
	return ListAnswer{Values: rows}, err
}

// Sources lists the sources with episodes in the window.
func (a *Analyzer) Sources(ctx context.Context, in ListInput) (ListAnswer, error) {
	return a.list(ctx, "sources", in.Common, in.Limit, nil)
}

// Receivers lists the receivers the window's episodes reached.
func (a *Analyzer) Receivers(ctx context.Context, in ListInput) (ListAnswer, error) {
	return a.list(ctx, "receivers", in.Common, in.Limit, nil)
}

// LabelNames lists the label names of the window's alerts.
func (a *Analyzer) LabelNames(ctx context.Context, in ListInput) (ListAnswer, error) {
	return a.list(ctx, "label_names", in.Common, in.Limit, nil)
}

// LabelValues lists the values one label takes on the window's alerts.
func (a *Analyzer) LabelValues(ctx context.Context, in LabelValuesInput) (ListAnswer, error) {
	return a.list(ctx, "label_values", in.Common, in.Limit, map[string]string{"name": in.Name})
}
