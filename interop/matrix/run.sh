#!/usr/bin/env bash
# The interop matrix (issue 5): runs every interop case for each (client, server) pair below, over
# plaintext and over TLS with a test CA made at run time, against implementations nobody here wrote:
# @grpc/grpc-js, gRPC C-core (through Python grpcio) and grpc-go. Prints one line per
# (client, server, transport, case), a table per pair, the skips with their reasons, and a final
# "N passed, M failed" line; exits non-zero on any failure. Writes a markdown summary to
# interop/RESULTS.md (only for the full default matrix; a selection goes to interop/.build/).
#
# Environment (all optional):
#   INTEROP_PAIRS        client:server pairs, e.g. "grpc-go:c-core c-core:grpc-go" (aliases: go, python)
#   INTEROP_TRANSPORTS   "plaintext tls" (default) or one of them
#   INTEROP_CASES        cases to run (default: all twenty)
#   INTEROP_JOBS         cases run at once (default 4)
#   INTEROP_CASE_TIMEOUT seconds per case (default 30)
#   INTEROP_SOAK_LATENCY_MS per-iteration latency bound of rpc_soak and channel_soak (default 5000)
#   INTEROP_SKIP_SETUP   1: do not run setup.sh
#   INTEROP_RESULTS      path of the markdown summary to write
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
self="$root/interop/matrix/run.sh"

# ---- The implementations: name|server command|client command (paths relative to the project root).
# The references generate their stubs from the official protos of Debian's grpc-proto package.
OFFICIAL_PROTOS=/usr/share/grpc-proto
IMPLS=(
  "tsgrpc|interop/run-server|interop/run-client"
  "grpc-js|interop/grpc-js/run-server --proto_root=$OFFICIAL_PROTOS|interop/grpc-js/run-client --proto_root=$OFFICIAL_PROTOS"
  "c-core|/usr/bin/python3 interop/python/server.py|/usr/bin/python3 interop/python/client.py"
  "grpc-go|interop/.build/bin/go-server|interop/.build/bin/go-client"
)
DEFAULT_PAIRS="tsgrpc:tsgrpc tsgrpc:grpc-js tsgrpc:c-core tsgrpc:grpc-go grpc-js:tsgrpc c-core:tsgrpc grpc-go:tsgrpc"
DEFAULT_TRANSPORTS="plaintext tls"
CASES=(
  empty_unary large_unary client_compressed_unary server_compressed_unary client_streaming
  client_compressed_streaming server_streaming server_compressed_streaming ping_pong empty_stream
  custom_metadata status_code_and_message special_status_message unimplemented_method
  unimplemented_service cancel_after_begin cancel_after_first_response timeout_on_sleeping_server
  rpc_soak channel_soak
)
# What a reference server cannot do (checked in each server's source, see its header comment; the
# grpc-go server works around grpc-go 1.33's missing per-message response compression API):
# server|case|reason. Client-side limitations are reported by the clients themselves (exit 3, SKIP).
PY_NO_REQUEST_FLAG="grpcio server does not tell a handler whether a request arrived compressed (neither the message flag nor grpc-encoding reach Python), so expect_compressed cannot be checked"
JS_NO_RESPONSE_COMPRESSION="grpc-js server cannot compress responses (it always sends the compressed flag 0)"
JS_NO_REQUEST_FLAG="grpc-js server hides whether a request arrived compressed, so expect_compressed cannot be checked"
SERVER_SKIPS=(
  "c-core|client_compressed_unary|$PY_NO_REQUEST_FLAG"
  "c-core|client_compressed_streaming|$PY_NO_REQUEST_FLAG"
  "grpc-js|server_compressed_unary|$JS_NO_RESPONSE_COMPRESSION"
  "grpc-js|server_compressed_streaming|$JS_NO_RESPONSE_COMPRESSION"
  "grpc-js|client_compressed_unary|$JS_NO_REQUEST_FLAG"
  "grpc-js|client_compressed_streaming|$JS_NO_REQUEST_FLAG"
)
TLS_OVERRIDE=foo.test.google.fr

build="$root/interop/.build"
work="$build/matrix"
certs="$build/certs"
jobs=${INTEROP_JOBS:-4}
case_timeout=${INTEROP_CASE_TIMEOUT:-30}
# The soak cases' per-iteration bound. The reference default (1000 ms) assumes an idle machine; the
# first iteration includes connecting (TLS, a fresh process), and the matrix runs several clients at
# once on a small CI machine, so the bound is raised (the cases still fail on a hung or lost call).
soak_latency_ms=${INTEROP_SOAK_LATENCY_MS:-5000}

