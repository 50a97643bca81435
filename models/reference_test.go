package models

import (
	"os"
	"path/filepath"
	"testing"
)

// docs/reference.md is what the descriptors say; UPDATE_GOLDEN=1 rewrites it.
func TestReferenceDocIsCurrent(t *testing.T) {
	path := filepath.Join("..", "docs", "reference.md")
	want := Reference()
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/reference.md is out of date with models.Analyses: run UPDATE_GOLDEN=1 go test ./models")
	}
}

func TestQueryField(t *testing.T) {
	for name, want := range map[string]string{"flap_gap": "flapGap", "min_flaps": "minFlaps", "by": "by", "long_running": "longRunning"} {
		if got := (Param{Name: name}).QueryField(); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
}

// A summary starts a sentence capitalized, unless its first word is an
// identifier that must keep its spelling.
func TestSentence(t *testing.T) {
	for _, c := range []struct{ summary, want string }{
		{"episodes matching label matchers", "Episodes matching label matchers"},
		{"group_by changes for alerts", "group_by changes for alerts"},
		{"a", "A"},
		{"", ""},
	} {
		if got := (Descriptor{Summary: c.summary}).Sentence(); got != c.want {
			t.Errorf("Sentence(%q) = %q, want %q", c.summary, got, c.want)
		}
	}
}
