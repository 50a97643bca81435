package api

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"

	"github.com/labstack/echo/v4"
	segjson "github.com/segmentio/encoding/json"

	"github.com/alertlens/alertlens/models"
)

// JSONSerializer writes JSON responses with segmentio's work-alike of
// encoding/json: the same bytes (map keys sorted, <, > and & escaped, the
// same indentation for ?pretty) in two thirds of the time, which matters
// for the largest answers (90 days of one team's episodes at a big
// Alertmanager's scale is 76 MB of JSON, 0.43 s against 0.28 s). Request
// bodies are read as echo reads them by default.
//
// The episodes list, the largest answer, is written its own way (still the
// same bytes): in pieces as it is encoded, not whole into a buffer first
// (76 MB grown by doubling, most of the first ask's encoding), and each
// alert's labels once, shared by its episodes (the analysis reads an
// alert's labels once; writing that map, its keys sorted, for every
// episode was most of the encoding: 245,000 episodes of 2,500 alerts).
type JSONSerializer struct{ echo.DefaultJSONSerializer }

// Serialize writes v to the response, indented when indent is not empty.
func (JSONSerializer) Serialize(c echo.Context, v any, indent string) error {
	if a, ok := v.(models.Alerts); ok && len(a.Episodes) > 0 && finite(a.Episodes) {
		return writeEpisodes(c.Response(), a, indent)
	}
	if f, ok := v.(models.FailedInhibitions); ok && len(f.Failures) > 0 {
		return writeFailures(c.Response(), f, indent)
	}
	enc := segjson.NewEncoder(c.Response())
	if indent != "" {
		enc.SetIndent("", indent)
	}
	return enc.Encode(v)
}

// finite says whether every number of eps can be written: writing in
// pieces cannot take back what it wrote, and the encoder refuses NaN and
// infinities (which the whole-answer path reports before writing).
func finite(eps []models.Episode) bool {
	for _, e := range eps {
		if math.IsNaN(e.SilencedSeconds) || math.IsInf(e.SilencedSeconds, 0) || math.IsNaN(e.InhibitedSeconds) || math.IsInf(e.InhibitedSeconds, 0) {
			return false
		}
	}
	return true
}

// episodeJSON is a models.Episode whose labels and times are already JSON;
// its fields are the model's in their order, so the bytes are the same.
type episodeJSON struct {
	Fingerprint      string             `json:"fingerprint"`
	Alertname        string             `json:"alertname"`
	Labels           segjson.RawMessage `json:"labels"`
	Source           string             `json:"source"`
	StartsAt         segjson.RawMessage `json:"starts_at"`
	EndsAt           segjson.RawMessage `json:"ends_at"`
	Notifications    int                `json:"notifications"`
	SilencedSeconds  float64            `json:"silenced_seconds"`
	InhibitedSeconds float64            `json:"inhibited_seconds"`
}

// listPiece is how many elements of a list (episodes, failed
// inhibitions) are encoded and written at a time.
const listPiece = 512

// listFlags are the encoder's rules for what the lists hold, as
// segjson.NewEncoder writes the whole answer: <, > and & escaped, map keys
// sorted; the parts written already (labels, times) copied as they are.
const listFlags = segjson.EscapeHTML | segjson.SortMapKeys | segjson.TrustRawMessage

// writeEpisodes writes a, which has episodes, as the encoder would write it
// whole ({"episodes":[…],"first_fired":…} and a newline, indented by
// indent): the episodes a piece at a time (see listWriter).
//
// The labels and times are written into the piece as they are (the labels
// were written by the encoder's rules, <, > and & escaped; a time has none
// of them), and a piece's strings are escaped only when one of them has
// one of those: checking every written byte again for them was half the
// time.
func writeEpisodes(w io.Writer, a models.Alerts, indent string) error {
	l := newListWriter(w, "episodes", indent)
	written := labelsJSON{} // an alert's episodes share one map
	piece := make([]episodeJSON, 0, listPiece)
	var enc []byte
	times := make([]byte, 0, 2*listPiece*len(`"2006-01-02T15:04:05.999999999Z"`))
	for start := 0; start < len(a.Episodes); start += listPiece {
		// (a piece's times are done with once it is encoded)
		piece, times = piece[:0], times[:0]
		pieceFlags := listFlags &^ segjson.EscapeHTML
		for _, e := range a.Episodes[start:min(start+listPiece, len(a.Episodes))] {
			if strings.ContainsAny(e.Fingerprint, "<>&") || strings.ContainsAny(e.Alertname, "<>&") || strings.ContainsAny(e.Source, "<>&") {
				pieceFlags = listFlags
			}
			labels, err := written.json(e.Labels)
			if err != nil {
				return err
			}
			ej := episodeJSON{
				Fingerprint: e.Fingerprint, Alertname: e.Alertname, Labels: labels, Source: e.Source,
				Notifications: e.Notifications, SilencedSeconds: e.SilencedSeconds, InhibitedSeconds: e.InhibitedSeconds,
			}
			ej.StartsAt, times = appendTime(times, &e.StartsAt)
			ej.EndsAt, times = appendTime(times, e.EndsAt)
			piece = append(piece, ej)
		}
		var err error
		if enc, err = segjson.Append(enc[:0], piece, pieceFlags); err != nil {
			return err
		}
		if err := l.elements(enc); err != nil {
			return err
		}
	}
	first, err := segjson.Append(nil, a.FirstFired, listFlags)
	if err != nil {
		return err
	}
	return l.end("first_fired", first)
}

