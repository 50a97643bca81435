package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// cliConfigKeys are what the CLI's configuration file may set, with the
// environment variable that wins over it. The file is like amtool's: flag
// names as keys, so that `url: https://alertlens.example` in it saves
// typing --url on every command.
var cliConfigKeys = map[string]string{
	"url": "ALERTLENS_URL", "bearer-token": "ALERTLENS_BEARER_TOKEN", "username": "ALERTLENS_USERNAME",
	"password": "ALERTLENS_PASSWORD", "output": "", "timeout": "",
}

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

// applyCLIConfig sets the flags of fs the configuration file names, before
// the command line is parsed: command-line flags, then environment
// variables, win over it. A missing default file is no error; a file given
// by ALERTLENS_CLI_CONFIG must exist.
func applyCLIConfig(fs *flag.FlagSet) error {
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
	for k, v := range values {
		env, known := cliConfigKeys[k]
		if !known {
			keys := make([]string, 0, len(cliConfigKeys))
			for k := range cliConfigKeys {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			return fmt.Errorf("%s: %q is not a setting (it may set %s)", path, k, strings.Join(keys, ", "))
		}
		if (env != "" && os.Getenv(env) != "") || fs.Lookup(k) == nil {
			continue
		}
		if err := fs.Set(k, v); err != nil {
			return fmt.Errorf("%s: %s: %w", path, k, err)
		}
	}
	return nil
}
