package analysis

import (
	"context"
	"strconv"
)

// MutingSilence is a silence and how many alerts it muted.
type MutingSilence struct {
	Source    string `json:"source"`
	ID        string `json:"id"`
	Alerts    int    `json:"alerts"`
	CreatedBy string `json:"created_by"`
	Comment   string `json:"comment"`
}

// SilencesTop is the answer: the silences, most alerts first.
type SilencesTop struct {
	Silences []MutingSilence `json:"silences"`
}

// SilencesTopInput is the window, the filters and how many to list.
type SilencesTopInput struct {
	Common
	Limit int `param:"limit"`
}

// SilencesTop lists the silences that muted the most alerts in the window.
func (a *Analyzer) SilencesTop(ctx context.Context, in SilencesTopInput) (SilencesTop, error) {
	params, data := in.Params()
	params["limit"] = strconv.Itoa(in.Limit)
	rows, err := run[MutingSilence](ctx, a, "silences_top", data, params)
	return SilencesTop{Silences: rows}, err
}
