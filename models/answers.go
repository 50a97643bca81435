package models

import (
	"fmt"
	"sort"
	"strings"
)

// The answers' fields are declared in alphabetical order of their JSON
// names where the answer is an envelope: the bytes then match what clients
// have always received.

// EpisodeRef names an episode: (source, fingerprint, startsAt), with the
// alert's name and labels and its end (null while firing).
type EpisodeRef struct {
	Fingerprint string            `json:"fingerprint"`
	Alertname   string            `json:"alertname"`
	Labels      map[string]string `json:"labels"`
	Source      string            `json:"source"`
	StartsAt    Time              `json:"starts_at"`
	EndsAt      *Time             `json:"ends_at"`
}

// Episode is one firing period of one alert.
type Episode struct {
	EpisodeRef
	Notifications    int     `json:"notifications"`
	SilencedSeconds  float64 `json:"silenced_seconds"`
	InhibitedSeconds float64 `json:"inhibited_seconds"`
}

// FirstFired names the episode that started first.
type FirstFired struct {
	Fingerprint string `json:"fingerprint"`
	Alertname   string `json:"alertname"`
	Source      string `json:"source"`
	StartsAt    Time   `json:"starts_at"`
}

// Alerts is the answer of the episode lookup.
type Alerts struct {
	Episodes   []Episode   `json:"episodes"`
	FirstFired *FirstFired `json:"first_fired"`
}

// TimelineEvent is one entry of an alert's timeline.
type TimelineEvent struct {
	At     Time   `json:"at"`
	Kind   string `json:"kind"`
	Status string `json:"status,omitempty"`
	State  string `json:"state,omitempty"`
	// Event is the event recorder's event type in snake case (kind event).
	Event       string   `json:"event,omitempty"`
	Receiver    string   `json:"receiver"`
	SilencedBy  []string `json:"silenced_by"`
	InhibitedBy []string `json:"inhibited_by"`
}

// Timeline is one alert's history.
type Timeline struct {
	Events      []TimelineEvent `json:"events"`
	Fingerprint string          `json:"fingerprint"`
	// Alert is what alertlens last saw of the alert up to the window's end
	// (null when it never saw it).
	Alert *AlertInfo `json:"alert"`
}