impl_field() { # impl_field NAME FIELD(2 server, 3 client)
  local entry
  for entry in "${IMPLS[@]}"; do
    if [ "${entry%%|*}" = "$1" ]; then
      echo "$entry" | cut -d'|' -f"$2"
      return 0
    fi
  done
  return 1
}

canonical() {
  case "$1" in
    go) echo grpc-go ;;
    python | grpcio | ccore) echo c-core ;;
    js | grpcjs) echo grpc-js ;;
    ts) echo tsgrpc ;;
    *) echo "$1" ;;
  esac
}

server_skip() { # server_skip SERVER CASE: prints the reason when the server cannot serve the case
  local entry
  for entry in "${SERVER_SKIPS[@]}"; do
    if [ "$(echo "$entry" | cut -d'|' -f1-2)" = "$1|$2" ]; then
      echo "$entry" | cut -d'|' -f3-
      return 0
    fi
  done
  return 1
}

# ---- Worker: one case. Writes "STATUS<TAB>reason" to the result file and prints the line.
run_one() {
  local client=$1 server=$2 transport=$3 case=$4 port=$5
  local key="$client~$server~$transport~$case" result status reason rc log took=""
  result="$work/results/$key"
  log="$work/logs/$key.log"
  if reason=$(server_skip "$server" "$case"); then
    status=SKIP
    reason="$server server: $reason"
  elif [ "$port" = "-" ]; then
    status=FAIL
    reason="the $server $transport server did not start (see $work/logs/server-$server-$transport.log)"
  else
    local cmd args=(--server_host=127.0.0.1 --server_port="$port" --test_case="$case")
    read -ra cmd <<<"$(impl_field "$client" 3)"
    if [ "$transport" = tls ]; then
      args+=(--use_tls=true --use_test_ca=true --ca_file="$certs/ca.pem" --server_host_override="$TLS_OVERRIDE")
    else
      args+=(--use_tls=false)
    fi
    if [[ "$case" == *_soak ]]; then
      args+=(--soak_iterations=10 --soak_per_iteration_max_acceptable_latency_ms="$soak_latency_ms"
        --soak_overall_timeout_seconds=$((case_timeout - 5)))
    fi
    local t0=$(date +%s%N)
    timeout -k 5 "$case_timeout" "${cmd[@]}" "${args[@]}" >"$log" 2>&1 </dev/null
    rc=$?
    took=" ($(( ($(date +%s%N) - t0) / 1000000 )) ms)"
    case $rc in
      0) status=PASS reason="" ;;
      3)
        status=SKIP
        reason=$(grep -m1 '^SKIP ' "$log" | sed -E "s/^SKIP [a-z_]+: ?//")
        reason="$client client: ${reason:-skipped without a reason}"
        ;;
      124 | 137) status=FAIL reason="timed out after ${case_timeout}s" ;;
      *)
        status=FAIL
        reason=$(grep -m1 '^FAIL ' "$log" | sed -E "s/^FAIL [a-z_]+( [0-9]+ ms)?: ?//")
        [ -n "$reason" ] || reason="exit $rc: $(grep -v '^[[:space:]]*$' "$log" | tail -n 1 | cut -c1-300)"
        ;;
    esac
  fi
  printf '%s\t%s\n' "$status" "$reason" >"$result"
  if [ -n "$reason" ]; then
    printf '%s %s -> %s %s %s%s: %s\n' "$status" "$client" "$server" "$transport" "$case" "$took" "$reason"
  else
    printf '%s %s -> %s %s %s%s\n' "$status" "$client" "$server" "$transport" "$case" "$took"
  fi
}

if [ "${1:-}" = "--one" ]; then
  shift
  run_one "$@"
  exit 0
fi

# ---- Main.
started=$(date +%s)
if [ "${INTEROP_SKIP_SETUP:-0}" != 1 ]; then
  bash "$root/interop/matrix/setup.sh" || { echo "interop: setup failed"; echo "0 passed, 1 failed"; exit 1; }
fi

pairs=()
for p in ${INTEROP_PAIRS:-$DEFAULT_PAIRS}; do
  c=$(canonical "${p%%:*}")
  s=$(canonical "${p##*:}")
  if ! impl_field "$c" 3 >/dev/null || ! impl_field "$s" 2 >/dev/null; then
    echo "interop: unknown pair $p (implementations: tsgrpc grpc-js c-core grpc-go)"
    echo "0 passed, 1 failed"
    exit 1
  fi
  pairs+=("$c:$s")
