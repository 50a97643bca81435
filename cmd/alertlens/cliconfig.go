package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/alecthomas/kingpin/v2"
	"gopkg.in/yaml.v3"
)

// cliConfigKeys are what the CLI's configuration file may set. The file is
// like amtool's: flag names as keys, so that `url: https://alertlens.example`
// in it saves typing --url on every command.
var cliConfigKeys = []string{"bearer-token", "output", "password", "timeout", "url", "username"}

// cliConfigPath is $ALERTLENS_CLI_CONFIG, else ~/.config/alertlens/cli.yml.
func cliConfigPath() string {
	if p := os.Getenv("ALERTLENS_CLI_CONFIG"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "alertlens", "cli.yml")
}

// applyCLIConfig makes the configuration file's values the defaults of the
// command args select, as amtool's resolver does: the command line, then
// the environment (kingpin's Envar), win over it. A missing default file
// is no error; a file given by ALERTLENS_CLI_CONFIG must exist.
func applyCLIConfig(app *kingpin.Application, args []string) error {
	path := cliConfigPath()
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && os.Getenv("ALERTLENS_CLI_CONFIG") == "" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the CLI configuration: %w", err)
	}
	var values map[string]string
	if err := yaml.Unmarshal(b, &values); err != nil {
		return fmt.Errorf("%s: %w (want `key: value` lines)", path, err)
	}
	for k := range values {
		if !slices.Contains(cliConfigKeys, k) {
			return fmt.Errorf("%s: %q is not a setting (it may set %s)", path, k, strings.Join(cliConfigKeys, ", "))
		}
	}
	// Parsing only finds the command; a mistake on the command line is
	// reported by the real parse that follows.
	pc, _ := app.ParseContext(args)
	if pc == nil || pc.SelectedCommand == nil {
		return nil
	}
	for k, v := range values {
		if f := pc.SelectedCommand.GetFlag(k); f != nil {
			f.Default(v)
		}
	}
	return nil
}
