package analysis

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/alertmanager/pkg/labels"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/queries"
	"github.com/alertlens/alertlens/store"
)

// ParamError is a bad request parameter; the answer is 400 naming it.
type ParamError struct {
	Param string
	Msg   string
}

func (e *ParamError) Error() string { return "parameter " + e.Param + ": " + e.Msg }

var relTimeRE = regexp.MustCompile(`^now(?:-([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w))?$`)

// ParseTime accepts RFC 3339, "now", and "now-<n><unit>" with unit ms, s, m,
// h, d or w (now-7d, now-12h).
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if m := relTimeRE.FindStringSubmatch(s); m != nil {
		if m[1] == "" {
			return now, nil
		}
		d, err := config.ParseDuration(m[1] + m[2])
		if err != nil {
			return time.Time{}, fmt.Errorf("%q: %w", s, err)
		}
		return now.Add(-time.Duration(d)), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 (2026-11-02T10:00:00Z) nor relative (now, now-12h, now-7d)", s)
	}
	if t.Before(store.MinTime) || t.After(store.MaxTime) {
		return time.Time{}, fmt.Errorf("%s is outside 1900..2299", s)
	}
	return t, nil
}

// Common are the window and filters most analyses take.
type Common struct {
	From, To  time.Time
	Sources   []string // any of them; none: every source
	Receivers []string // any of them; none: every receiver
	Match     labels.Matchers

	// kept is this window's episodes as keepEpisodes kept them (nil: each
	// statement builds them).
	kept *keptTable
	// keptNotes is this window's notifications as keepNotes kept them
	// (nil: each statement counts them).
	keptNotes *keptTable
	// scanFrom, when set, is where rows are read from: a window widened
	// before its start (see widen) keeps the scan of the window it widens.
	scanFrom time.Time
}

// widen returns c with its window starting d earlier and its rows read
// from where c's are: the episodes of the wider window that overlap c's
// are then c's episodes exactly, whatever rows lie in the extra d of the
// scan (a statement that reads the episode before the first one in c, and
// one kept table for both, depend on that).
func (c Common) widen(d time.Duration) Common {
	w := c
	w.scanFrom = c.scanStart()
	w.From = c.From.Add(-d)
	return w
}

// scanStart is where the rows of c's episodes are read from: the
// midnight (UTC) at or before scanBack before the window. The day
// summaries kept at ingest cover whole days; a scan starting inside a day
// had that day's raw rows summed up at read time.
func (c Common) scanStart() time.Time {
	if !c.scanFrom.IsZero() {
		return c.scanFrom
	}
	return c.From.Add(-scanBack).UTC().Truncate(24 * time.Hour)
}

// scanBack is how far before the window rows are read (from the midnight
// before, see scanStart) to find episodes that started earlier and are
// still open in it (see queries/_episodes.sql).
const scanBack = 7 * 24 * time.Hour

func parseCommon(q url.Values, now time.Time, window, filters bool) (Common, error) {
	c := Common{From: now.Add(-24 * time.Hour), To: now}
	var err error
	for _, name := range []string{"from", "to", "match"} {
		if err := once(q, name); err != nil {
			return c, err
		}
	}
	if window {
		if v := q.Get("from"); v != "" {
			if c.From, err = ParseTime(v, now); err != nil {
				return c, &ParamError{"from", err.Error()}
			}
		}
		if v := q.Get("to"); v != "" {
			if c.To, err = ParseTime(v, now); err != nil {
				return c, &ParamError{"to", err.Error()}
			}
		}
		if !c.From.Before(c.To) {
			return c, &ParamError{"from", fmt.Sprintf("%s is not before to (%s)", c.From.UTC().Format(time.RFC3339), c.To.UTC().Format(time.RFC3339))}
		}
	}
	if !filters {
		return c, nil
	}
	// (the same reading as any repeatable parameter)
	sources, err := bindParam(models.FilterParams[0], q, now)
	if err != nil {
		return c, err
	}
	receivers, err := bindParam(models.FilterParams[1], q, now)
	if err != nil {
		return c, err
	}
	c.Sources, c.Receivers = sources.([]string), receivers.([]string)
	if v := q.Get("match"); v != "" {
		if c.Match, err = queries.ParseMatchers(v); err != nil {
			return c, &ParamError{"match", fmt.Sprintf("%q: %v", v, err)}
		}
	}
	return c, nil
}

// maxRepeat bounds a repeated parameter: a dashboard's "All" is sent as
// empty, so only a hand-picked list comes as values.
const maxRepeat = 1000

// once rejects a parameter given more than once where it takes one value,
// rather than silently reading the first.
func once(q url.Values, name string) error {
	if n := len(q[name]); n > 1 {
		return &ParamError{name, fmt.Sprintf("given %d times; it takes one value", n)}
	}
	return nil
}

func parseSource(s string) (string, error) {
	if s != "" && !config.ValidSourceName(s) {
		return "", &ParamError{"source", fmt.Sprintf("%q is not a source name", s)}
	}
	return s, nil
}

const chTime = store.TimeLayout

// matcherParams prefixes the bound parameters of the label matchers
// (m_n0, m_v0, …; see queries.LabelFilter).
const matcherParams = "m"

