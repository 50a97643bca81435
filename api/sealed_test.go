package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/store"
)

// firing and resolved are webhook lines of a recording: alert name (its
// fingerprint is the name in lower case repeated), received at, startsAt
// (and endsAt).
func firing(name, at, starts string) string {
	return hookLine(name, at, "firing", starts, "0001-01-01T00:00:00Z")
}

func resolved(name, at, starts, ends string) string {
	return hookLine(name, at, "resolved", starts, ends)
}

func hookLine(name, at, status, starts, ends string) string {
	return webhookLine(name, strings.Repeat(strings.ToLower(name), 8), at, status, starts, ends)
}

// webhookLine is a recording's line: one alert (labels: its alertname
// only) delivered to receiver team of source prod.
func webhookLine(name, fingerprint, at, status, starts, ends string) string {
	return webhookLineOf("prod", "team", name, fingerprint, at, status, starts, ends)
}

// webhookLineOf is webhookLine's line from any source to any receiver.
func webhookLineOf(source, receiver, name, fingerprint, at, status, starts, ends string) string {
	return fmt.Sprintf(`{"kind": "webhook", "at": %q, "source": %q, "payload": {"version": "4", "receiver": %q, "status": %q, `+
		`"groupKey": "{}:{alertname=\"%s\"}", "groupLabels": {"alertname": %q}, "commonLabels": {"alertname": %q}, "commonAnnotations": {}, `+
		`"externalURL": "http://am:9093", "truncatedAlerts": 0, "alerts": [{"status": %q, "labels": {"alertname": %q}, "annotations": {}, `+
		`"startsAt": %q, "endsAt": %q, "generatorURL": "http://prom/x", "fingerprint": %q}]}}`,
		at, source, receiver, status, name, name, name, status, name, starts, ends, fingerprint)
}

