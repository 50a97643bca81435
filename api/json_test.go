package api

import (
	"math"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

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
		return "error"
	}
	return rec.Body.String()
}

// answerWith is an answer with s and x in every kind of place a string and
// a number take in the answers.
func answerWith(s string, x float64) any {
	at := models.NewTime(time.Date(2026, 11, 2, 10, 0, 0, 123e6, time.UTC))
	return struct {
		models.Alerts
		Noise models.Noise `json:"noise"`
		Raw   any          `json:"raw"`
	}{
		Alerts: models.Alerts{Episodes: []models.Episode{{
			EpisodeRef:    models.EpisodeRef{Fingerprint: s, Alertname: s, Labels: map[string]string{s: s, "alertname": s, "b": "1", "a": "2"}, Source: "prod", StartsAt: at, EndsAt: &at},
			Notifications: 3, SilencedSeconds: x, InhibitedSeconds: -x,
		}, {EpisodeRef: models.EpisodeRef{Labels: map[string]string{}}}}},
		Noise: models.Noise{Rows: []models.NoiseRow{{Key: s, FiringSeconds: x}}},
		Raw:   map[string]any{s: []any{x, s, nil, true, map[string]int{}}},
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
		for _, indent := range []string{"", "  "} {
			v := answerWith(c.s, c.x)
			want := serialized(t, echo.DefaultJSONSerializer{}, v, indent)
			if got := serialized(t, JSONSerializer{}, v, indent); got != want {
				t.Errorf("%s, indent %q:\n got %s\nwant %s", c.name, indent, got, want)
			}
		}
	}
}

func FuzzJSONSerializerWritesWhatEncodingJSONWrites(f *testing.F) {
	f.Add("HighCPU", 1.5)
	f.Add("<a href=\"x\">&amp;</a>\u2028\xff", 1e21)
	f.Fuzz(func(t *testing.T, s string, x float64) {
		for _, indent := range []string{"", "  "} {
			v := answerWith(s, x)
			if got, want := serialized(t, JSONSerializer{}, v, indent), serialized(t, echo.DefaultJSONSerializer{}, v, indent); got != want {
				t.Fatalf("indent %q:\n got %s\nwant %s", indent, got, want)
			}
		}
	})
}
