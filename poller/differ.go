// Package poller reads Alertmanager's API v2 (alerts in every state,
// silences, status) on an interval and stores what changed: alert state
// transitions, new silence versions, status changes, and one row per poll.
//
// The Differ holds the last snapshot of one source and turns the next one
// into rows. It is the single place where a snapshot becomes history: the
// live poller and the importer of recordings both feed it, in time order.
package poller

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"time"

	"github.com/go-openapi/strfmt"
	"github.com/prometheus/alertmanager/api/v2/models"

	"github.com/alertlens/alertlens/store"
)

// alertKey is what, when it changes, makes a new alert_states row.
type alertKey struct {
	state       string
	startsAt    int64
	silencedBy  string
	inhibitedBy string
	mutedBy     string
	receivers   string
}

type tracked struct {
	key alertKey
	row store.AlertState // the last row written for it
}

type silenceKey struct {
	updatedAt int64
	state     string
}

// State is what a Differ remembers between polls; it is loaded from the
// store on restart so that a restart creates no fake transitions.
type State struct {
	Alerts         map[string]store.AlertState // fingerprint -> last row (never resolved ones)
	Silences       map[string]store.Silence    // id -> last version seen
	StatusHash     string                      // config hash + uptime of the last status stored
	LastCheckpoint time.Time
}

// Differ diffs successive snapshots of one source.
type Differ struct {
	source     string
	checkpoint time.Duration
	alerts     map[string]tracked
	silences   map[string]silenceKey
	statusHash string
	lastCkpt   time.Time
}

// NewDiffer starts from st (zero State for a source never seen).
func NewDiffer(source string, checkpoint time.Duration, st State) *Differ {
	d := &Differ{source: source, checkpoint: checkpoint, alerts: map[string]tracked{}, silences: map[string]silenceKey{},
		statusHash: st.StatusHash, lastCkpt: st.LastCheckpoint}
	for fp, r := range st.Alerts {
		d.alerts[fp] = tracked{key: keyOfRow(r), row: r}
	}
	for id, s := range st.Silences {
		d.silences[id] = silenceKey{updatedAt: s.UpdatedAt.UnixMilli(), state: s.State}
	}
	return d
}

// Snapshot is one successful poll.
type Snapshot struct {
	At       time.Time
	Duration time.Duration
	Alerts   []*models.GettableAlert
	// Silences is nil when the poll did not read silences (a recording may
	// omit them): known silences are then left as they are.
	Silences []*models.GettableSilence
	// Status is nil when not read; the last status stands.
	Status *models.AlertmanagerStatus
}

// Changes is what one snapshot adds to the history.
type Changes struct {
	States   []store.AlertState
	Silences []store.Silence
	Status   *store.AlertmanagerStatus
	Poll     store.Poll
}

// Diff computes the rows for snap. commit makes snap the new baseline; call
// it only once the rows are durably queued, so a failed append is diffed
// again next time instead of being lost.
func (d *Differ) Diff(snap Snapshot) (Changes, func()) {
	var ch Changes
	at := store.T(snap.At)
	nextAlerts := make(map[string]tracked, len(snap.Alerts))
	ckpt := d.checkpoint > 0 && snap.At.Sub(d.lastCkpt) >= d.checkpoint
	for _, a := range snap.Alerts {
		if a == nil || a.Fingerprint == nil {
			continue
		}
		fp := *a.Fingerprint
		row := alertRow(d.source, at, a)
		// An alert whose endsAt has passed is resolved even if the API
		// still lists it (docs/definitions.md, "Episode").
		if row.EndsAt != nil && !row.EndsAt.After(snap.At) {
			continue
		}
		k := keyOfRow(row)
		prev, seen := d.alerts[fp]
		switch {
		case !seen:
			row.Kind = store.KindAppeared
			ch.States = append(ch.States, row)
		case prev.key.startsAt != k.startsAt:
			// Re-fired between two polls: the old episode ended unseen.
			res := prev.row
			res.ObservedAt, res.Kind, res.State = at, store.KindResolved, "resolved"
			row.Kind = store.KindAppeared
			ch.States = append(ch.States, res, row)
		case prev.key != k:
			row.Kind = store.KindChanged
			ch.States = append(ch.States, row)
		case ckpt:
			row.Kind = store.KindCheckpoint
			ch.States = append(ch.States, row)
		default:
			row = prev.row // unchanged: keep the row as last written
		}
		nextAlerts[fp] = tracked{key: k, row: row}
	}
	for fp, prev := range d.alerts {
		if _, ok := nextAlerts[fp]; ok {
			continue
		}
		res := prev.row
		res.ObservedAt, res.Kind, res.State = at, store.KindResolved, "resolved"
		ch.States = append(ch.States, res)
	}
	sort.SliceStable(ch.States, func(i, j int) bool { return ch.States[i].Fingerprint < ch.States[j].Fingerprint })

	nextSil := d.silences
	if snap.Silences != nil {
		nextSil = make(map[string]silenceKey, len(snap.Silences))
		for _, s := range snap.Silences {
			if s == nil || s.ID == nil {
				continue
			}
			row := silenceRow(d.source, at, s)
			k := silenceKey{updatedAt: row.UpdatedAt.UnixMilli(), state: row.State}
			if prev, ok := d.silences[*s.ID]; !ok || prev != k {
				ch.Silences = append(ch.Silences, row)
			}
			nextSil[*s.ID] = k
		}
		// Silences Alertmanager garbage-collected are simply no longer
		// listed; their last version (expired) is already stored.
	}

	nextHash := d.statusHash
	if snap.Status != nil {
		st := statusRow(d.source, at, snap.Status)
		if h := st.ConfigHash + "@" + st.Uptime.UTC().Format(time.RFC3339Nano); h != d.statusHash {
			ch.Status = &st
			nextHash = h
		}
	}

	ch.Poll = store.Poll{PolledAt: at, Source: d.source, DurationSeconds: snap.Duration.Seconds(), OK: true,
		Alerts: uint32(len(snap.Alerts)), Silences: uint32(len(snap.Silences)), Changes: uint32(len(ch.States) + len(ch.Silences))}
	return ch, func() {
		d.alerts, d.silences, d.statusHash = nextAlerts, nextSil, nextHash
		if ckpt {
			d.lastCkpt = snap.At
		}
	}
}

