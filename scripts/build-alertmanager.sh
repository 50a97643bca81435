#!/usr/bin/env bash
# Builds Alertmanager and amtool at a pinned version from the Go module
# into .tools/alertmanager-VERSION/ (git-ignored) when they are missing: the
# end-to-end tests run against it next to Debian's older Alertmanager.
# The module lacks only the built web UI, which the tests do not use: an
# empty page stands in for it.
set -euo pipefail
version=${ALERTMANAGER_VERSION:-0.34.2}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/.tools/alertmanager-$version
if [ -x "$out/alertmanager" ] && [ -x "$out/amtool" ] && "$out/alertmanager" --version 2>&1 | grep -q "version $version "; then
  exit 0
fi
command -v go >/dev/null || { echo "build-alertmanager: go is required" >&2; exit 1; }
echo "build-alertmanager: building Alertmanager $version from its module (a few minutes the first time)" >&2
src=$(go mod download -json "github.com/prometheus/alertmanager@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "build-alertmanager: module download failed" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src" "$work/am"
chmod -R u+w "$work/am"
mkdir -p "$work/am/ui/app/dist"
echo '<html></html>' > "$work/am/ui/app/dist/index.html"
mkdir -p "$out.tmp"
# Stamp the version as Alertmanager's own release build does: its API and
# its startup event report it.
ldflags="-X github.com/prometheus/common/version.Version=$version -X github.com/prometheus/common/version.Revision=module -X github.com/prometheus/common/version.Branch=module"
(cd "$work/am" && CGO_ENABLED=0 go build -ldflags "$ldflags" -o "$out.tmp/alertmanager" ./cmd/alertmanager &&
  CGO_ENABLED=0 go build -ldflags "$ldflags" -o "$out.tmp/amtool" ./cmd/amtool)
rm -rf "$out"
mv "$out.tmp" "$out"
"$out/alertmanager" --version 2>&1 | head -1 >&2