done
read -ra transports <<<"${INTEROP_TRANSPORTS:-$DEFAULT_TRANSPORTS}"
if [ -n "${INTEROP_CASES:-}" ]; then read -ra CASES <<<"$INTEROP_CASES"; fi
full_matrix=0
if [ "${INTEROP_PAIRS:-$DEFAULT_PAIRS}" = "$DEFAULT_PAIRS" ] && [ "${transports[*]}" = "$DEFAULT_TRANSPORTS" ] &&
  [ -z "${INTEROP_CASES:-}" ]; then
  full_matrix=1
fi
results_md=${INTEROP_RESULTS:-}
if [ -z "$results_md" ]; then
  if [ "$full_matrix" = 1 ]; then results_md="$root/interop/RESULTS.md"; else results_md="$work/RESULTS.md"; fi
fi

rm -rf "$work" && mkdir -p "$work/results" "$work/logs" "$work/ports"

# A fresh test CA and server certificate for every run.
make_certs() {
  rm -rf "$certs" && mkdir -p "$certs"
  (
    cd "$certs" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=tsgrpc interop test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" &&
      openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=*.test.google.fr" &&
      printf '%s\n' "subjectAltName=DNS:*.test.google.fr,DNS:foo.test.google.fr,DNS:localhost,IP:127.0.0.1,IP:::1" \
        "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" >server.ext &&
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
        -extfile server.ext
  ) >"$work/logs/openssl.log" 2>&1
}
if [[ " ${transports[*]} " == *" tls "* ]]; then
  make_certs || { cat "$work/logs/openssl.log"; echo "interop: certificate generation failed"; echo "0 passed, 1 failed"; exit 1; }
fi

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

wait_port() { # wait_port PORT PID: true once something accepts on 127.0.0.1:PORT
  local i
  for ((i = 0; i < 600; i++)); do
    kill -0 "$2" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

server_pids=()
cleanup() {
  local pid
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${server_pids[@]}"; do wait "$pid" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() { # start_server SERVER TRANSPORT: starts it on a free port, records port and pid
  local cmd port args
  read -ra cmd <<<"$(impl_field "$1" 2)"
  port=$(free_port)
  args=(--port="$port")
  if [ "$2" = tls ]; then
    args+=(--use_tls=true --tls_cert_file="$certs/server.pem" --tls_key_file="$certs/server.key")
  else
    args+=(--use_tls=false)
  fi
  "${cmd[@]}" "${args[@]}" >>"$work/logs/server-$1-$2.log" 2>&1 </dev/null &
  pid_of[$1~$2]=$!
  server_pids+=("$!")
  port_of[$1~$2]=$port
}

# One server per (server, transport), started in parallel, then awaited; a server that exits before
# listening (e.g. its free port was taken in between) gets one more try on another port.
declare -A port_of pid_of
for pair in "${pairs[@]}"; do
  for t in "${transports[@]}"; do
    [ -n "${port_of[${pair##*:}~$t]:-}" ] || start_server "${pair##*:}" "$t"
  done
done
for st in "${!port_of[@]}"; do
  wait_port "${port_of[$st]}" "${pid_of[$st]}" && continue
  if ! kill -0 "${pid_of[$st]}" 2>/dev/null; then
    start_server "${st%%~*}" "${st##*~}"
    wait_port "${port_of[$st]}" "${pid_of[$st]}" && continue
  fi
  echo "interop: the ${st/\~/ } server did not start:" >&2
  tail -n 20 "$work/logs/server-${st/\~/-}.log" >&2
  port_of[$st]="-"
done

# Every (pair, transport, case), a few at once.
for pair in "${pairs[@]}"; do
  for t in "${transports[@]}"; do
    for c in "${CASES[@]}"; do
      echo "${pair%%:*} ${pair##*:} $t $c ${port_of[${pair##*:}~$t]}"
    done
  done
done | xargs -P "$jobs" -L 1 bash "$self" --one

for st in "${!pid_of[@]}"; do
  if ! kill -0 "${pid_of[$st]}" 2>/dev/null && [ "${port_of[$st]}" != "-" ]; then
    echo "interop: warning: the ${st/\~/ } server exited during the run (log: $work/logs/server-${st/\~/-}.log)" >&2
  fi
done

# ---- Tables, skips, totals.
passed=0
failed=0
skipped=0
skips=()
cell() { cut -f1 "$work/results/$1" 2>/dev/null || echo MISSING; }
echo
for pair in "${pairs[@]}"; do
  echo "${pair%%:*} client -> ${pair##*:} server"
  printf '  %-30s' case
  for t in "${transports[@]}"; do printf ' %-9s' "$t"; done
  echo
  for c in "${CASES[@]}"; do
    printf '  %-30s' "$c"
    for t in "${transports[@]}"; do
      key="${pair%%:*}~${pair##*:}~$t~$c"
      st=$(cell "$key")
      printf ' %-9s' "$st"
      case $st in
        PASS) passed=$((passed + 1)) ;;
        SKIP)
          skipped=$((skipped + 1))
          skips+=("${pair%%:*} -> ${pair##*:} $t $c: $(cut -f2- "$work/results/$key")")
          ;;
        *) failed=$((failed + 1)) ;;
      esac
    done
    echo
  done
  echo
