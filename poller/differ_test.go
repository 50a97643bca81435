package poller

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-openapi/strfmt"
	"github.com/prometheus/alertmanager/api/v2/models"

	"github.com/alertlens/alertlens/store"
)

var t0 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

func dt(t time.Time) *strfmt.DateTime { d := strfmt.DateTime(t); return &d }
func sp(s string) *string             { return &s }

// al builds an API alert: fp, state, startsAt offset (minutes), silencedBy, inhibitedBy.
func al(fp, state string, startMin int, silenced, inhibited []string) *models.GettableAlert {
	return &models.GettableAlert{
		Fingerprint: sp(fp), StartsAt: dt(t0.Add(time.Duration(startMin) * time.Minute)), EndsAt: dt(t0.Add(time.Hour)),
		UpdatedAt: dt(t0), Status: &models.AlertStatus{State: sp(state), SilencedBy: silenced, InhibitedBy: inhibited},
		Receivers: []*models.ReceiverReference{{Name: sp("team")}},
		Alert:     models.Alert{Labels: models.LabelSet{"alertname": "A" + fp, "severity": "P1"}},
	}
}

func sil(id string, updatedMin int, state string) *models.GettableSilence {
	return &models.GettableSilence{
		ID: sp(id), UpdatedAt: dt(t0.Add(time.Duration(updatedMin) * time.Minute)), Status: &models.SilenceStatus{State: sp(state)},
		Silence: models.Silence{
			Comment: sp("c"), CreatedBy: sp("bob"), StartsAt: dt(t0), EndsAt: dt(t0.Add(2 * time.Hour)),
			Matchers: models.Matchers{{Name: sp("alertname"), Value: sp("X"), IsRegex: new(bool)}},
		},
	}
}

// summary renders state rows as "fp:kind:state" in order.
func summary(rows []store.AlertState) string {
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s:%s:%s", r.Fingerprint, r.Kind, r.State))
	}
	return strings.Join(parts, " ")
}

func TestDifferTransitions(t *testing.T) {
	type step struct {
		alerts []*models.GettableAlert
		failed bool
		want   string
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"appear, unchanged, resolve", []step{
			{alerts: []*models.GettableAlert{al("a", "active", 0, nil, nil)}, want: "a:appeared:active"},
			{alerts: []*models.GettableAlert{al("a", "active", 0, nil, nil)}, want: ""},
			{alerts: nil, want: "a:resolved:resolved"},
			{alerts: nil, want: ""},
		}},
		{"silenced then unsilenced", []step{
			{alerts: []*models.GettableAlert{al("a", "active", 0, nil, nil)}, want: "a:appeared:active"},
			{alerts: []*models.GettableAlert{al("a", "suppressed", 0, []string{"s1"}, nil)}, want: "a:changed:suppressed"},
			{alerts: []*models.GettableAlert{al("a", "suppressed", 0, []string{"s1", "s2"}, nil)}, want: "a:changed:suppressed"},
			{alerts: []*models.GettableAlert{al("a", "active", 0, nil, nil)}, want: "a:changed:active"},
		}},
		{"inhibitor order does not matter", []step{
			{alerts: []*models.GettableAlert{al("a", "suppressed", 0, nil, []string{"x", "y"})}, want: "a:appeared:suppressed"},
			{alerts: []*models.GettableAlert{al("a", "suppressed", 0, nil, []string{"y", "x"})}, want: ""},
		}},
		{"failed poll resolves nothing", []step{
			{alerts: []*models.GettableAlert{al("a", "active", 0, nil, nil), al("b", "active", 0, nil, nil)}, want: "a:appeared:active b:appeared:active"},
			{failed: true},
			{failed: true},
			{alerts: []*models.GettableAlert{al("a", "active", 0, nil, nil), al("b", "active", 0, nil, nil)}, want: ""},
		}},
		{"re-fire between polls", []step{
			{alerts: []*models.GettableAlert{al("a", "active", 0, nil, nil)}, want: "a:appeared:active"},
			{alerts: []*models.GettableAlert{al("a", "active", 5, nil, nil)}, want: "a:resolved:resolved a:appeared:active"},
		}},
		{"endsAt in the past counts as resolved", []step{
			{alerts: []*models.GettableAlert{al("a", "active", 0, nil, nil)}, want: "a:appeared:active"},
			{alerts: []*models.GettableAlert{func() *models.GettableAlert {
				a := al("a", "active", 0, nil, nil)
				a.EndsAt = dt(t0.Add(30 * time.Second))
				return a
			}()}, want: "a:resolved:resolved"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := NewDiffer("prod", 0, State{})
			for i, s := range c.steps {
				at := t0.Add(time.Duration(i+1) * time.Minute)
				if s.failed {
					p := d.Failed(at, time.Second, "boom")
					if p.OK || p.Error != "boom" {
						t.Fatalf("step %d: failed-poll row %+v", i, p)
					}
					continue
				}
				ch, commit := d.Diff(Snapshot{At: at, Alerts: s.alerts})
				commit()
				if got := summary(ch.States); got != s.want {
					t.Fatalf("step %d: got %q, want %q", i, got, s.want)
				}
				for _, r := range ch.States {
					if !r.ObservedAt.Equal(at) {
						t.Fatalf("step %d: observed_at %v, want the poll time %v", i, r.ObservedAt, at)
					}
				}
				if !ch.Poll.OK || int(ch.Poll.Changes) != len(ch.States)+len(ch.Silences) {
					t.Fatalf("step %d: poll row %+v", i, ch.Poll)
				}
			}
		})
	}
}

