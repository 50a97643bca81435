package api

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	segjson "github.com/segmentio/encoding/json"

	"github.com/alertlens/alertlens/models"
)

// serialized is what s writes for v, or "error" when it cannot (the
// libraries word their errors differently; a serialization error never
// reaches a client).
func serialized(t *testing.T, s echo.JSONSerializer, v any, indent string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest("GET", "/", nil), rec)
	if err := s.Serialize(c, v, indent); err != nil {
		if rec.Body.Len() > 0 { // (the error handler could not answer)
			t.Errorf("%T wrote %d bytes before it failed", s, rec.Body.Len())
		}
		return "error"
	}
	return rec.Body.String()
}

// alertsWith is an episodes list with s and x in every place a string and
// a number take in it: two alerts of two episodes each, each alert's
// episodes sharing one labels map as the analysis gives them, and alerts
// whose labels are empty or missing.
func alertsWith(s string, x float64) models.Alerts {
	at := models.NewTime(time.Date(2026, 11, 2, 10, 0, 0, 123e6, time.UTC))
	one := map[string]string{s: s, "alertname": s, "b": "1", "a": "2"}
	two := map[string]string{"alertname": "Other", "z": s}
	ep := func(fp string, labels map[string]string, end *models.Time) models.Episode {
		return models.Episode{
			EpisodeRef:    models.EpisodeRef{Fingerprint: fp, Alertname: labels["alertname"], Labels: labels, Source: "prod", StartsAt: at, EndsAt: end},
			Notifications: 3, SilencedSeconds: x, InhibitedSeconds: -x,
		}
	}
	return models.Alerts{
		Episodes: []models.Episode{ep(s, one, &at), ep("b", two, nil), ep(s, one, nil), ep("b", two, &at),
			ep("c", map[string]string{}, nil), ep("d", map[string]string{}, nil), ep("e", nil, nil)},
		FirstFired: &models.FirstFired{Fingerprint: s, Alertname: s, Source: s, StartsAt: at},
	}
}

// failuresWith is a failed inhibitions answer with s in every place a
// string takes in it, and each field that can be left out both left out
// and not.
func failuresWith(s string) models.FailedInhibitions {
	at := models.NewTime(time.Date(2026, 11, 2, 10, 0, 0, 123e6, time.UTC))
	cause := s
	labels := map[string]string{s: s, "alertname": s, "b": "1", "a": "2"}
	return models.FailedInhibitions{Failures: []models.FailedInhibition{
		{Fingerprint: s, Alertname: s, Labels: labels, Receiver: s, Source: s, NotifiedAt: at,
			InhibitedBy: []models.Inhibitor{{Fingerprint: s, Alertname: s}, {Fingerprint: "b"}}, Basis: s,
			Rule:  &models.InhibitRule{Name: s, SourceMatchers: s, TargetMatchers: s, Equal: []string{s, "cluster"}},
			Cause: &cause, KnownCause: s},
		{Fingerprint: "b", Labels: labels, NotifiedAt: at, Basis: "polls"},
		{Fingerprint: "c", Labels: map[string]string{}, InhibitedBy: []models.Inhibitor{}, Rule: &models.InhibitRule{}},
		{Fingerprint: "d"},
	}}
}

// answerWith is an answer with s and x in every kind of place a string and
// a number take in the answers.
func answerWith(s string, x float64) any {
	return struct {
		models.Alerts
		Noise models.Noise `json:"noise"`
		Raw   any          `json:"raw"`
	}{
		Alerts: alertsWith(s, x),
		Noise:  models.Noise{Rows: []models.NoiseRow{{Key: s, FiringSeconds: x}}},
		Raw:    map[string]any{s: []any{x, s, nil, true, map[string]int{}}},
	}
}

// serializedAlike fails unless the serializer writes v as encoding/json
// does, plain and indented.
func serializedAlike(t *testing.T, v any) {
	t.Helper()
	for _, indent := range []string{"", "  "} {
		if got, want := serialized(t, JSONSerializer{}, v, indent), serialized(t, echo.DefaultJSONSerializer{}, v, indent); got != want {
			t.Errorf("%T, indent %q:\n got %s\nwant %s", v, indent, got, want)
		}
	}
}

