#!/usr/bin/env bash
# Compares two alertlens binaries on one stored history: each serves the
# store in turn and answers the same requests in the same order, for a
# number of rounds; prints each request's seconds and checks that the two
# binaries' answers are byte-identical (exit status 1 when one is not).
#
#   scripts/bench-ab.sh BASE_BINARY HEAD_BINARY DATA_DIR [DATABASE] [ROUNDS]
#
# The requests are those of the 10× synthetic year's benchmarks (the week
# before 2026-11-22 and the 90 days before it); DATABASE defaults to
# "bench", the database the year benchmark keeps (ALERTLENS_BENCH_STORE).
# WEEK and QUARTER replace the windows (as from=…&to=…), e.g. windows
# starting inside a day, as relative windows do. ASKS=2 asks each request
# twice in a row (the second as a running service answers it, the engine's
# caches warm), printed as "name#2". PAUSE=20 waits that many seconds
# before each ask, as someone coming back to the service would (the engine
# may have handed the memory of the last statement back by then).
# BASE_ENV and HEAD_ENV are environment assignments for one side's server
# (e.g. BASE_ENV='JE_MALLOC_CONF=' with the same binary on both sides).
set -euo pipefail
base=$1 head=$2 dir=$3 db=${4:-bench} rounds=${5:-3}
out=$(mktemp -d)
addr=127.0.0.1:9195
week=${WEEK:-from=2026-11-15T00:00:00Z&to=2026-11-22T00:00:00Z}
quarter=${QUARTER:-from=2026-08-24T00:00:00Z&to=2026-11-22T00:00:00Z}
team='match=%7Bteam%3D%22team-3%22%7D'
requests=(
  "alerts alerts?$week&$team"
  "flapping flapping?$week"
  "noise noise?$week"
  "noise-by-instance noise?$week&by=instance"
  "series-by-team notifications/series?$week&by=team"
  "states states?$week&$team"
  "inhibitions-failed inhibitions/failed?$week"
  "inhibitions-loops inhibitions/loops?$week"
  "silences-stale silences/stale?at=2026-11-22T00:00:00Z"
  "suggest-inhibit-rules suggestions/inhibit_rules?$week"
  "weekly-review report/weekly?week=2026-W47"
  "alerts-90d alerts?$quarter&$team"
  "flapping-90d flapping?$quarter"
)
for round in $(seq "$rounds"); do
  for side in base head; do
    bin=$base
    [ "$side" = head ] && bin=$head
    side_env=${BASE_ENV:-}
    [ "$side" = head ] && side_env=${HEAD_ENV:-}
    # (word-split on purpose: each word is one NAME=value)
    # shellcheck disable=SC2086
    env $side_env "$bin" serve --data-dir "$dir" --database "$db" --listen "$addr" --query-timeout 10m \
      --http-write-timeout 11m --max-rows 10000000 > "$out/$side.log" 2>&1 &
    pid=$!
    # A server left running would hold the engine's lock on the store and
    # answer the next side's requests in its place.
    trap 'kill "$pid" 2> /dev/null || true' EXIT
    until curl -sf "$addr/-/ready" > /dev/null; do
      kill -0 "$pid" 2> /dev/null || { cat "$out/$side.log"; exit 1; }
      sleep 0.5
    done
    for r in "${requests[@]}"; do
      name=${r%% *} path=${r#* }
      for ask in $(seq "${ASKS:-1}"); do
        sleep "${PAUSE:-0}"
        t0=$(date +%s%N)
        # A refusal (a 4xx naming a limit) is an answer too: timed and
        # compared like the others, its status printed.
        code=$(curl -s -o "$out/$side-$name.json" -w '%{http_code}' "$addr/api/v1/$path")
        cs=$((($(date +%s%N) - t0) / 10000000)) # hundredths of a second
        label=$name
        [ "$ask" = 1 ] || label=$name#$ask
        printf '%s %s %s %d.%02d%s\n' "$round" "$side" "$label" $((cs / 100)) $((cs % 100)) "$([ "$code" = 200 ] || echo " (HTTP $code)")"
      done
    done
    kill "$pid"
    wait "$pid" 2> /dev/null || true
  done
done
differ=0
for r in "${requests[@]}"; do
  name=${r%% *}
  if cmp -s "$out/base-$name.json" "$out/head-$name.json"; then
    echo "same answer: $name"
  else
    echo "DIFFERENT answer: $name ($out/base-$name.json, $out/head-$name.json)"
    differ=1
  fi
done
exit "$differ"