done
if [ "${#skips[@]}" -gt 0 ]; then
  echo "Skipped (a reference cannot run the case; not counted as passed): $skipped"
  printf '  %s\n' "${skips[@]}"
  echo
fi

versions() {
  local tsgrpc grpcjs grpcio grpcgo go node
  tsgrpc="$(node -p 'require("./package.json").version' 2>/dev/null) ($(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
  grpcjs=$(node -p 'require("./node_modules/@grpc/grpc-js/package.json").version' 2>/dev/null || echo unknown)
  grpcio=$(/usr/bin/python3 -c 'import grpc; print(grpc.__version__)' 2>/dev/null || echo unknown)
  grpcgo=$(dpkg-query -W -f='${Version}' golang-google-grpc-dev 2>/dev/null || echo unknown)
  go=$(go version 2>/dev/null | awk '{print $3}')
  node=$(node --version)
  echo "| tsgrpc | $tsgrpc |"
  echo "| @grpc/grpc-js | $grpcjs |"
  echo "| gRPC C-core (Python grpcio, Debian python3-grpcio) | $grpcio |"
  echo "| grpc-go (Debian golang-google-grpc-dev) | $grpcgo (${go:-go unknown}) |"
  echo "| Node.js | $node |"
}

write_markdown() {
  local pair t c key st reason
  {
    echo "# Interop matrix results"
    echo
    echo "Written by \`npm run interop\` (interop/matrix/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo "Clients and servers of each pair run every case over plaintext and over TLS (a test CA made"
    echo "at run time, server name \`$TLS_OVERRIDE\`). The references use stubs generated from the"
    echo "official protos of Debian's grpc-proto package."
    echo
    echo "**$passed passed, $failed failed, $skipped skipped** (a skip is where a reference itself cannot run"
    echo "or verify the case; skips are not counted as passed)."
    echo
    echo "| Implementation | Version |"
    echo "| --- | --- |"
    versions
    echo
    echo "## Summary"
    echo
    echo "| Client -> server | Transport | Pass | Fail | Skip |"
    echo "| --- | --- | --- | --- | --- |"
    for pair in "${pairs[@]}"; do
      for t in "${transports[@]}"; do
        local np=0 nf=0 ns=0
        for c in "${CASES[@]}"; do
          case $(cell "${pair%%:*}~${pair##*:}~$t~$c") in
            PASS) np=$((np + 1)) ;;
            SKIP) ns=$((ns + 1)) ;;
            *) nf=$((nf + 1)) ;;
          esac
        done
        echo "| ${pair%%:*} -> ${pair##*:} | $t | $np | $nf | $ns |"
      done
    done
    echo
    echo "## Cases"
    for pair in "${pairs[@]}"; do
      echo
      echo "### ${pair%%:*} client -> ${pair##*:} server"
      echo
      printf '| Case |'
      for t in "${transports[@]}"; do printf ' %s |' "$t"; done
      echo
      printf '| --- |'
      for t in "${transports[@]}"; do printf ' --- |'; done
      echo
      for c in "${CASES[@]}"; do
        printf '| %s |' "$c"
        for t in "${transports[@]}"; do printf ' %s |' "$(cell "${pair%%:*}~${pair##*:}~$t~$c")"; done
        echo
      done
    done
    echo
    echo "## Skips and failures"
    echo
    local any=0
    for pair in "${pairs[@]}"; do
      for t in "${transports[@]}"; do
        for c in "${CASES[@]}"; do
          key="${pair%%:*}~${pair##*:}~$t~$c"
          st=$(cell "$key")
          [ "$st" = PASS ] && continue
          reason=$(cut -f2- "$work/results/$key" 2>/dev/null | sed 's/|/\\|/g')
          echo "- $st ${pair%%:*} -> ${pair##*:} $t \`$c\`: ${reason:-no result}"
          any=1
        done
      done
    done
    [ "$any" = 1 ] || echo "None."
  } >"$results_md.tmp" && mv "$results_md.tmp" "$results_md"
}
write_markdown
echo "interop: results in ${results_md#"$root"/}, logs in ${work#"$root"/}/logs ($(($(date +%s) - started)) s)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