// The serializer writes what echo's default, encoding/json, writes: the
// same bytes, plain and indented; and it fails where that fails.
func TestJSONSerializerWritesWhatEncodingJSONWrites(t *testing.T) {
	cases := []struct {
		name string
		s    string
		x    float64
	}{
		{"plain", "HighCPU", 1.5},
		{"HTML characters", `<b>"a" & 'b'</b>`, 0},
		{"control characters", "a\nb\tc\x00\x1f\x7f", 1e21},
		{"line separators", "a\u2028b\u2029c", 1e-7},
		{"invalid UTF-8", "a\xffb\xc3", 123456789012345678},
		{"non-ASCII", "Zürich 東京 🚨", -0.1},
		{"an empty string", "", math.MaxFloat64},
		{"a small float", "x", math.SmallestNonzeroFloat64},
		// (values JSON cannot hold: encoding/json fails, so must it)
		{"not a number", "x", math.NaN()},
		{"infinity", "x", math.Inf(1)},
		{"negative infinity", "x", math.Inf(-1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// (the episodes list alone is written its own way)
			serializedAlike(t, answerWith(c.s, c.x))
			serializedAlike(t, alertsWith(c.s, c.x))
			serializedAlike(t, models.Alerts{})
			serializedAlike(t, models.Alerts{Episodes: []models.Episode{}})
			// (written a piece at a time: pieces joined, and a last one
			// of a single episode)
			long := alertsWith(c.s, c.x)
			for len(long.Episodes) < 2*listPiece+1 {
				long.Episodes = append(long.Episodes, long.Episodes[len(long.Episodes)%7])
			}
			serializedAlike(t, long)
			long.FirstFired = nil
			serializedAlike(t, long)
			// (the failed inhibitions are written a piece at a time too)
			serializedAlike(t, failuresWith(c.s))
			serializedAlike(t, models.FailedInhibitions{})
			serializedAlike(t, models.FailedInhibitions{Failures: []models.FailedInhibition{}})
			failures := failuresWith(c.s)
			for len(failures.Failures) < 2*listPiece+1 {
				failures.Failures = append(failures.Failures, failures.Failures[len(failures.Failures)%4])
			}
			serializedAlike(t, failures)
		})
	}
}

// <, > and & are escaped in whichever of an episode's strings they are,
// alone in a list of plain ones.
func TestEpisodesEscapedWhereverTheHTMLIs(t *testing.T) {
	for _, field := range []string{"fingerprint", "alertname", "source", "label"} {
		a := alertsWith("HighCPU", 1.5)
		e := &a.Episodes[1]
		switch html := "a<b&c>"; field {
		case "fingerprint":
			e.Fingerprint = html
		case "alertname":
			e.Alertname = html
		case "source":
			e.Source = html
		case "label":
			e.Labels = map[string]string{"alertname": "Other", html: html}
		}
		t.Run(field, func(t *testing.T) { serializedAlike(t, a) })
	}
}

// An episodes list the encoder refuses is refused before anything is
// written, however far into it the number JSON cannot hold is.
func TestEpisodesRefusedBeforeWritten(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(-1)} {
		long := alertsWith("HighCPU", 1.5)
		for len(long.Episodes) < 4*listPiece {
			long.Episodes = append(long.Episodes, long.Episodes[len(long.Episodes)%7])
		}
		long.Episodes[len(long.Episodes)-1].InhibitedSeconds = bad
		serializedAlike(t, long)
		long.Episodes[len(long.Episodes)-1].InhibitedSeconds, long.Episodes[len(long.Episodes)-2].SilencedSeconds = 0, bad
		serializedAlike(t, long)
	}
}

