package analysis

import (
	"errors"
	"strings"
	"testing"
)

func TestLaneTurnsAPanicIntoItsError(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name   string
		f      func() error
		errHas string // "" = no error
	}{
		{"returns nil", func() error { return nil }, ""},
		{"returns an error", func() error { return boom }, "boom"},
		{"panics", func() error { panic("index out of range") }, "panic: index out of range"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := lane(c.f)()
			switch {
			case c.errHas == "" && err != nil:
				t.Fatalf("error %v, want none", err)
			case c.errHas != "" && (err == nil || !strings.Contains(err.Error(), c.errHas)):
				t.Fatalf("error %v, want one containing %q", err, c.errHas)
			}
		})
	}
}