// AlertInfo is an alert as last seen: its labels and annotations, where it
// comes from, and the Alertmanager that sent it (for links to its
// silences).
type AlertInfo struct {
	Source       string            `json:"source"`
	Alertname    string            `json:"alertname"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	GeneratorURL string            `json:"generator_url"`
	ExternalURL  string            `json:"external_url"`
}

// FlappingAlert is one flapping fingerprint.
type FlappingAlert struct {
	Fingerprint                   string            `json:"fingerprint"`
	Alertname                     string            `json:"alertname"`
	Labels                        map[string]string `json:"labels"`
	Source                        string            `json:"source"`
	Episodes                      int               `json:"episodes"`
	Flaps                         int               `json:"flaps"`
	MedianEpisodeSeconds          *float64          `json:"median_episode_seconds"`
	MedianGapSeconds              *float64          `json:"median_gap_seconds"`
	SuggestedForSeconds           *float64          `json:"suggested_for_seconds"`
	SuggestedKeepFiringForSeconds *float64          `json:"suggested_keep_firing_for_seconds"`
}

// FlappingByAlertname rolls flapping fingerprints up by alertname.
type FlappingByAlertname struct {
	Alertname    string `json:"alertname"`
	Fingerprints int    `json:"fingerprints"`
	Episodes     int    `json:"episodes"`
	Flaps        int    `json:"flaps"`
}

// Flapping is the flapping analysis's answer.
type Flapping struct {
	Alerts         []FlappingAlert       `json:"alerts"`
	ByAlertname    []FlappingByAlertname `json:"by_alertname"`
	FlapGapSeconds float64               `json:"flap_gap_seconds"`
	Method         map[string]string     `json:"method"`
	MinFlaps       int                   `json:"min_flaps"`
}

// Inhibitor is an alert that inhibited another.
type Inhibitor struct {
	Fingerprint string `json:"fingerprint"`
	Alertname   string `json:"alertname"`
}

// InhibitRule is an inhibit rule as Alertmanager configured it.
type InhibitRule struct {
	Name           string   `json:"name"`
	SourceMatchers string   `json:"source_matchers"`
	TargetMatchers string   `json:"target_matchers"`
	Equal          []string `json:"equal"`
}

// FailedInhibition is one notification that went out although the alert
// was inhibited.
type FailedInhibition struct {
	Fingerprint string            `json:"fingerprint"`
	Alertname   string            `json:"alertname"`
	Labels      map[string]string `json:"labels"`
	Receiver    string            `json:"receiver"`
	Source      string            `json:"source"`
	NotifiedAt  Time              `json:"notified_at"`
	InhibitedBy []Inhibitor       `json:"inhibited_by"`
	// Basis is what decided it: "events" (Alertmanager's own decisions) or
	// "polls" (inferred from the API snapshots around it).
	Basis string `json:"basis"`
	// Rule is the inhibit rule that muted the alert, when known.
	Rule *InhibitRule `json:"rule"`
	// Cause is restart, reload or inhibitor_refired when the history shows
	// one shortly before: inhibition state is rebuilt then.
	Cause *string `json:"cause"`
	// KnownCause says the cause in words, with its time.
	KnownCause string `json:"known_cause,omitempty"`
}

// FailedInhibitions is the failed-inhibition analysis's answer.
type FailedInhibitions struct {
	Failures []FailedInhibition `json:"failures"`
}

// Loop is a cycle of alerts inhibiting each other at overlapping times.
type Loop struct {
	Source       string   `json:"source"`
	Fingerprints []string `json:"fingerprints"`
	Alertnames   []string `json:"alertnames"`
	FirstSeen    Time     `json:"first_seen"`
	LastSeen     Time     `json:"last_seen"`
}

// RuleLoop is a cycle of inhibit rules whose targets can be each other's
// sources, shown with label sets seen that make each step possible.
type RuleLoop struct {
	Source string     `json:"source"`
	Rules  []RuleStep `json:"rules"`
}

// RuleStep is one rule of a rule loop.
type RuleStep struct {
	Index          int      `json:"index"`
	SourceMatchers string   `json:"source_matchers"`
	TargetMatchers string   `json:"target_matchers"`
	Equal          []string `json:"equal"`
	// Example is a label set seen that matches this rule's target matchers
	// and the next rule's source matchers.
	Example map[string]string `json:"example"`
}

// Loops is the inhibition-loop analysis's answer.
type Loops struct {
	Loops     []Loop     `json:"loops"`
	RuleLoops []RuleLoop `json:"rule_loops"`
}

// StaleSilence is one active silence with the reasons it looks stale.
type StaleSilence struct {
	ID            string   `json:"id"`
	Source        string   `json:"source"`
	Matchers      []string `json:"matchers"`
	CreatedBy     string   `json:"created_by"`
	Comment       string   `json:"comment"`
	StartsAt      Time     `json:"starts_at"`
	EndsAt        Time     `json:"ends_at"`
	Reasons       []string `json:"reasons"`
	LastMatchedAt *Time    `json:"last_matched_at"`
}

// StaleSilences is the stale-silence analysis's answer.
type StaleSilences struct {
	At            Time           `json:"at"`
	IdleSeconds   float64        `json:"idle_seconds"`
	MaxAgeSeconds float64        `json:"max_age_seconds"`
	Silences      []StaleSilence `json:"silences"`
}

// NoiseRow is one key's load.
type NoiseRow struct {
	Key           string  `json:"key"`
	Notifications int     `json:"notifications"`
	Episodes      int     `json:"episodes"`
	FiringSeconds float64 `json:"firing_seconds"`
	SelfResolving int     `json:"self_resolving"`
	OutOfHours    int     `json:"out_of_hours"`
}

// RoutedEpisode is an episode with the receivers it reached.
type RoutedEpisode struct {
	Episode
	Receivers []string `json:"receivers"`
}

// LongRunning is an episode that had fired for long.
type LongRunning struct {
	EpisodeRef
	FiringSeconds float64 `json:"firing_seconds"`
}

// Noise is the noise analysis's answer.
type Noise struct {
	By                 string        `json:"by"`
	LongRunning        []LongRunning `json:"long_running"`
	LongRunningSeconds float64       `json:"long_running_seconds"`
	Rows               []NoiseRow    `json:"rows"`
	ShortSeconds       float64       `json:"short_seconds"`
	// TotalKeys is how many keys there were; Truncated says rows holds only
	// the loudest limit of them.
	TotalKeys int             `json:"total_keys"`
	Truncated bool            `json:"truncated"`
	Unrouted  []RoutedEpisode `json:"unrouted"`
}

// ExplainSilence is a silence that silenced the alert.
type ExplainSilence struct {
	ID        string   `json:"id"`
	CreatedBy string   `json:"created_by"`
	Comment   string   `json:"comment"`
	Matchers  []string `json:"matchers"`
}

// ExplainInhibitor is an alert that inhibited it.
type ExplainInhibitor struct {
	Fingerprint string            `json:"fingerprint"`
	Alertname   string            `json:"alertname"`
	Labels      map[string]string `json:"labels"`
}

// NotificationRef is one notification.
type NotificationRef struct {
	At       Time   `json:"at"`
	Status   string `json:"status"`
	Receiver string `json:"receiver"`
	// Integration and Reason are known from events.
	Integration string `json:"integration,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// Explanation answers "what was this alert doing at T, and did it page?".
type Explanation struct {
	Fingerprint string `json:"fingerprint"`
	At          Time   `json:"at"`
	Source      string `json:"source"`
	Alertname   string `json:"alertname"`
	// State is firing, waiting (grouped, first notification not sent
	// yet), silenced, inhibited, resolved or unknown.
	State string `json:"state"`
	// Basis is what decided the state: events (Alertmanager's own
	// decisions), polls or notifications; null when nothing was seen.
	Basis    *string `json:"basis"`
	Notified bool    `json:"notified"`
	// NotifiedWhileMuted: a notification of this episode went out while it
	// was silenced or inhibited.
	NotifiedWhileMuted bool               `json:"notified_while_muted"`
	SilencedBy         []ExplainSilence   `json:"silenced_by"`
	InhibitedBy        []ExplainInhibitor `json:"inhibited_by"`
	// InhibitRules are the rules that muted it (from events).
	InhibitRules     []InhibitRule    `json:"inhibit_rules"`
	LastNotification *NotificationRef `json:"last_notification"`
	// PollerBlind is set when the last poll at or before T failed (or there
	// was none): the state is the last one seen, or unknown.
	PollerBlind bool  `json:"poller_blind"`
	LastPollAt  *Time `json:"last_successful_poll_at"`
	// PollerBlindSeconds is how long the poller had been blind at T (since
	// its last successful poll); null when it could see.
	PollerBlindSeconds *float64 `json:"poller_blind_seconds"`
	Summary            string   `json:"summary"`
}

// FiredGroup is what fired in a shift, by alertname.
type FiredGroup struct {
	Alertname      string  `json:"alertname"`
	Alerts         int     `json:"alerts"`
	Episodes       int     `json:"episodes"`
	Notifications  int     `json:"notifications"`
	First          Time    `json:"first"`
	Last           Time    `json:"last"`
	LongestSeconds float64 `json:"longest_seconds"`
	GeneratorURL   string  `json:"generator_url"`
	StillFiringNow int     `json:"still_firing"`
}

// HandoverSilence is a silence worth mentioning at a handover.
type HandoverSilence struct {
	ID        string   `json:"id"`
	Source    string   `json:"source"`
	CreatedBy string   `json:"created_by"`
	Comment   string   `json:"comment"`
	Matchers  []string `json:"matchers"`
	StartsAt  Time     `json:"starts_at"`
	EndsAt    Time     `json:"ends_at"`
	URL       string   `json:"url"`
}

// FiringEpisode is an episode still firing at the end of a shift, and what
// Alertmanager was doing with it then, as the poller last saw it: firing
// (paging), silenced, inhibited, or unknown (never polled).
type FiringEpisode struct {
	Episode
	State string `json:"state"`
}

// Handover is the shift's story.
type Handover struct {
	From              Time               `json:"from"`
	To                Time               `json:"to"`
	Receiver          string             `json:"receiver"`
	Fired             []FiredGroup       `json:"fired"`
	StillFiring       []FiringEpisode    `json:"still_firing"`
	Flapping          []FlappingAlert    `json:"flapping"`
	FailedInhibitions []FailedInhibition `json:"failed_inhibitions"`
	SilencesCreated   []HandoverSilence  `json:"silences_created"`
	SilencesExpired   []HandoverSilence  `json:"silences_expired"`
	SilencesExpiring  []HandoverSilence  `json:"silences_expiring"`
}

// Totals are one week's counts.
type Totals struct {
	Notifications int `json:"notifications"`
	Episodes      int `json:"episodes"`
	Alerts        int `json:"alerts"`
}

// WeeklyReport is the on-call review of one ISO week.
type WeeklyReport struct {
	Week                  string          `json:"week"`
	Timezone              string          `json:"timezone"`
	From                  Time            `json:"from"`
	To                    Time            `json:"to"`
	Receiver              string          `json:"receiver"`
	Totals                Totals          `json:"totals"`
	Previous              Totals          `json:"previous"`
	Change                Totals          `json:"change"`
	TopNoisy              []NoiseRow      `json:"top_noisy"`
	Flapping              []FlappingAlert `json:"flapping"`
	SelfResolvingShare    *float64        `json:"self_resolving_share"`
	InWorkingHours        int             `json:"notifications_in_working_hours"`
	OutOfWorkingHours     int             `json:"notifications_out_of_working_hours"`
	InSleepHours          int             `json:"notifications_in_sleep_hours"`
	MedianEpisodeSeconds  *float64        `json:"median_episode_seconds"`
	LongestEpisodeSeconds *float64        `json:"longest_episode_seconds"`
	LongestRunning        []Episode       `json:"longest_running"`
	StaleSilences         []StaleSilence  `json:"stale_silences"`
	BusiestHours          [7][24]int      `json:"busiest_hours"` // [Monday..Sunday][hour] in Timezone
	// ByReceiver are the week's notifications per receiver, out of its
	// working hours and in its sleep hours.
	ByReceiver []ReceiverHours `json:"by_receiver"`
	// IfSuggested is the week replayed with its own suggestions in place.
	IfSuggested IfSuggested `json:"if_suggested"`
}

// ReceiverHours are one receiver's notifications in a week.
type ReceiverHours struct {
	Receiver      string `json:"receiver"`
	Notifications int    `json:"notifications"`
	OutOfHours    int    `json:"out_of_hours"`
	SleepHours    int    `json:"sleep_hours"`
}

// IfSuggested is what a week would have looked like with the suggestions
// made from it in place: each flapping alert with its suggested for: and
// keep_firing_for: (replayed as the what-if analysis does), and the
// suggested inhibit rules (their notifications_saved). The two are reported
// apart: a notification can be counted by both.
type IfSuggested struct {
	TunedAlerts int `json:"tuned_alerts"`
	// Tuning is the replay's before and after, and the delay paid (its
	// for_seconds and keep_firing_for_seconds are 0: each alert has its own).
	Tuning                    WhatIf `json:"tuning"`
	InhibitRules              int    `json:"inhibit_rules"`
	InhibitNotificationsSaved int    `json:"inhibit_notifications_saved"`
	InhibitSleepHoursSaved    int    `json:"inhibit_sleep_hours_saved"`
	// InhibitSkipped says why the inhibit rules were not mined (a week
	// whose co-occurrences exceed a read limit); the review answers the
	// rest, and the inhibit figures above are then 0.
	InhibitSkipped string `json:"inhibit_skipped,omitempty"`
}

// StateEvent is one alert entering a state.
type StateEvent struct {
	At          Time   `json:"at"`
	Source      string `json:"source"`
	Fingerprint string `json:"fingerprint"`
	Alertname   string `json:"alertname"`
	State       string `json:"state"`
}

// Blind is a stretch of time the poller of a source could not see its
// Alertmanager (its polls failed): what alertlens knows of alert states
// then comes from notifications and events only.
type Blind struct {
	Source string `json:"source"`
	From   Time   `json:"from"`
	To     Time   `json:"to"`
}

// States is the answer of the state-timeline endpoint.
type States struct {
	Events []StateEvent `json:"events"`
	// Blind are the stretches of the window the poller was blind.
	Blind []Blind `json:"blind"`
}

// SeriesPoint is the notifications of one bucket and label value.
type SeriesPoint struct {
	T             Time   `json:"t"`
	Key           string `json:"key"`
	Notifications int    `json:"notifications"`
}

// Series is notifications over time by a label.
type Series struct {
	By          string        `json:"by"`
	Points      []SeriesPoint `json:"points"`
	StepSeconds float64       `json:"step_seconds"`
}

// LabelString writes a label set as a="b", c="d" (keys sorted), the way
// tables and reports show labels.
func LabelString(ls map[string]string) string {
	keys := make([]string, 0, len(ls))
	for k := range ls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, ls[k])
	}
	return strings.Join(parts, ", ")
}