// failureJSON is a models.FailedInhibition whose labels are already JSON;
// its fields are the model's in their order, so the bytes are the same.
type failureJSON struct {
	Fingerprint string              `json:"fingerprint"`
	Alertname   string              `json:"alertname"`
	Labels      segjson.RawMessage  `json:"labels"`
	Receiver    string              `json:"receiver"`
	Source      string              `json:"source"`
	NotifiedAt  models.Time         `json:"notified_at"`
	InhibitedBy []models.Inhibitor  `json:"inhibited_by"`
	Basis       string              `json:"basis"`
	Rule        *models.InhibitRule `json:"rule"`
	Cause       *string             `json:"cause"`
	KnownCause  string              `json:"known_cause,omitempty"`
}

// writeFailures writes f, which has failures, as the encoder would write it
// whole ({"failures":[…]} and a newline, indented by indent), the failures
// a piece at a time (see listWriter) and each alert's labels once (the
// analysis gives an alert's failures one labels map). Whole, 90 days of
// them at a big Alertmanager's scale (625,000, 223 MB) were encoded into
// one buffer grown by doubling: most of the encoding's time, and twice the
// answer in memory; of what was left, writing every failure's labels was
// two thirds.
func writeFailures(w io.Writer, f models.FailedInhibitions, indent string) error {
	l := newListWriter(w, "failures", indent)
	written := labelsJSON{}
	piece := make([]failureJSON, 0, listPiece)
	var enc []byte
	for start := 0; start < len(f.Failures); start += listPiece {
		piece = piece[:0]
		for _, x := range f.Failures[start:min(start+listPiece, len(f.Failures))] {
			labels, err := written.json(x.Labels)
			if err != nil {
				return err
			}
			piece = append(piece, failureJSON{
				Fingerprint: x.Fingerprint, Alertname: x.Alertname, Labels: labels, Receiver: x.Receiver, Source: x.Source,
				NotifiedAt: x.NotifiedAt, InhibitedBy: x.InhibitedBy, Basis: x.Basis, Rule: x.Rule, Cause: x.Cause, KnownCause: x.KnownCause,
			})
		}
		var err error
		if enc, err = segjson.Append(enc[:0], piece, listFlags); err != nil {
			return err
		}
		if err := l.elements(enc); err != nil {
			return err
		}
	}
	return l.end("", nil)
}

// listWriter writes an object whose first field is a list, as the encoder
// would write it ({"name":[…],…} and a newline, indented by indent), given
// the list's elements a piece at a time: each piece an array, whose
// brackets are left out and whose elements are joined by commas.
// Indented, a piece is indented as the list is, one level in. What is
// written is sent on in blocks of 64 KiB.
type listWriter struct {
	w      io.Writer
	out    bytes.Buffer
	indent string
	nl     string // a line one level in ("" unindented)
	colon  string // between a field's name and its value
	begun  bool   // a piece was written: the next one follows a comma
}

func newListWriter(w io.Writer, name, indent string) *listWriter {
	l := &listWriter{w: w, indent: indent, colon: ":"}
	if indent != "" {
		l.nl, l.colon = "\n"+indent, ": "
	}
	l.out.WriteString("{" + l.nl + `"` + name + `"` + l.colon + "[")
	return l
}

// elements adds the elements of the JSON array enc.
func (l *listWriter) elements(enc []byte) error {
	if l.begun {
		l.out.WriteByte(',')
	}
	l.begun = true
	if l.indent == "" {
		l.out.Write(enc[1 : len(enc)-1])
	} else {
		// "[", then the elements each on lines of their own, then a
		// line of "]": the elements' lines are the piece's part
		n := l.out.Len()
		if err := segjson.Indent(&l.out, enc, l.indent, l.indent); err != nil {
			return err
		}
		b := l.out.Bytes()
		if !bytes.HasSuffix(b, []byte(l.nl+"]")) || b[n] != '[' {
			return fmt.Errorf("list: an indented piece is not an array")
		}
		copy(b[n:], b[n+1:])
		l.out.Truncate(len(b) - 1 - len(l.nl+"]"))
	}
	if l.out.Len() < 64<<10 {
		return nil
	}
	_, err := l.w.Write(l.out.Bytes())
	l.out.Reset()
	return err
}

// end closes the list and the object, after one more field (name and its
// value, JSON) unless name is empty, and writes the rest.
func (l *listWriter) end(name string, value []byte) error {
	l.out.WriteString(l.nl + "]")
	if name != "" {
		l.out.WriteString("," + l.nl + `"` + name + `"` + l.colon)
		if l.indent == "" {
			l.out.Write(value)
		} else if err := segjson.Indent(&l.out, value, l.indent, l.indent); err != nil {
			return err
		}
	}
	if l.indent != "" {
		l.out.WriteByte('\n')
	}
	l.out.WriteString("}\n")
	_, err := l.w.Write(l.out.Bytes())
	return err
}

// labelsJSON holds labels maps written as JSON, by map: each is written
// once however many rows share it.
type labelsJSON map[uintptr]segjson.RawMessage

// json returns labels written as JSON.
func (w labelsJSON) json(labels map[string]string) (segjson.RawMessage, error) {
	key := reflect.ValueOf(labels).Pointer()
	if b, ok := w[key]; ok {
		return b, nil
	}
	b, err := segjson.Append(nil, labels, listFlags)
	if err != nil {
		return nil, err
	}
	w[key] = b
	return b, nil
}

// appendTime appends t's JSON to b and returns it (nil for no time: null)
// and b.
func appendTime(b []byte, t *models.Time) (segjson.RawMessage, []byte) {
	if t == nil {
		return nil, b
	}
	n := len(b)
	b = t.AppendJSON(b)
	return b[n:len(b):len(b)], b
}
