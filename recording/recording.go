// Package recording reads and writes alertlens recordings: NDJSON, one
// object a line, holding everything received (webhook payloads) and polled
// (API v2 alerts, silences, status, failures) with the time it happened.
// Replaying a recording gives the history live operation would have.
package recording

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/alertmanager/api/v2/models"
)

// Line kinds.
const (
	KindWebhook   = "webhook"
	KindPoll      = "poll"
	KindPollError = "poll_error"
	KindEvent     = "event"
)

// Line is one line of a recording.
type Line struct {
	Kind     string                     `json:"kind"`
	At       time.Time                  `json:"at"`
	Source   string                     `json:"source"`
	Payload  json.RawMessage            `json:"payload,omitempty"`
	Alerts   []*models.GettableAlert    `json:"alerts,omitempty"`
	Silences []*models.GettableSilence  `json:"silences,omitempty"`
	Status   *models.AlertmanagerStatus `json:"status,omitempty"`
	Error    string                     `json:"error,omitempty"`
	// Event is one event recorder object (kind event), checked by the
	// events package when it is replayed.
	Event json.RawMessage `json:"event,omitempty"`

	// HasAlerts and HasSilences tell an empty list from an absent one: a
	// poll with "silences" omitted says nothing about silences.
	HasAlerts   bool `json:"-"`
	HasSilences bool `json:"-"`
	// Number is the 1-based line number in its file.
	Number int `json:"-"`
}

// LineError names the bad line.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ValidSource decides which source names are acceptable; set by the caller.
type ValidSource func(string) bool

// Parse reads a whole recording, validating every line; on the first bad
// line it returns a *LineError and no lines, so a bad recording stores
// nothing. maxLine bounds one line's length.
func Parse(r io.Reader, validSource ValidSource, maxLine int) ([]Line, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var out []Line
	for n := 1; ; n++ {
		raw, err := readLine(br, maxLine)
		if errors.Is(err, io.EOF) && len(raw) == 0 {
			return out, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, &LineError{Line: n, Err: err}
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			continue
		}
		l, perr := ParseLine(raw, validSource)
		if perr != nil {
			return nil, &LineError{Line: n, Err: perr}
		}
		l.Number = n
		out = append(out, l)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
	}
}

func readLine(br *bufio.Reader, maxLine int) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxLine {
			return nil, fmt.Errorf("line longer than %d bytes", maxLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf, err
	}
}

// ParseLine parses and checks one line.
func ParseLine(raw []byte, validSource ValidSource) (Line, error) {
	var l Line
	var probe struct {
		Alerts   json.RawMessage `json:"alerts"`
		Silences json.RawMessage `json:"silences"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&l); err != nil {
		return l, fmt.Errorf("malformed JSON: %w", err)
	}
	if dec.More() {
		return l, errors.New("more than one JSON value on the line")
	}
	_ = json.Unmarshal(raw, &probe)
	l.HasAlerts = len(probe.Alerts) > 0 && string(probe.Alerts) != "null"
	l.HasSilences = len(probe.Silences) > 0 && string(probe.Silences) != "null"
	if l.At.IsZero() {
		return l, errors.New(`"at" is missing`)
	}
	if l.At.Year() < 1900 || l.At.Year() > 2299 {
		return l, fmt.Errorf(`"at" %s is outside 1900..2299`, l.At.Format(time.RFC3339))
	}
	if validSource != nil && !validSource(l.Source) {
		return l, fmt.Errorf("source %q is not a valid source name", l.Source)
	}
	switch l.Kind {
	case KindWebhook:
		if len(l.Payload) == 0 || string(l.Payload) == "null" {
			return l, errors.New(`webhook line without "payload"`)
		}
	case KindPoll:
		if !l.HasAlerts {
			return l, errors.New(`poll line without "alerts" (use [] for none)`)
		}
		for i, a := range l.Alerts {
			if err := checkAlert(a); err != nil {
				return l, fmt.Errorf("alerts[%d]: %w", i, err)
			}
		}
		for i, s := range l.Silences {
			if err := checkSilence(s); err != nil {
				return l, fmt.Errorf("silences[%d]: %w", i, err)
			}
		}
	case KindPollError:
		if l.Error == "" {
			return l, errors.New(`poll_error line without "error"`)
		}
	case KindEvent:
		if len(l.Event) == 0 || string(l.Event) == "null" {
			return l, errors.New(`event line without "event"`)
		}
	default:
		return l, fmt.Errorf("kind %q is not webhook, poll, poll_error or event", l.Kind)
	}
	return l, nil
}

func checkAlert(a *models.GettableAlert) error {
	switch {
	case a == nil:
		return errors.New("null alert")
	case a.Fingerprint == nil || *a.Fingerprint == "":
		return errors.New("fingerprint is missing")
	case a.StartsAt == nil:
		return errors.New("startsAt is missing")
	case a.Status == nil || a.Status.State == nil:
		return errors.New("status.state is missing")
	case len(a.Labels) == 0:
		return errors.New("labels are missing")
	}
	return nil
}

func checkSilence(s *models.GettableSilence) error {
	switch {
	case s == nil:
		return errors.New("null silence")
	case s.ID == nil || *s.ID == "":
		return errors.New("id is missing")
	case s.UpdatedAt == nil || s.StartsAt == nil || s.EndsAt == nil:
		return errors.New("updatedAt, startsAt and endsAt are required")
	case s.Status == nil || s.Status.State == nil:
		return errors.New("status.state is missing")
	}
	return nil
}

// SortByTime orders lines by time, keeping file order for equal times, so
// replay diffs each source's polls in time order as the live poller does.
func SortByTime(lines []Line) {
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].At.Before(lines[j].At) })
}

// Writer appends lines to a recording file. Safe for concurrent use.
type Writer struct {
	mu sync.Mutex
	f  *os.File
}

// Create opens path for appending (creating it).
func Create(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	return &Writer{f: f}, nil
}

// Write appends one line. A nil *Writer records nothing.
func (w *Writer) Write(l Line) error {
	if w == nil {
		return nil
	}
	b, err := Marshal(l)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.f.Write(b); err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	return nil
}

// Marshal encodes one line, newline-terminated, in UTC. A poll line always
// has "alerts", and has "silences" exactly when they were read (an empty
// list included), so replay tells "no silences" from "not read".
func Marshal(l Line) ([]byte, error) {
	l.At = l.At.UTC()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	type plain Line
	var v any = plain(l)
	if l.Kind == KindPoll {
		alerts := l.Alerts
		if alerts == nil {
			alerts = []*models.GettableAlert{}
		}
		var sils *[]*models.GettableSilence
		if l.Silences != nil || l.HasSilences {
			s := l.Silences
			if s == nil {
				s = []*models.GettableSilence{}
			}
			sils = &s
		}
		v = struct {
			plain
			Alerts   []*models.GettableAlert    `json:"alerts"`
			Silences *[]*models.GettableSilence `json:"silences,omitempty"`
		}{plain(l), alerts, sils}
	}
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("recording: encoding line: %w", err)
	}
	return buf.Bytes(), nil
}

// Close closes the file.
func (w *Writer) Close() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.f.Close()
}
