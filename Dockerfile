# syntax=docker/dockerfile:1
# alertlens with its embedded engine: `docker run -v alertlens:/var/lib/alertlens
# -p 9095:9095 alertlens` runs the default store. Build for one platform or
# several (docker buildx build --platform linux/amd64,linux/arm64 .).

# The web UI's charting library, from npm as make ui fetches it; the
# binary embeds it.
FROM --platform=$BUILDPLATFORM node:22-bookworm-slim AS ui
WORKDIR /ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# The service binary: pure Go (the engine library is loaded at run time), so
# it cross-compiles for the target platform on the build platform.
FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
ARG REVISION=unknown
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=ui /ui/node_modules/uplot/dist/uPlot.iife.min.js /ui/node_modules/uplot/dist/uPlot.min.css ui/static/vendor/
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build \
      -ldflags "-X github.com/alertlens/alertlens/version.Version=$VERSION -X github.com/alertlens/alertlens/version.Revision=$REVISION" \
      -o /out/alertlens ./cmd/alertlens

# The embedded engine for the target architecture, from npm (the version
# scripts/install-chdb.sh pins).
FROM --platform=$BUILDPLATFORM node:22-bookworm-slim AS engine
ARG TARGETARCH
ARG CHDB_VERSION=26.7.3-stable.1
WORKDIR /engine
RUN case "$TARGETARCH" in \
      amd64) pkg=lib-linux-x64-gnu ;; \
      arm64) pkg=lib-linux-arm64-gnu ;; \
      *) echo "no engine library for $TARGETARCH" >&2; exit 1 ;; \
    esac \
 && npm install --no-audit --no-fund --ignore-scripts --no-save --loglevel=error "@chdb/$pkg@$CHDB_VERSION" \
 && mv "node_modules/@chdb/$pkg/libchdb.so" /engine/libchdb.so \
 && rm -rf node_modules

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/alertlens alertlens \
 && mkdir -p /var/lib/alertlens \
 && chown alertlens /var/lib/alertlens
COPY --from=engine /engine/libchdb.so /usr/local/lib/alertlens/libchdb.so
COPY --from=build /out/alertlens /usr/local/bin/alertlens
ENV ALERTLENS_CHDB_LIB=/usr/local/lib/alertlens/libchdb.so
USER alertlens
VOLUME /var/lib/alertlens
EXPOSE 9095
ENTRYPOINT ["/usr/local/bin/alertlens"]
CMD ["serve", "--data-dir=/var/lib/alertlens", "--listen=:9095"]
