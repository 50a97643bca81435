// Command alertlens records every state Prometheus Alertmanager alerts pass
// through and answers on-call questions about them. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	app, run := newCLI()
	args := os.Args[1:]
	if err := applyCLIConfig(app, args); err != nil {
		fmt.Fprintf(os.Stderr, "alertlens: %v\n", err)
		os.Exit(1)
	}
	cmd, err := app.Parse(args)
	if err != nil {
		// A mistake on the command line: exit 2, as the flag package and
		// most Unix tools do; 1 is for a command that failed.
		fmt.Fprintf(os.Stderr, "alertlens: error: %v (try --help)\n", err)
		os.Exit(2)
	}
	if err := run[cmd](context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "alertlens %s: %v\n", cmd, err)
		os.Exit(1)
	}
}
