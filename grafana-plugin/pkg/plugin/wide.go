package plugin

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// stateTimeline shapes /api/v1/states for Grafana's state-timeline panel:
// a time field and one string field per alert, holding its state
// (firing, silenced, inhibited, resolved) from each change to the next.
func stateTimeline(answer map[string]json.RawMessage) (data.Frames, error) {
	var evs []struct {
		At          time.Time `json:"at"`
		Source      string    `json:"source"`
		Fingerprint string    `json:"fingerprint"`
		Alertname   string    `json:"alertname"`
		State       string    `json:"state"`
	}
	if err := json.Unmarshal(orNull(answer["events"]), &evs); err != nil {
		return nil, fmt.Errorf("state_timeline: %w", err)
	}
	var times []time.Time
	index := map[time.Time]int{}
	names := map[string]string{}
	var keys []string
	for _, e := range evs {
		if _, ok := index[e.At]; !ok {
			index[e.At] = len(times)
			times = append(times, e.At)
		}
		k := e.Source + "/" + e.Fingerprint
		if _, ok := names[k]; !ok {
			names[k] = fmt.Sprintf("%s (%s, %s)", e.Alertname, e.Source, e.Fingerprint[:min(8, len(e.Fingerprint))])
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return names[keys[i]] < names[keys[j]] })
	values := map[string][]*string{}
	for _, k := range keys {
		values[k] = make([]*string, len(times))
	}
	for _, e := range evs {
		s := e.State
		values[e.Source+"/"+e.Fingerprint][index[e.At]] = &s
	}
	f := data.NewFrame("state_timeline", data.NewField("time", nil, times))
	for _, k := range keys {
		// Carry each state forward until the alert's next change.
		var last *string
		for i, v := range values[k] {
			if v != nil {
				last = v
			}
			values[k][i] = last
		}
		f.Fields = append(f.Fields, data.NewField(names[k], nil, values[k]))
	}
	return data.Frames{f}, nil
}

// notificationSeries shapes /api/v1/notifications/series as a wide time
// series: a time field and one number field per label value.
func notificationSeries(answer map[string]json.RawMessage) (data.Frames, error) {
	var pts []struct {
		T             time.Time `json:"t"`
		Key           string    `json:"key"`
		Notifications float64   `json:"notifications"`
	}
	if err := json.Unmarshal(orNull(answer["points"]), &pts); err != nil {
		return nil, fmt.Errorf("notifications_series: %w", err)
	}
	var times []time.Time
	index := map[time.Time]int{}
	var keys []string
	seen := map[string]bool{}
	for _, p := range pts {
		if _, ok := index[p.T]; !ok {
			index[p.T] = len(times)
			times = append(times, p.T)
		}
		if !seen[p.Key] {
			seen[p.Key] = true
			keys = append(keys, p.Key)
		}
	}
	sort.Strings(keys)
	vals := map[string][]float64{}
	for _, k := range keys {
		vals[k] = make([]float64, len(times))
	}
	for _, p := range pts {
		vals[p.Key][index[p.T]] = p.Notifications
	}
	f := data.NewFrame("notifications", data.NewField("time", nil, times))
	for _, k := range keys {
		name := k
		if name == "" {
			name = "(none)"
		}
		f.Fields = append(f.Fields, data.NewField(name, nil, vals[k]))
	}
	return data.Frames{f}, nil
}