// The episodes list is written through a copy of the models' episode and
// with the list's two fields named by hand, the failed inhibitions through
// a copy of the models' failure with their one: they must be the models'
// JSON fields in the models' order, or an added field would go missing
// from the answers.
func TestListsWrittenWithTheModelsFields(t *testing.T) {
	names := func(typ reflect.Type) []string {
		var out []string
		for _, f := range reflect.VisibleFields(typ) {
			if !f.Anonymous {
				out = append(out, f.Tag.Get("json"))
			}
		}
		return out
	}
	if got, want := names(reflect.TypeOf(episodeJSON{})), names(reflect.TypeOf(models.Episode{})); !slices.Equal(got, want) {
		t.Errorf("episodeJSON has the fields %q, models.Episode has %q", got, want)
	}
	if got := names(reflect.TypeOf(models.Alerts{})); !slices.Equal(got, []string{"episodes", "first_fired"}) {
		t.Errorf("models.Alerts has the fields %q, writeEpisodes writes episodes and first_fired", got)
	}
	if got, want := names(reflect.TypeOf(failureJSON{})), names(reflect.TypeOf(models.FailedInhibition{})); !slices.Equal(got, want) {
		t.Errorf("failureJSON has the fields %q, models.FailedInhibition has %q", got, want)
	}
	if got := names(reflect.TypeOf(models.FailedInhibitions{})); !slices.Equal(got, []string{"failures"}) {
		t.Errorf("models.FailedInhibitions has the fields %q, writeFailures writes failures", got)
	}
}

// The episodes list as the API writes it, 100,000 episodes of 2,000
// alerts (an alert's episodes sharing its labels, as the analysis gives
// them): in pieces with each alert's labels once, against the encoder
// alone as the serializer used it before (whole, every episode's labels).
func BenchmarkEpisodesWritten(b *testing.B) {
	start := time.Date(2026, 8, 24, 0, 0, 0, 0, time.UTC)
	labels := benchLabels()
	a := models.Alerts{Episodes: make([]models.Episode, 100_000)}
	for i := range a.Episodes {
		s := models.NewTime(start.Add(time.Duration(i) * time.Minute))
		a.Episodes[i] = models.Episode{
			EpisodeRef:    models.EpisodeRef{Fingerprint: fmt.Sprintf("%016x", i%2000), Alertname: "KubePodCrashLooping", Labels: labels[i%2000], Source: "prod", StartsAt: s, EndsAt: &s},
			Notifications: i % 7, InhibitedSeconds: 12.5,
		}
	}
	benchWritten(b, a)
}

// The failed inhibitions as the API writes them, 100,000 failures of 2,000
// alerts (an alert's failures sharing its labels, as the analysis gives
// them), each inhibited by one other alert: in pieces with each alert's
// labels once, against the encoder alone (whole, every failure's labels).
func BenchmarkFailuresWritten(b *testing.B) {
	start := time.Date(2026, 8, 24, 0, 0, 0, 0, time.UTC)
	labels := benchLabels()
	f := models.FailedInhibitions{Failures: make([]models.FailedInhibition, 100_000)}
	for i := range f.Failures {
		f.Failures[i] = models.FailedInhibition{
			Fingerprint: fmt.Sprintf("%016x", i%2000), Alertname: "KubePodCrashLooping", Labels: labels[i%2000], Receiver: "team-3", Source: "prod",
			NotifiedAt:  models.NewTime(start.Add(time.Duration(i) * time.Minute)),
			InhibitedBy: []models.Inhibitor{{Fingerprint: fmt.Sprintf("%016x", (i+1)%2000), Alertname: "KubeNodeNotReady"}}, Basis: "polls",
		}
	}
	benchWritten(b, f)
}

// benchLabels are 2,000 alerts' labels, shaped like a Kubernetes fleet's.
func benchLabels() []map[string]string {
	labels := make([]map[string]string, 2000)
	for i := range labels {
		labels[i] = map[string]string{
			"alertname": "KubePodCrashLooping", "namespace": "team-3", "pod": fmt.Sprintf("api-7d9f8b6c5d-%05d", i),
			"severity": "warning", "container": "api", "instance": fmt.Sprintf("10.2.%d.%d:8080", i/256, i%256),
			"job": "kube-state-metrics", "cluster": "prod-eu-1", "team": "team-3", "prometheus": "monitoring/k8s",
		}
	}
	return labels
}

// benchWritten times writing v with the encoder alone ("whole") and with
// the serializer ("pieces").
func benchWritten(b *testing.B, v any) {
	for _, c := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"whole", func(w io.Writer) error { return segjson.NewEncoder(w).Encode(v) }},
		{"pieces", func(w io.Writer) error {
			c := echo.New().NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
			c.Response().Writer = writerOnly{w}
			return JSONSerializer{}.Serialize(c, v, "")
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				if err := c.write(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type writerOnly struct{ io.Writer }

func (writerOnly) Header() http.Header { return http.Header{} }
func (writerOnly) WriteHeader(int)     {}
