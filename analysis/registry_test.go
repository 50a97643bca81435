package analysis

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/models"
)

// Every descriptor has one function, and each function's input asks for
// exactly the parameters its descriptor lists: a parameter documented but
// never read, or read but never documented, fails here.
func TestRegistryMatchesDescriptors(t *testing.T) {
	reg := Registry()
	var names []string
	for _, e := range reg {
		names = append(names, e.Name)
	}
	for _, d := range models.Analyses {
		if n := strings.Count(","+strings.Join(names, ",")+",", ","+d.Name+","); n != 1 {
			t.Errorf("descriptor %s has %d registry entries, want 1", d.Name, n)
		}
	}
	if len(reg) != len(models.Analyses) {
		t.Errorf("%d registry entries, %d descriptors", len(reg), len(models.Analyses))
	}
	commands := map[string]bool{}
	for _, e := range reg {
		tagged := map[string]bool{}
		hasCommon := false
		for i := range e.Input.NumField() {
			f := e.Input.Field(i)
			if f.Type == reflect.TypeFor[Common]() {
				hasCommon = true
			}
			if p := f.Tag.Get("param"); p != "" {
				tagged[p] = true
			}
		}
		if hasCommon != (e.Window || e.Filters) {
			t.Errorf("%s: input has Common %v, descriptor window %v filters %v", e.Name, hasCommon, e.Window, e.Filters)
		}
		for _, p := range e.Params {
			if !tagged[p.Name] {
				t.Errorf("%s: parameter %s is described but no input field reads it", e.Name, p.Name)
			}
			if p.InPath != strings.Contains(e.Path, "{"+p.Name+"}") {
				t.Errorf("%s: parameter %s in path %v, path is %s", e.Name, p.Name, p.InPath, e.Path)
			}
			delete(tagged, p.Name)
		}
		for p := range tagged {
			t.Errorf("%s: input reads parameter %s, which the descriptor lacks", e.Name, p)
		}
		if d := e.Descriptor; d.Markdown != (e.RenderMarkdown != nil) {
			t.Errorf("%s: descriptor Markdown %v but renderer set %v", e.Name, d.Markdown, e.RenderMarkdown != nil)
		}
		if e.Command != "" {
			if commands[e.Command] {
				t.Errorf("command %q twice", e.Command)
			}
			commands[e.Command] = true
		}
		if e.Arg != "" && !slices.ContainsFunc(e.AllParams(), func(p models.Param) bool { return p.Name == e.Arg }) {
			t.Errorf("%s: CLI argument %s is no parameter", e.Name, e.Arg)
		}
		if !e.Single && !e.Wide && len(e.Tables) == 0 {
			t.Errorf("%s: no table to show", e.Name)
		}
	}
}
