#!/usr/bin/env bash
# Installs chDB's libchdb.so (the embedded ClickHouse engine) from npm into
# .chdb/ (git-ignored) when it is missing. Pinned: 26.5.x lacks symbols the
# binding needs.
set -euo pipefail
version=26.7.3-stable.1
dir=$(cd "$(dirname "$0")/.." && pwd)/.chdb
lib=$dir/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so
if [ -s "$lib" ] && grep -q "\"version\": \"$version\"" "$dir/node_modules/@chdb/lib-linux-x64-gnu/package.json" 2>/dev/null; then
  exit 0
fi
command -v npm >/dev/null || { echo "install-chdb: npm is required (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dir"
echo "install-chdb: fetching @chdb/lib-linux-x64-gnu@$version (about 180 MB)" >&2
(cd "$dir" && npm install --no-audit --no-fund --ignore-scripts --no-save --loglevel=error "@chdb/lib-linux-x64-gnu@$version")
test -s "$lib"