// Failed returns the row for a failed poll. The baseline stays as it was:
// a failed poll never resolves anything.
func (d *Differ) Failed(at time.Time, took time.Duration, err string) store.Poll {
	return store.Poll{PolledAt: store.T(at), Source: d.source, DurationSeconds: took.Seconds(), OK: false, Error: err}
}

func keyOfRow(r store.AlertState) alertKey {
	return alertKey{
		state: r.State, startsAt: r.StartsAt.UnixMilli(),
		silencedBy: join(r.SilencedBy), inhibitedBy: join(r.InhibitedBy), mutedBy: join(r.MutedBy), receivers: join(r.Receivers),
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "\x00"
		}
		out += x
	}
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	if out == nil {
		out = []string{}
	}
	sort.Strings(out)
	return out
}

// tm converts an API time, clamping to what the store can hold: a silence
// "until 9999" would otherwise wrap around in DateTime64.
func tm(t *strfmt.DateTime) time.Time {
	if t == nil || time.Time(*t).IsZero() {
		return time.Time{}
	}
	v := time.Time(*t)
	if v.After(store.MaxTime) {
		return store.MaxTime
	}
	if v.Before(store.MinTime) {
		return store.MinTime
	}
	return v
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func alertRow(source string, at store.Time, a *models.GettableAlert) store.AlertState {
	r := store.AlertState{
		ObservedAt: at, Source: source, Fingerprint: str(a.Fingerprint),
		Labels: map[string]string(a.Labels), Annotations: map[string]string(a.Annotations),
		StartsAt: store.T(tm(a.StartsAt)), EndsAt: store.TP(tm(a.EndsAt)), UpdatedAt: store.TP(tm(a.UpdatedAt)),
		GeneratorURL: a.GeneratorURL.String(),
		SilencedBy:   []string{}, InhibitedBy: []string{}, MutedBy: []string{}, Receivers: []string{},
	}
	if r.Labels == nil {
		r.Labels = map[string]string{}
	}
	if r.Annotations == nil {
		r.Annotations = map[string]string{}
	}
	r.Alertname, r.Severity = r.Labels["alertname"], r.Labels["severity"]
	if a.Status != nil {
		r.State = str(a.Status.State)
		r.SilencedBy, r.InhibitedBy, r.MutedBy = sorted(a.Status.SilencedBy), sorted(a.Status.InhibitedBy), sorted(a.Status.MutedBy)
	}
	for _, rc := range a.Receivers {
		if rc != nil && rc.Name != nil {
			r.Receivers = append(r.Receivers, *rc.Name)
		}
	}
	sort.Strings(r.Receivers)
	return r
}

func silenceRow(source string, at store.Time, s *models.GettableSilence) store.Silence {
	r := store.Silence{
		Source: source, ID: str(s.ID), UpdatedAt: store.T(tm(s.UpdatedAt)), ObservedAt: at,
		CreatedBy: str(s.CreatedBy), Comment: str(s.Comment), StartsAt: store.T(tm(s.StartsAt)), EndsAt: store.T(tm(s.EndsAt)),
		Matchers: []store.Matcher{},
	}
	if s.Status != nil {
		r.State = str(s.Status.State)
	}
	for _, m := range s.Matchers {
		if m == nil {
			continue
		}
		isEqual := true // absent before Alertmanager 0.22: matchers were all equality
		if m.IsEqual != nil {
			isEqual = *m.IsEqual
		}
		isRegex := m.IsRegex != nil && *m.IsRegex
		r.Matchers = append(r.Matchers, store.Matcher{Name: str(m.Name), Value: str(m.Value), IsRegex: isRegex, IsEqual: isEqual})
	}
	return r
}

func statusRow(source string, at store.Time, s *models.AlertmanagerStatus) store.AlertmanagerStatus {
	r := store.AlertmanagerStatus{ObservedAt: at, Source: source, Uptime: store.T(tm(s.Uptime)), Peers: []string{}}
	if s.Config != nil {
		r.Config = str(s.Config.Original)
		h := sha256.Sum256([]byte(r.Config))
		r.ConfigHash = hex.EncodeToString(h[:8])
	}
	if s.VersionInfo != nil {
		r.Version = str(s.VersionInfo.Version)
	}
	if s.Cluster != nil {
		r.ClusterStatus = str(s.Cluster.Status)
		for _, p := range s.Cluster.Peers {
			if p != nil {
				r.Peers = append(r.Peers, str(p.Address))
			}
		}
		sort.Strings(r.Peers)
	}
	return r
}
