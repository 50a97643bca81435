// Command alertlens records every state Prometheus Alertmanager alerts pass
// through and answers on-call questions about them. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
)

var commands = map[string]func(ctx context.Context, args []string) error{
	"serve":   runServe,
	"migrate": runMigrate,
	"import":  runImport,
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage: alertlens COMMAND [flags]

commands:
  serve     run the service (webhook, poller, API, metrics)
  migrate   create or update the store's schema and exit
  import    post recordings (NDJSON files) to a running server

read commands (ask a running server; --url, --from, --to, --source,
--receiver, --match, --output table|json|markdown):
  flapping              alerts that flap, with suggested for: / keep_firing_for:
  inhibitions failed    notifications sent although the alert was inhibited
  inhibitions loops     alerts (and inhibit rules) inhibiting each other
  silences stale        active silences that look stale
  noise                 notifications, episodes, firing time by alertname or label
  lookup MATCHERS       episodes matching label matchers, in order
  explain FINGERPRINT   what an alert was doing at --at, and whether it paged
  handover              the shift in Markdown (--receiver R --since 12h)
  report weekly         the weekly on-call review (--week 2026-W47)

Run 'alertlens COMMAND -h' for a command's flags.`)
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	if name, rc, rest, ok := readCommand(os.Args[1:]); ok {
		if err := runRead(context.Background(), name, rc, rest); err != nil {
			fmt.Fprintf(os.Stderr, "alertlens %s: %v\n", name, err)
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
		fmt.Fprintf(os.Stderr, "alertlens: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err := cmd(context.Background(), os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "alertlens %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
