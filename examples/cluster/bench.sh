#!/usr/bin/env bash
# Unary calls per second through examples/cluster with 1 and then 2 workers, measured by h2load
# (apt-get install nghttp2-client): plaintext h2c, one Whoami call per request, CONNECTIONS
# connections with STREAMS calls in flight on each, DURATION seconds per round after a 1 s warm-up,
# ROUNDS rounds alternating 1 and 2 workers. Prints one line per round and the median per setting.
# Run it alone on the machine (flock /tmp/tsgrpc-bench.lock bash examples/cluster/bench.sh):
# h2load and the workers share the cores, so the figure is what a machine of that size serves.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
main="$root/dist/examples/cluster/main.js"
[ -f "$main" ] || (cd "$root" && npm run build:all --silent)
connections=${CONNECTIONS:-8}
streams=${STREAMS:-16}
duration=${DURATION:-5}
rounds=${ROUNDS:-3}
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

# One gRPC request: the Length-Prefixed-Message of the JSON "{}" (flag 0, length 2).
printf '\x00\x00\x00\x00\x02{}' >"$workdir/request"

run_round() { # run_round WORKERS: prints calls/s
  local workers=$1 pid port="" i log="$workdir/cluster-$1-$RANDOM.log"
  # A fresh log per round: the background node may empty a shared one only after the loop has
  # read the previous round's port from it.
  : >"$log"
  WORKERS=$workers PORT=0 node "$main" >"$log" 2>&1 &
  pid=$!
  for i in $(seq 1 200); do
    port=$(grep -oE 'listening on [0-9.]+:[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { cat "$log" >&2; kill "$pid"; return 1; }
  h2load -c "$connections" -m "$streams" -t 1 -D "$duration" --warm-up-time=1 \
    -H 'content-type: application/grpc' -H 'te: trailers' -d "$workdir/request" \
    "http://127.0.0.1:$port/cluster.Whoami/Whoami" >"$workdir/h2load.log" 2>&1 || true
  kill -TERM "$pid"
  wait "$pid" || true
  local succeeded
  succeeded=$(grep -oE '[0-9]+ succeeded' "$workdir/h2load.log" | grep -oE '^[0-9]+' || echo 0)
  grep -q ' 0 errored' "$workdir/h2load.log" || { cat "$workdir/h2load.log" >&2; return 1; }
  echo $((succeeded / duration))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

one=() two=()
echo "node $(node --version), $(nproc) cores, h2load -c $connections -m $streams, ${duration} s per round"
for round in $(seq 1 "$rounds"); do
  one+=("$(run_round 1)")
  two+=("$(run_round 2)")
  echo "round $round: 1 worker ${one[-1]} calls/s, 2 workers ${two[-1]} calls/s"
done
m1=$(printf '%s\n' "${one[@]}" | median)
m2=$(printf '%s\n' "${two[@]}" | median)
echo "median: 1 worker $m1 calls/s, 2 workers $m2 calls/s, ratio $(awk -v a="$m2" -v b="$m1" 'BEGIN { printf "%.2f", a / b }')"
