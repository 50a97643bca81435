package analysis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	segjson "github.com/segmentio/encoding/json"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/store"
)

// cannedRows is a fake of the engine's answer, not of the engine: it
// returns the same JSONEachRow text to every query, for testing and timing
// how run decodes rows.
type cannedRows string

func (c cannedRows) Query(context.Context, string, map[string]string) ([]byte, error) {
	return []byte(c), nil
}

// lentRows is the same fake lending its text as the embedded engine lends
// its answer: valid while use runs, then written over (as the engine's
// memory is freed and used again), so that rows still pointing into it
// show.
type lentRows struct{ cannedRows }

func (l lentRows) QueryLent(_ context.Context, _ string, _ map[string]string, use func([]byte) error) error {
	out := []byte(l.cannedRows)
	defer func() {
		for i := range out {
			out[i] = '#'
		}
	}()
	return use(out)
}

type decodedRow struct {
	Fingerprint string            `json:"fingerprint"`
	StartsAt    models.Time       `json:"starts_at"`
	N           int               `json:"n"`
	Labels      map[string]string `json:"labels"`
	Names       []string          `json:"names"`
}

func TestRunDecodesEveryRow(t *testing.T) {
	// (a row's label and name repeat its fingerprint)
	row := func(fp string, n int) string {
		return fmt.Sprintf(`{"fingerprint":%q,"starts_at":"2026-11-02 10:00:00.000","n":%d,"labels":{"k":%[1]q},"names":[%[1]q]}`, fp, n)
	}
	cases := []struct {
		name    string
		out     string
		maxRows int
		want    string // the fingerprints and counts decoded, or the error's text
	}{
		{"no rows", "", 0, ""},
		{"rows", row("a", 1) + "\n" + row("b", 2) + "\n", 0, "a1 b2"},
		{"no newline after the last", row("a", 1) + "\n" + row("b", 2), 0, "a1 b2"},
		{"blank lines skipped", "\n" + row("a", 1) + "\n\n" + row("b", 2) + "\n  \n", 0, "a1 b2"},
		{"a newline escaped in a string", `{"fingerprint":"a\nb","starts_at":"2026-11-02 10:00:00.000","n":3}` + "\n", 0, "a\nb3"},
		{"as many rows as allowed", row("a", 1) + "\n" + row("b", 2) + "\n", 2, "a1 b2"},
		{"more rows than allowed", row("a", 1) + "\n" + row("b", 2) + "\n" + row("c", 3) + "\n", 2, "limit: query episodes: more than 2 rows"},
		{"a bad row", row("a", 1) + "\n" + `{"fingerprint":1}` + "\n", 0, "error: decoding episodes result: json: cannot unmarshal number"},
		{"two rows on a line", row("a", 1) + row("b", 2) + "\n", 0, "a1 b2"},
		// Answers long enough to be cut into pieces (one row a piece at
		// the least, below): each case's rows, limit and error are those
		// of reading it whole.
		{"many rows", row("a", 1) + "\n" + row("b", 2) + "\n" + row("c", 3) + "\n" + row("d", 4) + "\n" + row("e", 5) + "\n", 0, "a1 b2 c3 d4 e5"},
		{"many rows, the last with no newline", row("a", 1) + "\n" + row("b", 2) + "\n" + row("c", 3) + "\n" + row("d", 4), 0, "a1 b2 c3 d4"},
		{"a blank line among many", row("a", 1) + "\n" + row("b", 2) + "\n\n" + row("c", 3) + "\n" + row("d", 4) + "\n", 0, "a1 b2 c3 d4"},
		{"two rows on a line among many", row("a", 1) + "\n" + row("b", 2) + "\n" + row("c", 3) + row("d", 4) + "\n" + row("e", 5) + "\n", 0, "a1 b2 c3 d4 e5"},
		{"a bad row among many", row("a", 1) + "\n" + row("b", 2) + "\n" + row("c", 3) + "\n" + `{"n":"x"}` + "\n", 0, "error: decoding episodes result: json: cannot unmarshal string"},
		{"many rows, as many as allowed", row("a", 1) + "\n" + row("b", 2) + "\n" + row("c", 3) + "\n" + row("d", 4) + "\n", 4, "a1 b2 c3 d4"},
		{"many rows, the one with no newline more than allowed", row("a", 1) + "\n" + row("b", 2) + "\n" + row("c", 3) + "\n" + row("d", 4), 3, "limit: query episodes: more than 3 rows"},
		{"many rows, two on a line more than allowed", row("a", 1) + "\n" + row("b", 2) + row("c", 3) + "\n" + row("d", 4) + "\n", 3, "limit: query episodes: more than 3 rows"},
		{"the limit passed before a bad row", row("a", 1) + "\n" + row("b", 2) + row("c", 3) + "\n" + `{"n":"x"}` + "\n", 2, "limit: query episodes: more than 2 rows"},
	}
	for _, c := range cases {
		check := func(t *testing.T, rows []decodedRow, err error) {
			t.Helper()
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%s%d", r.Fingerprint, r.N))
				if r.Labels != nil && (r.Labels["k"] != r.Fingerprint || len(r.Names) != 1 || r.Names[0] != r.Fingerprint) {
					t.Errorf("row %s: label %q, names %q", r.Fingerprint, r.Labels["k"], r.Names)
				}
			}
			gotText := strings.Join(got, " ")
			var lim *store.LimitError
			switch {
			case errors.As(err, &lim):
				gotText = "limit: " + lim.Err.Error()
			case err != nil:
				gotText = "error: " + err.Error()
			}
			// An error's text is checked up to what the case spells out
			// (the decoder's message goes on); rows exactly.
			isErr := strings.HasPrefix(c.want, "error: ") || strings.HasPrefix(c.want, "limit: ")
			if gotText != c.want && (!isErr || !strings.HasPrefix(gotText, c.want)) {
				t.Errorf("got %q, want %q", gotText, c.want)
			}
		}
		t.Run(c.name, func(t *testing.T) {
			// (copied out of the engine, and read where the engine lent it)
			for _, st := range []Querier{cannedRows(c.out), lentRows{cannedRows(c.out)}} {
				a, err := New(st, Options{Database: "db", MaxRows: c.maxRows}, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				rows, err := run[decodedRow](t.Context(), a, "episodes", noData, map[string]string{})
				check(t, rows, err)
			}
			for parts := 2; parts <= 4; parts++ {
				t.Run(fmt.Sprintf("in %d pieces", parts), func(t *testing.T) {
					rows, err := decodeRows[decodedRow]("episodes", []byte(c.out), c.maxRows, parts, 1)
					check(t, rows, err)
				})
			}
		})
	}
}

