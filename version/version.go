// Package version says which alertlens this is: set at build time with
// -ldflags "-X github.com/alertlens/alertlens/version.Version=… -X
// github.com/alertlens/alertlens/version.Revision=…", else taken from the
// Go build information (a module version, or the VCS revision).
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// Set by the linker in release builds.
var (
	Version  = ""
	Revision = ""
)

// Info returns the version and the revision, from the linker or the build
// information.
func Info() (version, revision string) {
	version, revision = Version, Revision
	if bi, ok := debug.ReadBuildInfo(); ok {
		if version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && revision == "" {
				revision = s.Value
			}
		}
	}
	if version == "" {
		version = "dev"
	}
	if revision == "" {
		revision = "unknown"
	}
	return version, revision
}

// String is the one line --version prints.
func String() string {
	v, r := Info()
	return fmt.Sprintf("alertlens, version %s (revision: %s, go: %s, platform: %s/%s)", v, r, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// NewCollector is alertlens_build_info: 1, labelled with the version.
func NewCollector() prometheus.Collector {
	v, r := Info()
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "alertlens_build_info",
		Help:        "A metric with a constant 1 value labelled by the version and revision alertlens was built from.",
		ConstLabels: prometheus.Labels{"version": v, "revision": r, "goversion": runtime.Version()},
	})
	g.Set(1)
	return g
}
