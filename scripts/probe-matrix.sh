#!/usr/bin/env bash
# The spec probe four ways (issue 17): `tsgrpc probe server` against the interop servers of tsgrpc,
# grpc-js, C-core (Python grpcio) and grpc-go, and `tsgrpc probe client` against a UnaryCall adapter of
# each client (test/probe/adapters/). Writes docs/conformance/{server,client}-<impl>.md and the
# comparison table in docs/CONFORMANCE.md. Reuses interop/matrix/setup.sh (Debian packages, the
# grpc-go and Python stubs, GOPATH mode, offline) for the references.
#
# Environment (all optional): PROBE_SKIP_SETUP=1 (do not run interop/matrix/setup.sh),
# PROBE_SKIP_BUILD=1 (use dist/ as it is), PROBE_IMPLS="tsgrpc grpc-go" (a subset; then the
# reports go to interop/.build/probe/ and docs/ is left alone).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build="$root/interop/.build"

[ "${PROBE_SKIP_SETUP:-}" = 1 ] || bash interop/matrix/setup.sh
[ "${PROBE_SKIP_BUILD:-}" = 1 ] || npx tsc -p tsconfig.json

bin="$build/bin/go-probe-client"
src="$root/test/probe/adapters/go-client/main.go"
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
  echo "probe-matrix: building $bin" >&2
  mkdir -p "$build/bin"
  (cd "$root/test/probe/adapters/go-client" && \
    GO111MODULE=off GOPATH="$build/go:/usr/share/gocode" GOPROXY=off GOFLAGS= GOCACHE="$build/go-cache" \
    go build -o "$bin" .)
fi

exec node scripts/probe-matrix.mjs
