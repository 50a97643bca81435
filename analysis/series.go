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
	return models.States{Events: evs}, nil
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
	params["step_s"] = strconv.Itoa(int(step.Seconds()))
	pts, err := run[models.SeriesPoint](ctx, a, "notifications_series", data, params)
	if err != nil {
		return models.Series{}, err
	}
	return models.Series{By: in.By, StepSeconds: step.Seconds(), Points: pts}, nil
}