// WhatIfCounts are what a window's episodes cost.
type WhatIfCounts struct {
	Notifications int `json:"notifications"`
	Episodes      int `json:"episodes"`
	OutOfHours    int `json:"out_of_hours"`
	SleepHours    int `json:"sleep_hours"`
}

// WhatIfDelay is the cost of a longer for: the episodes that would have
// fired later, and by how much at most.
type WhatIfDelay struct {
	Episodes        int     `json:"episodes"`
	MaxDelaySeconds float64 `json:"max_delay_seconds"`
}

// WhatIf is the replay of a window with a tuning added.
type WhatIf struct {
	After                WhatIfCounts `json:"after"`
	Before               WhatIfCounts `json:"before"`
	Delayed              WhatIfDelay  `json:"delayed"`
	ForSeconds           float64      `json:"for_seconds"`
	KeepFiringForSeconds float64      `json:"keep_firing_for_seconds"`
	// Merged is how many episodes keep_firing_for folded into the one
	// before them.
	Merged int `json:"merged"`
}

// CoOccurrence is one pair of episodes behind a suggestion.
type CoOccurrence struct {
	SourceFingerprint string `json:"source_fingerprint"`
	TargetFingerprint string `json:"target_fingerprint"`
	SourceStartsAt    Time   `json:"source_starts_at"`
	TargetStartsAt    Time   `json:"target_starts_at"`
}

