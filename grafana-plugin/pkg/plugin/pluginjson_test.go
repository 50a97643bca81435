package plugin_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plugin.json names the backend executable that `make plugin` builds for
// every platform (Grafana appends _OS_ARCH), and its logos exist.
func TestPluginJSON(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "src", "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		ID         string `json:"id"`
		Backend    bool   `json:"backend"`
		Executable string `json:"executable"`
		Info       struct {
			Logos struct{ Small, Large string } `json:"logos"`
		} `json:"info"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if !p.Backend || p.Executable != "gpx_alertlens" {
		t.Errorf("backend %v, executable %q", p.Backend, p.Executable)
	}
	for _, logo := range []string{p.Info.Logos.Small, p.Info.Logos.Large} {
		if logo == "" {
			t.Error("plugin.json lacks a logo")
			continue
		}
		if _, err := os.Stat(filepath.Join("..", "..", "src", logo)); err != nil {
			t.Errorf("logo %s: %v", logo, err)
		}
	}
	makefile, err := os.ReadFile(filepath.Join("..", "..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PLUGIN_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64", "dist/" + p.Executable + "_$${p%/*}_$${p#*/}"} {
		if !strings.Contains(string(makefile), want) {
			t.Errorf("the Makefile's plugin target lacks %q", want)
		}
	}
}