// BenchmarkRunDecode decodes 245,000 episode rows as the episode list of
// one team over 90 days at a big Alertmanager's scale returns them. (With
// encoding/json, each line unmarshalled on its own instead of through one
// json.Decoder took as long, with 40% more memory: json.Unmarshal checks a
// value whole before it decodes it. segmentio's Unmarshal, line by line,
// takes 0.20–0.22 s against 0.45–0.51 s, in a fifth less memory.)
func BenchmarkRunDecode(b *testing.B) {
	type episodeRow struct {
		models.EpisodeRef
		Notifications    int     `json:"notifications"`
		SilencedSeconds  float64 `json:"silenced_seconds"`
		InhibitedSeconds float64 `json:"inhibited_seconds"`
	}
	var out strings.Builder
	for i := range 245000 {
		fmt.Fprintf(&out, `{"source":"prod","fingerprint":"%016x","starts_at":"2026-09-%02d 10:%02d:00.000","ends_at":"2026-09-%02d 11:%02d:00.000","notifications":%d,"silenced_seconds":0,"inhibited_seconds":%d,"generator_url":"http://prometheus-%d.example:9090/graph?g0.expr=up%%7Bjob%%3D%%22node%%22%%7D+%%3D%%3D+0&g0.tab=1"}`+"\n",
			i, i%28+1, i%60, i%28+1, i%60, i%7, i%300, i%1000)
	}
	a, err := New(cannedRows(out.String()), Options{Database: "db"}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		rows, err := run[episodeRow](b.Context(), a, "episodes", noData, map[string]string{})
		if err != nil || len(rows) != 245000 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
}

// The pieces alone: they decode an answer of one row a line, in any number
// of pieces, and give up on anything else (which run then reads whole).
func TestDecodePieces(t *testing.T) {
	row := func(fp string, n int) string {
		return fmt.Sprintf(`{"fingerprint":%q,"starts_at":"2026-11-02 10:00:00.000","n":%d}`, fp, n)
	}
	five := row("a", 1) + "\n" + row("b", 2) + "\n" + row("c", 3) + "\n" + row("d", 4) + "\n" + row("e", 5)
	cases := []struct {
		name, out string
		ok        bool
	}{
		{"one row a line", five + "\n", true},
		{"no newline after the last", five, true},
		{"a blank line", row("a", 1) + "\n\n" + row("b", 2) + "\n" + row("c", 3) + "\n", false},
		{"two rows on a line", row("a", 1) + row("b", 2) + "\n" + row("c", 3) + "\n" + row("d", 4) + "\n", false},
		{"a bad row", row("a", 1) + "\n" + row("b", 2) + "\n" + `{"n":"x"}` + "\n", false},
	}
	for _, c := range cases {
		for parts := 1; parts <= 6; parts++ {
			rows, ok := decodePieces[decodedRow]([]byte(c.out), parts)
			if ok != c.ok {
				t.Errorf("%s in %d pieces: ok %v, want %v", c.name, parts, ok, c.ok)
				continue
			}
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%s%d", r.Fingerprint, r.N))
				if r.Labels != nil && (r.Labels["k"] != r.Fingerprint || len(r.Names) != 1 || r.Names[0] != r.Fingerprint) {
					t.Errorf("row %s: label %q, names %q", r.Fingerprint, r.Labels["k"], r.Names)
				}
			}
			if want := "a1 b2 c3 d4 e5"; ok && strings.Join(got, " ") != want {
				t.Errorf("%s in %d pieces: %q, want %q", c.name, parts, strings.Join(got, " "), want)
			}
		}
	}
}

