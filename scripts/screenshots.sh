#!/usr/bin/env bash
# Writes a PNG of every page of the web UI into screenshots/ (git-ignored):
# a real alertlens on a throwaway data directory, a recorded morning and a
# flapping week imported, Debian's chromium headless.
set -euo pipefail
cd "$(dirname "$0")/.."
out=screenshots
mkdir -p "$out"
data=$(mktemp -d)
port=${PORT:-19095}
./bin/alertlens serve --data-dir "$data" --listen "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.2; done
for rec in lookup flapping grouping; do
  ./bin/alertlens import --url "http://127.0.0.1:$port" "api/testdata/$rec.ndjson" >/dev/null
done
base="http://127.0.0.1:$port/?"
morning="from=2026-11-02T09:30:00Z&to=2026-11-02T14:00:00Z"
shoot() {
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1000 \
    --virtual-time-budget=5000 --screenshot="$out/$1.png" "$base$2" 2>/dev/null
  echo "$out/$1.png"
}
shoot overview "page=overview&$morning"
shoot timeline "page=timeline&$morning"
shoot alert "page=alert&$morning&fingerprint=bbbbbbbbbbbbbbbb&at=2026-11-02T10:06:00Z&source=prod"
shoot flapping "page=flapping&$morning"
shoot inhibitions "page=inhibitions&$morning"
shoot loops "page=loops&$morning"
shoot silences "page=silences&$morning"
shoot noise "page=noise&$morning&by=severity"
shoot suggestions "page=suggestions&from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z"
shoot weekly "page=weekly&week=2026-W45"
shoot handover "page=handover&$morning"