// Params returns the bound parameters for c, with the label filter for the
// matchers, ready for a statement template.
func (c Common) Params() (map[string]string, queries.Data) {
	p := map[string]string{
		"from": c.From.UTC().Format(chTime), "to": c.To.UTC().Format(chTime),
		"scan_from": c.scanStart().UTC().Format(chTime),
		"sources":   queries.StringArray(c.Sources), "receivers": queries.StringArray(c.Receivers),
	}
	d := queries.Data{Match: queries.LabelFilter(c.Match, "labels", matcherParams, p)}
	if c.kept != nil {
		d.Kept, d.KeptFor = c.kept.table, c.kept.params
	}
	if c.keptNotes != nil {
		d.KeptNotes, d.KeptNotesFor = c.keptNotes.table, c.keptNotes.params
	}
	return p, d
}

var fingerprintRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

// IsFingerprint says whether s is an alert fingerprint as the API takes
// it: 16 lowercase hex digits.
func IsFingerprint(s string) bool { return fingerprintRE.MatchString(s) }

// parseParam reads one parameter of the given kind from its text (the
// default when absent) into a Go value.
func parseParam(p models.Param, v string, now time.Time) (any, error) {
	if v == "" {
		v = p.Default
	}
	switch p.Kind {
	case models.ParamTime:
		if v == "" {
			return time.Time{}, nil
		}
		t, err := ParseTime(v, now)
		if err != nil {
			return nil, &ParamError{p.Name, err.Error()}
		}
		return t, nil
	case models.ParamDuration:
		if v == "" {
			return time.Duration(0), nil
		}
		d, err := config.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, &ParamError{p.Name, fmt.Sprintf("%q is not a positive duration (e.g. 30m, 1h, 7d)", v)}
		}
		return time.Duration(d), nil
	case models.ParamInt:
		n, err := strconv.Atoi(v)
		if err != nil || n < p.Min || n > p.Max {
			return nil, &ParamError{p.Name, fmt.Sprintf("%q is not a whole number from %d to %d", v, p.Min, p.Max)}
		}
		return n, nil
	case models.ParamLabel:
		if len(v) > 256 || !utf8.ValidString(v) {
			return nil, &ParamError{p.Name, "must be a label name of at most 256 bytes"}
		}
		return v, nil
	case models.ParamSource:
		return parseSource(v)
	case models.ParamFingerprint:
		if !fingerprintRE.MatchString(v) {
			return nil, &ParamError{p.Name, fmt.Sprintf("%q is not 16 lowercase hex digits", v)}
		}
		return v, nil
	case models.ParamFraction:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			return nil, &ParamError{p.Name, fmt.Sprintf("%q is not a number from 0 to 1", v)}
		}
		return f, nil
	case models.ParamString:
		if len(v) > 4096 || !utf8.ValidString(v) {
			return nil, &ParamError{p.Name, "must be valid UTF-8 of at most 4096 bytes"}
		}
		return v, nil
	}
	return nil, fmt.Errorf("parameter %s: unknown kind %q", p.Name, p.Kind)
}

var (
	commonType = reflect.TypeFor[Common]()
)

// bindParam reads a parameter from the query: a repeatable one into the
// list of its non-empty values, any other from its one value.
func bindParam(p models.Param, q url.Values, now time.Time) (any, error) {
	if !p.Repeat {
		if err := once(q, p.Name); err != nil {
			return nil, err
		}
		return parseParam(p, q.Get(p.Name), now)
	}
	var out []string
	for _, v := range q[p.Name] {
		if v == "" {
			continue
		}
		x, err := parseParam(p, v, now)
		if err != nil {
			return nil, err
		}
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("parameter %s: kind %s cannot repeat", p.Name, p.Kind)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) > maxRepeat {
		return nil, &ParamError{p.Name, fmt.Sprintf("at most %d values at once", maxRepeat)}
	}
	return out, nil
}

// bind fills the input struct *in from the query: its Common field from the
// window and filters the descriptor takes, every other field from the
// descriptor parameter named by its `param` tag.
func bind(d models.Descriptor, q url.Values, now time.Time, in any) (*Common, error) {
	var com *Common
	v := reflect.ValueOf(in).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type == commonType {
			c, err := parseCommon(q, now, d.Window, d.Filters)
			if err != nil {
				return nil, err
			}
			v.Field(i).Set(reflect.ValueOf(c))
			com = &c
			continue
		}
		name := f.Tag.Get("param")
		if name == "" {
			continue
		}
		p, ok := d.Param(name)
		if !ok {
			return nil, fmt.Errorf("analysis %s: field %s names parameter %q, which the descriptor lacks", d.Name, f.Name, name)
		}
		x, err := bindParam(p, q, now)
		if err != nil {
			return nil, err
		}
		xv := reflect.ValueOf(x)
		if !xv.Type().AssignableTo(f.Type) {
			return nil, fmt.Errorf("analysis %s: field %s is %s, parameter %s gives %s", d.Name, f.Name, f.Type, name, xv.Type())
		}
		v.Field(i).Set(xv)
	}
	return com, nil
}