// fuzzRow has a field of every kind the statements' rows have.
type fuzzRow struct {
	Fingerprint string            `json:"fingerprint"`
	Labels      map[string]string `json:"labels"`
	StartsAt    models.Time       `json:"starts_at"`
	EndsAt      *models.Time      `json:"ends_at"`
	N           int               `json:"n"`
	Seconds     float64           `json:"seconds"`
	Receivers   []string          `json:"receivers"`
	Unrouted    bool              `json:"unrouted"`
}

// Whatever the engine's answer holds, reading it in pieces gives what
// reading it whole with encoding/json gives: the same rows, or the same
// error.
func FuzzDecodeRowsIsEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{"fingerprint":"a","labels":{"b":"1","a":"2"},"starts_at":"2026-11-02 10:00:00.000","ends_at":null,"n":3,"seconds":1.5,"receivers":["x"],"unrouted":true}` + "\n" +
			`{"fingerprint":"b\u00e9\n","labels":{},"starts_at":"2026-11-02T10:00:00Z","ends_at":"2026-11-02 11:00:00.000","n":-1,"seconds":1e3,"receivers":[],"unrouted":false}`,
		"{\"n\":1}\n\n{\"n\":2}\n",
		"{\"n\":1}{\"n\":2}\n{\"n\":3}",
		"{\"n\":1.5}\n{\"n\":2}\n",
		"{\"N\":1,\"n\":2,\"fingerprint\":\"\xff\"}\n{\"n\":99999999999999999999}\n",
		"{\"labels\":{\"a\":1}}\n{\"starts_at\":\"2026-13-02 10:00:00.000\"}\n",
		" {\"n\":1} \n\t{\"n\":2}\r\n",
	} {
		f.Add(s, 0)
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, out string, maxRows int) {
		maxRows = max(0, maxRows%4)
		lines := strings.Count(out, "\n")
		want, wantErr := decodeSerially[fuzzRow]("episodes", []byte(out), maxRows, lines)
		for parts := 1; parts <= 3; parts++ {
			got, err := decodeRows[fuzzRow]("episodes", []byte(out), maxRows, parts, 1)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("%d pieces: error %v, whole: %v", parts, err, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%d pieces: %+v, whole: %+v", parts, got, want)
			}
		}
	})
}

// A labelMap decodes what encoding/json decodes into a map[string]string:
// the same entries (the last of a repeated key), nil for null, an empty
// map for {}, or an error for anything else.
func FuzzLabelMapIsAMapOfStrings(f *testing.F) {
	for _, s := range []string{
		`{"alertname":"A","team":"t"}`, `{}`, `null`, `{"a:b":"c:d","a":"1","a":"2"}`,
		`{"\u00e9\"":"\n\\"}`, "{\"a\":\"\xff\"}", `{"a":1}`, `["a"]`, `"a"`, `{"a":"b"`, ` {"a" : "b"} `,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var want map[string]string
		wantErr := json.Unmarshal([]byte(in), &want)
		// (the input alone, not inside an object: a wrapper would make
		// some invalid inputs valid, such as `{},"x":{}`)
		var got labelMap
		err := segjson.Unmarshal([]byte(in), &got)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: error %v, encoding/json: %v", in, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(map[string]string(got), want) {
			t.Fatalf("%q: %#v, encoding/json: %#v", in, got, want)
		}
	})
}
