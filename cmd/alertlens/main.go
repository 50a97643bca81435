// Command alertlens records every state Prometheus Alertmanager alerts pass
// through and answers on-call questions about them. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/alertlens/alertlens/models"
	"github.com/alertlens/alertlens/version"
)

var commands = map[string]func(ctx context.Context, args []string) error{
	"serve":    runServe,
	"migrate":  runMigrate,
	"import":   runImport,
	"rules":    runRules,
	"silences": runSilences,
}

func usage() {
	var b strings.Builder
	b.WriteString(`usage: alertlens COMMAND [flags]

commands:
  serve     run the service (webhook, poller, API, metrics)
  migrate   create or update the store's schema and exit
  import    post recordings (NDJSON files) to a running server

read commands (ask a running server; --url, --output table|json|markdown):
`)
	for _, d := range models.Analyses {
		if d.Command == "" {
			continue
		}
		name := d.Command
		if d.Arg != "" {
			name += " " + strings.ToUpper(d.Arg)
		}
		fmt.Fprintf(&b, "  %-24s %s\n", name, d.Summary)
	}
	b.WriteString("\nRun 'alertlens COMMAND -h' for a command's flags.")
	fmt.Fprintln(os.Stderr, b.String())
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	if d, rest, ok := readCommand(os.Args[1:]); ok {
		err := runRead(context.Background(), d, rest)
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "alertlens %s: %v\n", d.Command, err)
			os.Exit(1)
		}
		return
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		if os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
			usage()
			return
		}
		if os.Args[1] == "--version" || os.Args[1] == "version" {
			fmt.Println(version.String())
			return
		}
		fmt.Fprintf(os.Stderr, "alertlens: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err := cmd(context.Background(), os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "alertlens %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
