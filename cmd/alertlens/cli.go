package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/alecthomas/kingpin/v2"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/version"
)

// action runs a parsed command.
type action func(ctx context.Context) error

// groups are the commands that only hold others ("inhibitions failed"),
// with their help line.
var groups = map[string]string{
	"inhibitions": "inhibition analyses",
	"silences":    "silence analyses, and upkeep of an Alertmanager's silences",
	"suggest":     "configuration changes the history suggests",
	"report":      "reports to paste (report alone: the weekly review)",
	"labels":      "label names (labels alone) and a label's values, for filters",
	"rules":       "Prometheus rule files",
}

// defaultSub is the subcommand a group runs when given alone.
var defaultSub = map[string]string{"labels": "names", "report": "weekly"}

// newCLI builds the command line on kingpin, as amtool and promtool are:
// flags anywhere, -h and --help on stdout, --version, environment
// variables in help. The read commands come from the analysis descriptors
// the API and Grafana share. It returns what runs each full command name.
func newCLI() (*kingpin.Application, map[string]action) {
	app := kingpin.New("alertlens", "Keeps the history of Prometheus Alertmanager alerts and answers on-call questions about it.")
	app.Version(version.String())
	app.HelpFlag.Short('h')
	app.UsageWriter(os.Stdout) // help is an answer, not an error
	app.ErrorWriter(os.Stderr)
	run := map[string]action{}
	parents := map[string]*kingpin.CmdClause{}
	command := func(full, help string) *kingpin.CmdClause {
		group, sub, ok := strings.Cut(full, " ")
		if !ok {
			return app.Command(full, help)
		}
		p := parents[group]
		if p == nil {
			p = app.Command(group, groups[group])
			parents[group] = p
		}
		c := p.Command(sub, help)
		if defaultSub[group] == sub {
			c.Default()
		}
		return c
	}

	serve := command("serve", "Run the service: webhook, poller, API, UI and metrics.")
	serveConfig := config.Flags(clause{serve})
	run["serve"] = func(ctx context.Context) error { return runServe(ctx, serveConfig) }
	migrate := command("migrate", "Create or update the store's schema, then exit.")
	migrateConfig := config.Flags(clause{migrate})
	run["migrate"] = func(ctx context.Context) error { return runMigrate(ctx, migrateConfig) }
	run["import"] = importCommand(command("import", "Post recordings (NDJSON), or with --events the event recorder's JSONL files, to a running alertlens, one file at a time."))
	for _, d := range models.Analyses {
		if d.Command != "" {
			run[d.Command] = readCommand(command(d.Command, d.Sentence()+" (GET "+d.Path+")."), d)
		}
	}
	run["rules suggest"] = rulesCommand(command("rules suggest", "Print a unified diff of Prometheus rule files that sets the for: and keep_firing_for: the flapping analysis suggests (--apply writes it)."))
	run["silences expire"] = expireCommand(command("silences expire", "Expire the silences alertlens finds stale in one Alertmanager (dry run unless --apply)."))
	run["silences extend"] = extendCommand(command("silences extend", "Extend the silences that end soon and still silence firing alerts (dry run unless --apply)."))
	command("version", "Print the version.")
	run["version"] = func(context.Context) error {
		fmt.Println(version.String())
		return nil
	}
	return app, run
}

// clause lets the config package register the serve flags on a kingpin
// command.
type clause struct{ *kingpin.CmdClause }

func (c clause) Var(v flag.Value, name, usage string) { c.Flag(name, usage).SetValue(v) }
