// Command gen-dashboards writes the provisioned dashboards to DIR (default
// ../grafana-dashboards, run from grafana-plugin/).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/alertlens/alertlens/grafana-plugin/dashboards"
)

func main() {
	dir := "../grafana-dashboards"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	files, err := dashboards.Build()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
