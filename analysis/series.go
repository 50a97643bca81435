package analysis

import (
	"context"
	"strconv"
	"time"

	"github.com/alertlens/alertlens/models"
)

// StatesInput selects the alerts of the state timeline.
type StatesInput struct{ Common }

// States lists every alert entering a state in the window, for swimlanes.
func (a *Analyzer) States(ctx context.Context, in StatesInput) (models.States, error) {
	params, data := in.Params()
	evs, err := run[models.StateEvent](ctx, a, "state_timeline", data, params)
	if err != nil {
		return models.States{}, err
	}
	type transition struct {
		Source string      `json:"source"`
		At     models.Time `json:"at"`
		OK     bool        `json:"ok"`
	}
	ts, err := run[transition](ctx, a, "poll_transitions", noData, params)
	if err != nil {
		return models.States{}, err
	}
	// A failed poll starts a blind stretch, the next successful one ends
	// it; one still open ends with the window (or now).
	end := in.To
	if now := a.now(); now.Before(end) {
		end = now
	}
	endT := models.NewTime(end.UTC())
	blind := []models.Blind{}
	open := map[string]int{} // source -> index of its open stretch
	for _, t := range ts {
		i, isOpen := open[t.Source]
		switch {
		case !t.OK && !isOpen:
			open[t.Source] = len(blind)
			blind = append(blind, models.Blind{Source: t.Source, From: t.At, To: endT})
		case t.OK && isOpen:
			blind[i].To = t.At
			delete(open, t.Source)
		}
	}
	return models.States{Events: evs, Blind: blind}, nil
}

// SeriesInput selects notifications and how to bucket them.
type SeriesInput struct {
	Common
	By   string        `param:"by"`
	Step time.Duration `param:"step"`
}

// Series counts notifications per step and label value.
func (a *Analyzer) Series(ctx context.Context, in SeriesInput) (models.Series, error) {
	step := in.Step
	if step == 0 {
		// About 100 buckets by default, whole minutes.
		step = max(time.Minute, in.To.Sub(in.From)/100).Truncate(time.Minute)
	}
	if step < time.Second || in.To.Sub(in.From)/step > 10000 {
		return models.Series{}, &ParamError{"step", "must be at least 1s and give at most 10000 buckets"}
	}
	params, data := in.Params()
	params["by"] = in.By
	data.ByLabel = in.By != "alertname"
	params["step_s"] = strconv.Itoa(int(step.Seconds()))
	pts, err := run[models.SeriesPoint](ctx, a, "notifications_series", data, params)
	if err != nil {
		return models.Series{}, err
	}
	return models.Series{By: in.By, StepSeconds: step.Seconds(), Points: pts}, nil
}
