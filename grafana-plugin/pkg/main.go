// Command gpx_alertlens is the backend of the alertlens Grafana datasource:
// it asks the alertlens HTTP API and answers data frames.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/alertlens/alertlens/grafana-plugin/pkg/plugin"
)

func main() {
	if err := datasource.Manage("alertlens-datasource", plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error(err.Error())
		os.Exit(1)
	}
}
