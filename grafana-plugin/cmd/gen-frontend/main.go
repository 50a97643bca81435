// Command gen-frontend writes the frontend's list of query types from the
// analysis descriptors (run from grafana-plugin/).
package main

import (
	"fmt"
	"os"

	"github.com/alertlens/alertlens/grafana-plugin/pkg/plugin"
)

func main() {
	if err := os.WriteFile(plugin.FrontendFile, plugin.Frontend(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