// Episodes read sealed (the months before the current one summed up once)
// answer as the summaries do, around every edge: the seal's first unsealed
// day, the scan's first day, and a late row in a sealed month. All source
// prod, receiver team, the 60 s dedup window; the seal is made "on
// 2026-11-15", so it covers the days before 2026-11-01.
//
//	A1 firing 10-20 10:00:05 (startsAt 10:00), resolved 11:00:05 (endsAt 11:00):
//	   sealed; 2 notifications.
//	A2 firing 10-31 22:00:05 (startsAt 22:00), resolved 11-01 00:20:05
//	   (endsAt 00:20): summaries on both sides of 11-01, so merged from the
//	   summaries; ends 00:20, 2 notifications.
//	A3 firing 10-09 10:00:05 (startsAt 10-09 10:00), again 10-12 10:00:05,
//	   resolved 10-18 10:00:05 (endsAt 09:59): the window from 10-17 12:00
//	   scans from 10-10 00:00 (the midnight a week before), so A3's 10-09
//	   row is not read: 2 notifications (10-12 and the resolved one), not 3.
//	A4 firing 11-03 08:00:05 (startsAt 08:00), open: after the seal; 1.
//	A5 firing 10-25 10:00:05 (startsAt 10-25 10:00), then a new episode
//	   firing 11-02 10:00:05 (startsAt 11-02 10:00): the sealed first one
//	   has no end of its own and ends where the unsealed second starts,
//	   11-02 10:00; 1 notification each; the second open.
//	F0 firing 10-21 10:00:05 (startsAt 10:00), resolved 10:30:05 (endsAt
//	   10:30), and 0A the same on 10-22: sealed in the last and the first
//	   of the seal's slices (by the fingerprint's first digit); 2 each.
//	A6 firing 10-01 08:00:05 (startsAt 08:00) and nothing after: sealed,
//	   but its summaries are all before the scan, which does not see it
//	   (an alert open that long has rows in the scan: see the episodes'
//	   definition), so it is not listed.
//
// In starts_at order: A3, A1, F0, 0A, A5, A2, A5, A4. first_fired: the episode
// starting first, A3.
func TestSealedEpisodesAnswerAsTheSummaries(t *testing.T) {
	cfg := apptest.Config(t)
	cfg.Store.CompactInterval = 0
	svc := apptest.Start(t, cfg)
	importLines(t, svc, strings.Join([]string{
		firing("A6", "2026-10-01T08:00:05Z", "2026-10-01T08:00:00Z"),
		firing("A3", "2026-10-09T10:00:05Z", "2026-10-09T10:00:00Z"),
		firing("A3", "2026-10-12T10:00:05Z", "2026-10-09T10:00:00Z"),
		firing("A1", "2026-10-20T10:00:05Z", "2026-10-20T10:00:00Z"),
		resolved("A1", "2026-10-20T11:00:05Z", "2026-10-20T10:00:00Z", "2026-10-20T11:00:00Z"),
		firing("F0", "2026-10-21T10:00:05Z", "2026-10-21T10:00:00Z"),
		resolved("F0", "2026-10-21T10:30:05Z", "2026-10-21T10:00:00Z", "2026-10-21T10:30:00Z"),
		firing("0A", "2026-10-22T10:00:05Z", "2026-10-22T10:00:00Z"),
		resolved("0A", "2026-10-22T10:30:05Z", "2026-10-22T10:00:00Z", "2026-10-22T10:30:00Z"),
		firing("A5", "2026-10-25T10:00:05Z", "2026-10-25T10:00:00Z"),
		resolved("A3", "2026-10-18T10:00:05Z", "2026-10-09T10:00:00Z", "2026-10-18T09:59:00Z"),
		firing("A2", "2026-10-31T22:00:05Z", "2026-10-31T22:00:00Z"),
		resolved("A2", "2026-11-01T00:20:05Z", "2026-10-31T22:00:00Z", "2026-11-01T00:20:00Z"),
		firing("A5", "2026-11-02T10:00:05Z", "2026-11-02T10:00:00Z"),
		firing("A4", "2026-11-03T08:00:05Z", "2026-11-03T08:00:00Z"),
	}, "\n")+"\n")
	ep := func(name, starts, ends string, n int) string {
		if ends != "null" {
			ends = `"` + ends + `"`
		}
		return fmt.Sprintf(`{"fingerprint":%q,"alertname":%q,"labels":{"alertname":%q},"source":"prod","starts_at":%q,"ends_at":%s,`+
			`"notifications":%d,"silenced_seconds":0,"inhibited_seconds":0}`, strings.Repeat(strings.ToLower(name), 8), name, name, starts, ends, n)
	}
	const path = episode + "from=2026-10-17T12:00:00Z&to=2026-11-05T00:00:00Z"
	want := func(a1 int) string {
		return `{"episodes":[` + strings.Join([]string{
			ep("A3", "2026-10-09T10:00:00Z", "2026-10-18T09:59:00Z", 2),
			ep("A1", "2026-10-20T10:00:00Z", "2026-10-20T11:00:00Z", a1),
			ep("F0", "2026-10-21T10:00:00Z", "2026-10-21T10:30:00Z", 2),
			ep("0A", "2026-10-22T10:00:00Z", "2026-10-22T10:30:00Z", 2),
			ep("A5", "2026-10-25T10:00:00Z", "2026-11-02T10:00:00Z", 1),
			ep("A2", "2026-10-31T22:00:00Z", "2026-11-01T00:20:00Z", 2),
			ep("A5", "2026-11-02T10:00:00Z", "null", 1),
			ep("A4", "2026-11-03T08:00:00Z", "null", 1),
		}, ",") + `],"first_fired":{"fingerprint":"a3a3a3a3a3a3a3a3","alertname":"A3","source":"prod","starts_at":"2026-10-09T10:00:00Z"}}`
	}
	checkJSON(t, svc, path, want(2))

	seal := func() store.Seal {
		t.Helper()
		if built, err := svc.Store.SealEpisodes(t.Context(), time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC), time.Minute); err != nil || !built {
			t.Fatalf("sealing: built %v, %v; want a new seal", built, err)
		}
		s, err := svc.Store.SealInUse(t.Context())
		if err != nil || !s.Episodes || !s.To.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) || s.DedupMillis != 60000 {
			t.Fatalf("seal in use: %+v, %v; want its episodes current, up to 2026-11-01, 60 s window", s, err)
		}
		return s
	}
	s := seal()
	// The latest of the sealed starts, which bounds the episodes merged
	// again from the summaries: A2's, 10-31 22:00 (A6 10-01, A3 10-09, A1
	// 10-20, F0 10-21, 0A 10-22, A5 10-25).
	if want := time.Date(2026, 10, 31, 22, 0, 0, 0, time.UTC); !s.LastStart.Equal(want) {
		t.Errorf("the seal's latest start: %s, want %s", s.LastStart, want)
	}
	// A1, A2 (its 10-31), A3, A5's first episode, A6, F0 and 0A have
	// summaries before 11-01: seven sealed episodes.
	if n := svc.Count(t, "sealed_episodes", fmt.Sprintf("seal = %d", s.ID)); n != 7 {
		t.Errorf("sealed episodes: %d, want 7", n)
	}
	checkJSON(t, svc, path, want(2))
	// Sealed again with nothing changed: nothing built.
	if built, err := svc.Store.SealEpisodes(t.Context(), time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), time.Minute); err != nil || built {
		t.Fatalf("sealing again: built %v, %v; want nothing built", built, err)
	}

	// A late row in a sealed month (as an import of an older recording
	// writes): A1 fired again at 10:30:05, 30 min after the delivery that
	// counted, so it counts: 3. The seal no longer matches the parts, and
	// the episodes come from the summaries until the next seal.
	lateRow := func(minute int) {
		t.Helper()
		late, err := store.EncodeRows(nil, []store.Notification{{
			ReceivedAt: store.T(time.Date(2026, 10, 20, 10, minute, 5, 0, time.UTC)), Source: "prod", Receiver: "team",
			GroupKey: `{}:{alertname="A1"}`, Status: "firing", GroupLabels: map[string]string{"alertname": "A1"},
			RouteLabels: map[string]string{}, Annotations: map[string]string{}, Fingerprint: "a1a1a1a1a1a1a1a1", Alertname: "A1",
			Labels: map[string]string{"alertname": "A1"}, StartsAt: store.T(time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC)),
		}})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Store.Insert(t.Context(), store.TableNotifications, late, fmt.Sprintf("late-%d", minute)); err != nil {
			t.Fatal(err)
		}
		if s, err := svc.Store.SealInUse(t.Context()); err != nil || s.Episodes {
			t.Fatalf("seal in use after a late row: episodes current %v, %v; want not current", s.Episodes, err)
		}
	}
	lateRow(30)
	checkJSON(t, svc, path, want(3))
	seal()
	checkJSON(t, svc, path, want(3))
	// Once more, 15 min after the last that counted: 4. A third seal. A
	// run drops every generation but the newest before it seals: the one
	// before the newest is kept until the next run (a read that found it
	// current may still be starting), so after a seal there are two
	// generations of 7 rows, and after the next run one.
	lateRow(45)
	checkJSON(t, svc, path, want(4))
	seal()
	checkJSON(t, svc, path, want(4))
	if n := svc.Count(t, "sealed_episodes", "seal != 0"); n != 14 {
		t.Errorf("sealed episodes after the third seal: %d, want 14 (two generations of seven)", n)
	}
	if built, err := svc.Store.SealEpisodes(t.Context(), time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), time.Minute); err != nil || built {
		t.Fatalf("the next run: built %v, %v; want nothing built", built, err)
	}
	if n := svc.Count(t, "sealed_episodes", "seal != 0"); n != 7 {
		t.Errorf("sealed episodes after the next run: %d, want 7 (the newest generation)", n)
	}
	checkJSON(t, svc, path, want(4))
	// A month later November is sealed too: a new generation, whose latest
	// start is A4's, 11-03 08:00 (A5's second 11-02 10:00), read anew, not
	// the generation before's; the answer read from it the same.
	if built, err := svc.Store.SealEpisodes(t.Context(), time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), time.Minute); err != nil || !built {
		t.Fatalf("sealing November: built %v, %v; want a new seal", built, err)
	}
	if s, err := svc.Store.SealInUse(t.Context()); err != nil || !s.Episodes || !s.LastStart.Equal(time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("November's seal: %+v, %v; want its episodes current, latest start 2026-11-03 08:00", s, err)
	}
	checkJSON(t, svc, path, want(4))
}
