#!/usr/bin/env bash
# Release archives in dist/: for each platform the binary (version and
# commit stamped in), LICENSE, README.md and the example configuration, as
# alertlens-VERSION-OS-ARCH.tar.gz, with SHA256SUMS. The embedded engine is
# not in them (it is 566 MB and per platform): install-chdb.sh, or the
# container image, provides it; --store clickhouse needs none.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
revision=${REVISION:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
ldflags="-X github.com/alertlens/alertlens/version.Version=$version -X github.com/alertlens/alertlens/version.Revision=$revision"
rm -rf dist && mkdir -p dist
for platform in ${PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}; do
  os=${platform%/*} arch=${platform#*/}
  name=alertlens-$version-$os-$arch
  mkdir -p "dist/$name"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "$ldflags" -o "dist/$name/alertlens" ./cmd/alertlens
  cp LICENSE README.md deploy/alertlens.example.yml "dist/$name/"
  tar -C dist -czf "dist/$name.tar.gz" "$name"
  rm -rf "dist/${name:?}"
done
(cd dist && sha256sum -- *.tar.gz > SHA256SUMS)
ls -l dist
