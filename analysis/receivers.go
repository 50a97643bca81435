package analysis

import (
	"context"
	"fmt"
	"slices"
	"time"

	amconfig "github.com/prometheus/alertmanager/config"
)

// checkReceivers checks that every named receiver exists: one that
// received or was routed alerts, or that a stored Alertmanager
// configuration names. A typo then gets a 400 instead of an empty answer
// that looks like a quiet shift.
func (a *Analyzer) checkReceivers(ctx context.Context, com Common) error {
	type seenRow struct {
		Seen bool `json:"seen"`
	}
	var configured []amconfig.Receiver // read once, when a receiver was never seen
	var loaded bool
	for _, receiver := range com.Receivers {
		seen, err := run[seenRow](ctx, a, "receiver_seen", noData, map[string]string{"receiver": receiver})
		if err != nil {
			return err
		}
		if len(seen) == 1 && seen[0].Seen {
			continue
		}
		if !loaded {
			if configured, err = a.configuredReceivers(ctx, com.To); err != nil {
				return err
			}
			loaded = true
		}
		if !slices.ContainsFunc(configured, func(r amconfig.Receiver) bool { return r.Name == receiver }) {
			return &ParamError{"receiver", fmt.Sprintf("%q is unknown: no alert was ever sent or routed to it, and no stored Alertmanager configuration names it", receiver)}
		}
	}
	return nil
}

// configuredReceivers are the receivers of every source's stored
// Alertmanager configuration as of a moment.
func (a *Analyzer) configuredReceivers(ctx context.Context, at time.Time) ([]amconfig.Receiver, error) {
	type cfgRow struct {
		Config string `json:"config"`
	}
	cfgs, err := run[cfgRow](ctx, a, "inhibit_config", noData, map[string]string{"to": at.UTC().Format(chTime), "sources": "[]"})
	if err != nil {
		return nil, err
	}
	var out []amconfig.Receiver
	for _, c := range cfgs {
		if conf, err := amconfig.Load(c.Config); err == nil {
			out = append(out, conf.Receivers...)
		}
	}
	return out, nil
}