// Basis is what every suggestion carries: how strongly the history argues
// for it, what it would have saved, the change as Alertmanager YAML and the
// episode pairs behind it.
type Basis struct {
	Support            int     `json:"support"`
	Confidence         float64 `json:"confidence"`
	NotificationsSaved int     `json:"notifications_saved"`
	// Of those, the ones out of working hours and in sleep hours.
	OutOfHoursSaved int            `json:"out_of_hours_saved"`
	SleepHoursSaved int            `json:"sleep_hours_saved"`
	YAML            string         `json:"yaml"`
	Evidence        []CoOccurrence `json:"evidence"`
}

// InhibitRuleSuggestion is an inhibit rule the history argues for.
type InhibitRuleSuggestion struct {
	Source         string   `json:"source"`
	SourceMatchers []string `json:"source_matchers"`
	TargetMatchers []string `json:"target_matchers"`
	Equal          []string `json:"equal"`
	Basis
}

// RefusedSuggestion is a rule that passed the thresholds but is not
// suggested, and why.
type RefusedSuggestion struct {
	Source         string   `json:"source"`
	SourceMatchers []string `json:"source_matchers"`
	TargetMatchers []string `json:"target_matchers"`
	Reason         string   `json:"reason"`
}

// GroupBySuggestion is a grouping the history argues for: two alerts that
// start together, notified to one receiver in separate groups, would share
// one group with group_by set to the labels they agree on.
type GroupBySuggestion struct {
	Source   string `json:"source"`
	Receiver string `json:"receiver"`
	// Alertnames are the earlier alert (A) and the one starting after it (B).
	Alertnames []string `json:"alertnames"`
	// CurrentGroupBy are the group labels the two were notified with.
	CurrentGroupBy []string `json:"current_group_by"`
	GroupBy        []string `json:"group_by"`
	Basis
}

// GroupBySuggestions is the answer of the group_by suggestions.
type GroupBySuggestions struct {
	Suggestions []GroupBySuggestion `json:"suggestions"`
}

// InhibitRuleSuggestions is the answer of the inhibit-rule suggestions.
type InhibitRuleSuggestions struct {
	Refused     []RefusedSuggestion     `json:"refused"`
	Suggestions []InhibitRuleSuggestion `json:"suggestions"`
}
