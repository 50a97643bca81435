package analysis

import (
	"context"
	"fmt"
	"slices"

	amconfig "github.com/prometheus/alertmanager/config"
)

// checkReceiver checks that a named receiver exists: one that received or
// was routed alerts, or that a stored Alertmanager configuration names. A
// typo then gets a 400 instead of an empty answer that looks like a quiet
// shift.
func (a *Analyzer) checkReceiver(ctx context.Context, com Common) error {
	if com.Receiver == "" {
		return nil
	}
	type seenRow struct {
		Seen bool `json:"seen"`
	}
	seen, err := run[seenRow](ctx, a, "receiver_seen", noData, map[string]string{"receiver": com.Receiver})
	if err != nil {
		return err
	}
	if len(seen) == 1 && seen[0].Seen {
		return nil
	}
	type cfgRow struct {
		Config string `json:"config"`
	}
	cfgs, err := run[cfgRow](ctx, a, "inhibit_config", noData, map[string]string{"to": com.To.UTC().Format(chTime), "source": ""})
	if err != nil {
		return err
	}
	for _, c := range cfgs {
		conf, err := amconfig.Load(c.Config)
		if err != nil {
			continue
		}
		if slices.ContainsFunc(conf.Receivers, func(r amconfig.Receiver) bool { return r.Name == com.Receiver }) {
			return nil
		}
	}
	return &ParamError{"receiver", fmt.Sprintf("%q is unknown: no alert was ever sent or routed to it, and no stored Alertmanager configuration names it", com.Receiver)}
}
