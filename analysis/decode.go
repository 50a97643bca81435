package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"

	segjson "github.com/segmentio/encoding/json"
	"golang.org/x/sync/errgroup"

	"github.com/alertlens/alertlens/store"
)

// minDecodePart is the fewest rows worth a goroutine of their own.
const minDecodePart = 20000

// decodeParts is how many pieces a large answer is decoded in at once.
func decodeParts() int { return runtime.GOMAXPROCS(0) }

// decodeRows decodes the engine's JSONEachRow answer of the statement name
// into one T a row, refusing more than maxRows rows (0: any number).
//
// An answer of one row a line, as the engine writes them, is cut at line
// ends into up to parts pieces of at least minPart lines, decoded at once:
// decoding is most of the time alertlens itself spends on a large answer,
// and the engine is done by then. Each piece is decoded in place, into its
// lines' part of one slice, so that no row is copied (with their pointers
// under the garbage collector's write barriers, copying rows at every
// doubling of a slice was half a second for 70,000 failed inhibitions),
// and by segmentio's work-alike of encoding/json: over 90 days' episodes
// of one team at a big Alertmanager's scale (245,000 rows) in a third of
// encoding/json's time, into the same rows. Anything else (a bad row,
// blank lines, two rows on a line, more rows than allowed) is decoded
// again from the start in one piece by encoding/json, which decides the
// rows, the limit and the error (and a panic in a piece, which lane turns
// into an error, is met there again).
func decodeRows[T any](name string, out []byte, maxRows, parts, minPart int) ([]T, error) {
	lines := bytes.Count(out, []byte{'\n'})
	parts = max(1, min(parts, lines/max(1, minPart)))
	if maxRows == 0 || lines <= maxRows {
		if rows, ok := decodePieces[T](out, parts); ok && (maxRows == 0 || len(rows) <= maxRows) {
			return rows, nil
		}
	}
	return decodeSerially[T](name, out, maxRows, lines)
}

// decodePieces decodes out cut into parts pieces at once, each into its
// lines' part of one slice; ok is false unless every line held one row.
func decodePieces[T any](out []byte, parts int) (rows []T, ok bool) {
	type piece struct {
		text      []byte
		off, room int // where its rows go, and how many lines it has
	}
	pieces := make([]piece, 0, parts)
	n := 0
	for rest := out; len(rest) > 0; {
		end := len(rest)
		if left := parts - len(pieces); left > 1 {
			if i := bytes.IndexByte(rest[len(rest)/left:], '\n'); i >= 0 {
				end = len(rest)/left + i + 1
			}
		}
		room := bytes.Count(rest[:end], []byte{'\n'})
		if rest[end-1] != '\n' {
			room++ // the last row has no newline after it
		}
		pieces = append(pieces, piece{text: rest[:end], off: n, room: room})
		n += room
		rest = rest[end:]
	}
	all := make([]T, n)
	var g errgroup.Group
	for i := range pieces {
		p := &pieces[i]
		g.Go(lane(func() error {
			text := p.text
			for row := range p.room {
				line := text
				if j := bytes.IndexByte(text, '\n'); j >= 0 {
					line, text = text[:j], text[j+1:]
				}
				// One value a line: a blank line or a second row on
				// the line is an error here, and the answer is read
				// whole.
				if err := segjson.Unmarshal(line, &all[p.off+row]); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	if g.Wait() != nil {
		return nil, false
	}
	return all, true
}

// decodeSerially decodes the answer from its start in one piece, sized for
// its lines once.
func decodeSerially[T any](name string, out []byte, maxRows, lines int) ([]T, error) {
	if maxRows > 0 {
		lines = min(lines, maxRows)
	}
	rows := make([]T, 0, lines)
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		if maxRows > 0 && len(rows) == maxRows {
			return nil, &store.LimitError{Limit: store.LimitRows, Err: fmt.Errorf("query %s: more than %d rows", name, maxRows)}
		}
		var r T
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("decoding %s result: %w", name, err)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// labelMap is a set of labels as the engine's answer spells it (an object
// of strings). Decoded by segmentio's decoder, a map[string]string is made
// with room for 64 entries, whatever it holds: for the 49,000 alerts named
// in a week of failed inhibitions at a big Alertmanager's scale, making
// and clearing those was 0.64 s of CPU a request. Made here first, sized
// for what the object holds, the decoder fills it instead.
type labelMap map[string]string

// UnmarshalJSON decodes a JSON object of strings (or null).
func (m *labelMap) UnmarshalJSON(b []byte) error {
	if *m == nil && !bytes.Equal(b, []byte("null")) {
		// (each entry has a key followed by a colon; a colon inside a key or
		// value only makes the map roomier)
		*m = make(labelMap, bytes.Count(b, []byte{':'}))
	}
	return segjson.Unmarshal(b, (*map[string]string)(m))
}
