# alertlens — see README.md.
GO        ?= go
BIN       := bin/alertlens
CHDB_LIB  := .chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so
GOLANGCI  := $(shell $(GO) env GOPATH)/bin/golangci-lint
TESTFLAGS ?=

.PHONY: build run test lint deps chdb tools bench bench-year bench-storage soak screenshots dist clean plugin ui

VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -X github.com/alertlens/alertlens/version.Version=$(VERSION) -X github.com/alertlens/alertlens/version.Revision=$(REVISION)

build: chdb ui
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/alertlens

# The web UI's charting library, from npm, copied next to the pages the
# binary embeds (git-ignored).
UI_VENDOR := ui/static/vendor/uPlot.iife.min.js
ui: $(UI_VENDOR)
$(UI_VENDOR): ui/package.json
	cd ui && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p ui/static/vendor
	cp ui/node_modules/uplot/dist/uPlot.iife.min.js ui/node_modules/uplot/dist/uPlot.min.css ui/static/vendor/

chdb: $(CHDB_LIB)
$(CHDB_LIB):
	./scripts/install-chdb.sh

# make run LISTEN=127.0.0.1:9095 DATA_DIR=/var/lib/alertlens (or the same
# as environment variables) moves it.
LISTEN   ?= :9095
DATA_DIR ?= ./data

run: build
	./$(BIN) serve --data-dir $(DATA_DIR) --listen $(LISTEN)

# Tools the test suite starts for real: Alertmanager 0.25 and Prometheus 2.42
# from Debian's packages, Debian's chromium for the web UI and patch for the
# rule patches, and Alertmanager 0.34.2 (with its event recorder) built from
# its Go module into .tools/. Installed when missing.
tools:
	@command -v prometheus-alertmanager >/dev/null && command -v prometheus >/dev/null && command -v amtool >/dev/null && \
	  command -v chromium >/dev/null && command -v patch >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      prometheus prometheus-alertmanager chromium patch; }
	./scripts/build-alertmanager.sh

test: chdb tools ui
	gofmt -l . | grep . && { echo "gofmt: files above need formatting"; exit 1; } || true
	$(GO) vet ./...
	$(GO) test -race -timeout 20m $(TESTFLAGS) ./...
	# the analyses again, with episodes built from the raw rows instead of
	# the day summaries: both must give the hand-derived answers
	ALERTLENS_STORE_EPISODES_FROM_RAW=true $(GO) test -race -count=1 -timeout 10m $(TESTFLAGS) ./api/
	# and with each month of the summaries merged into one part and the
	# finished months' episodes sealed after every import, as
	# store.compact_interval does in service
	ALERTLENS_TEST_MERGE_SUMMARIES=true $(GO) test -race -count=1 -timeout 10m $(TESTFLAGS) ./api/
	cd grafana-plugin && $(GO) vet ./... && $(GO) test -race -timeout 10m $(TESTFLAGS) ./...
	cd grafana-plugin && npm ci --no-audit --no-fund --loglevel=error && npm run --silent typecheck && npm test --silent
	$(MAKE) --no-print-directory lint

lint:
	test -x $(GOLANGCI) || $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
	$(GOLANGCI) run ./...
	cd grafana-plugin && $(GOLANGCI) run ./...

# The Grafana datasource: frontend (npm) and backend binaries, in
# grafana-plugin/dist, named as Grafana looks for them (gpx_alertlens_OS_ARCH).
PLUGIN_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
plugin:
	cd grafana-plugin && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	for p in $(PLUGIN_PLATFORMS); do \
	  (cd grafana-plugin && CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build -trimpath -o dist/gpx_alertlens_$${p%/*}_$${p#*/} ./pkg) || exit 1; \
	done

bench: chdb
	$(GO) test -run '^$$' -bench . -benchtime 3x ./queue ./writer

# The analyses over a generated year, SCALE times the synthetic year's
# 10M notifications and 10M poller rows (SCALE=10: a big Alertmanager's
# year, with long annotations; about 10 GB of disk and most of an hour).
SCALE ?= 1
bench-year: chdb
	ALERTLENS_BENCH_SCALE=$(SCALE) $(GO) test -run '^$$' -bench AnalysesSyntheticYear -benchtime 1x -timeout 180m ./api/

# Bytes on disk per notification row with realistic (Kubernetes-shaped)
# alerts: a month of HA deliveries imported, every table merged.
bench-storage: chdb
	$(GO) test -run '^$$' -bench StorageRealistic -benchtime 1x -timeout 30m ./importer/

# The soak test at length: the real binary under webhook load and reads,
# killed with SIGKILL every few seconds; every read checked against the
# clients' own counts (make test runs it for 20 s). SOAK=10m runs longer.
SOAK ?= 5m
soak: chdb
	ALERTLENS_SOAK=$(SOAK) $(GO) test -run '^TestSoak$$' -count 1 -v -timeout 60m ./e2e | grep -E '^(---|===|ok|FAIL)|soak '

# A PNG of every page of the web UI, in screenshots/ (Debian's chromium).
screenshots: build
	./scripts/screenshots.sh

# Release archives for linux and darwin on amd64 and arm64, with checksums,
# in dist/ (scripts/dist.sh says what is in them).
dist: ui
	./scripts/dist.sh

clean:
	rm -rf bin dist