func TestDifferUncommittedDiffIsRepeated(t *testing.T) {
	d := NewDiffer("prod", 0, State{})
	snap := Snapshot{At: t0, Alerts: []*models.GettableAlert{al("a", "active", 0, nil, nil)}}
	ch, _ := d.Diff(snap) // the queue refused it: no commit
	if summary(ch.States) != "a:appeared:active" {
		t.Fatal(summary(ch.States))
	}
	snap.At = t0.Add(time.Minute)
	ch, commit := d.Diff(snap)
	commit()
	if summary(ch.States) != "a:appeared:active" {
		t.Fatalf("after an uncommitted diff: %q, want the appearance again", summary(ch.States))
	}
}

func TestDifferResumeCreatesNoFakeTransitions(t *testing.T) {
	d := NewDiffer("prod", 0, State{})
	snap := Snapshot{At: t0, Alerts: []*models.GettableAlert{al("a", "suppressed", 0, []string{"s1"}, nil), al("b", "active", 0, nil, nil)},
		Silences: []*models.GettableSilence{sil("s1", 0, "active")}}
	ch, commit := d.Diff(snap)
	commit()
	// What LoadState would read back from the store.
	st := State{Alerts: map[string]store.AlertState{}, Silences: map[string]store.Silence{}}
	for _, r := range ch.States {
		st.Alerts[r.Fingerprint] = r
	}
	for _, s := range ch.Silences {
		st.Silences[s.ID] = s
	}
	d2 := NewDiffer("prod", 0, st)
	snap.At = t0.Add(time.Minute)
	ch2, _ := d2.Diff(snap)
	if len(ch2.States) != 0 || len(ch2.Silences) != 0 {
		t.Fatalf("after resume: %q and %d silences, want no changes", summary(ch2.States), len(ch2.Silences))
	}
}

func TestDifferSilencesAndStatus(t *testing.T) {
	d := NewDiffer("prod", 0, State{})
	status := &models.AlertmanagerStatus{Uptime: dt(t0), Config: &models.AlertmanagerConfig{Original: sp("route: {}")},
		Cluster: &models.ClusterStatus{Status: sp("ready")}, VersionInfo: &models.VersionInfo{Version: sp("0.25.0")}}
	steps := []struct {
		sils       []*models.GettableSilence
		status     *models.AlertmanagerStatus
		wantSil    int
		wantStatus bool
	}{
		{[]*models.GettableSilence{sil("s1", 0, "active")}, status, 1, true},
		{[]*models.GettableSilence{sil("s1", 0, "active")}, status, 0, false},
		{[]*models.GettableSilence{sil("s1", 0, "expired")}, nil, 1, false}, // expired by time: same version, new state
		{[]*models.GettableSilence{sil("s1", 5, "expired"), sil("s2", 5, "pending")}, nil, 2, false},
		{nil, nil, 0, false}, // silences not read: nothing changes
		{[]*models.GettableSilence{}, &models.AlertmanagerStatus{Uptime: dt(t0.Add(time.Hour)), Config: status.Config}, 0, true}, // restart
	}
	for i, s := range steps {
		ch, commit := d.Diff(Snapshot{At: t0.Add(time.Duration(i) * time.Minute), Silences: s.sils, Status: s.status})
		commit()
		if len(ch.Silences) != s.wantSil || (ch.Status != nil) != s.wantStatus {
			t.Fatalf("step %d: %d silence rows, status %v; want %d, %v", i, len(ch.Silences), ch.Status != nil, s.wantSil, s.wantStatus)
		}
	}
	ch, _ := d.Diff(Snapshot{At: t0, Silences: []*models.GettableSilence{func() *models.GettableSilence {
		s := sil("s9", 0, "active")
		s.EndsAt = dt(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
		return s
	}()}})
	if got := ch.Silences[0]; !got.EndsAt.Equal(store.MaxTime) || !got.Matchers[0].IsEqual || got.Matchers[0].IsRegex {
		t.Fatalf("silence row %+v: want endsAt clamped to %v and an equality matcher", got, store.MaxTime)
	}
}

func TestDifferCheckpoints(t *testing.T) {
	d := NewDiffer("prod", 10*time.Minute, State{})
	alerts := []*models.GettableAlert{al("a", "active", 0, nil, nil)}
	var kinds []string
	for i := range 25 {
		ch, commit := d.Diff(Snapshot{At: t0.Add(time.Duration(i) * time.Minute), Alerts: alerts})
		commit()
		for _, r := range ch.States {
			kinds = append(kinds, fmt.Sprintf("%d:%s", i, r.Kind))
		}
	}
	if got := strings.Join(kinds, " "); got != "0:appeared 10:checkpoint 20:checkpoint" {
		t.Fatalf("rows %q, want an appearance then a checkpoint every 10 minutes", got)
	}
}
