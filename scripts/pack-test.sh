#!/usr/bin/env bash
# The package as a user gets it: packs this checkout (`npm pack` runs prepare, the library build),
# installs the tarball into a fresh app in a temporary folder, then checks that
#   - the tarball holds the library, its declarations and maps, src/ for the maps, and the meta files;
#   - import("tsgrpc") and require("tsgrpc") load it, and both give the same GrpcError class;
#   - the installed declarations type-check under strict TypeScript;
#   - the helloworld example, compiled against the installed package, runs: a server and a client
#     on 127.0.0.1 (port 0), one call, then both stop;
#   - all of the above without @opentelemetry/api; then, with it installed, tsgrpc/otel loads,
#     type-checks and traces a call;
#   - `npx tsgrpc gen` works in the app, and what it writes compiles and runs;
#   - `tsgrpc interop server` and `npx tsgrpc interop client --test_case=all` pass against each
#     other in the app, plaintext and TLS (the built-in test certificates), on 127.0.0.1;
#   - `npx tsgrpc probe` runs from the app (a client check, its exit codes);
#   - `npm install git+file://<this checkout>#<HEAD>` (which runs prepare in a clone) gives a
#     package that loads (skipped with a tarball argument, outside git, or with PACK_TEST_GIT=0).
# Uses whatever `node` is first on PATH. Pass a tarball to test it instead of packing anew.
# Ends with one line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# Runs a named check; prints its output only when it fails.
check() {
  local name=$1
  shift
  if "$@" >"$tmp/check.log" 2>&1; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    sed 's/^/     /' "$tmp/check.log"
    failed=$((failed + 1))
  fi
}

finish() {
  echo
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

echo "pack-test: node $(node --version)"

tarball=${1:-}
if [ -z "$tarball" ]; then
  pack() {
    npm pack --silent --pack-destination "$tmp" >"$tmp/pack-name" || return 1
    [ -f "$tmp/$(tail -n 1 "$tmp/pack-name")" ]
  }
  check "npm pack (prepare builds the library)" pack
  [ "$failed" -eq 0 ] || finish
  tarball="$tmp/$(tail -n 1 "$tmp/pack-name")"
fi
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")

contents() {
  tar tzf "$tarball" | sed 's|^package/||' >"$tmp/contents" || return 1
  local missing=0
  for file in package.json LICENSE README.md CHANGELOG.md dist/src/index.js dist/src/index.d.ts dist/src/index.js.map \
    dist/src/index.d.ts.map dist/src/http2/package-version.js src/index.ts; do
    grep -qx "$file" "$tmp/contents" || { echo "missing: $file"; missing=1; }
  done
  if grep -E '^(dist/(test|bench|interop|examples)|test|bench|interop|node_modules)/' "$tmp/contents"; then
    echo "^ tests, benchmarks or dependencies in the package"
    missing=1
  fi
  return "$missing"
}
check "the tarball holds dist/src (js, d.ts, maps), src/, LICENSE, README.md, CHANGELOG.md and nothing else" contents

app="$tmp/app"
mkdir -p "$app/examples/helloworld"
cat >"$app/package.json" <<'JSON'
{ "name": "pack-test-app", "version": "1.0.0", "private": true, "type": "module" }
JSON
install() {
  (cd "$app" && npm install --no-audit --no-fund --no-package-lock "$tarball")
}
check "npm install of the tarball into a fresh app" install
[ "$failed" -eq 0 ] || finish

import_esm() {
  (cd "$app" && node --input-type=module -e '
    const tsgrpc = await import("tsgrpc");
    for (const name of ["Server", "Channel", "createClient", "GrpcError", "Metadata", "Code"])
      if (tsgrpc[name] === undefined) throw new Error(`import("tsgrpc") has no ${name}`);
    console.log("import: ok");
  ')
}
check 'import("tsgrpc")' import_esm

require_cjs() {
  (cd "$app" && node --input-type=commonjs -e '
    const tsgrpc = require("tsgrpc");
    for (const name of ["Server", "Channel", "createClient", "GrpcError", "Metadata", "Code"])
      if (tsgrpc[name] === undefined) throw new Error(`require("tsgrpc") has no ${name}`);
    // One copy of the package whichever way it is loaded: instanceof GrpcError holds across both.
    import("tsgrpc").then((esm) => {
      if (esm.GrpcError !== tsgrpc.GrpcError) throw new Error("require and import gave two GrpcError classes");
      console.log("require: ok");
    });
  ')
}
check 'require("tsgrpc") from CommonJS (the same module as import)' require_cjs

# The helloworld example, its imports pointed at the installed package.
for file in "$root"/examples/helloworld/*.ts; do
  sed -E 's#"(\.\./)+src/index\.js"#"tsgrpc"#' "$file" >"$app/examples/helloworld/$(basename "$file")"
done
cp "$root"/examples/helloworld/*.proto "$app/examples/helloworld/"
cat >"$app/tsconfig.json" <<JSON
{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2022"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "esModuleInterop": true,
    "typeRoots": ["$root/node_modules/@types"],
    "types": ["node"]
  },
  "include": ["examples"]
}
JSON
compile() {
  (cd "$app" && "$root/node_modules/.bin/tsc" -p tsconfig.json && grep -q 'from "tsgrpc"' examples/helloworld/main.js examples/helloworld/*.js)
}
check "helloworld compiles against the installed declarations (strict)" compile

helloworld() {
  (cd "$app" && PORT=0 timeout 60 node examples/helloworld/main.js world) || return 1
  grep -q 'received "Hello world"' "$tmp/check.log"
}
check "helloworld runs against the installed package (server and client on 127.0.0.1)" helloworld

# tsgrpc/otel: everything above ran without @opentelemetry/api (an optional peer dependency, so
# "tsgrpc" loads without it); now it is installed (packed from our own node_modules, no registry),
# and tsgrpc/otel must load, type-check and trace a call.
otel_install() {
  local api
  api=$(cd "$tmp" && npm pack --silent "$root/node_modules/@opentelemetry/api" | tail -n 1) || return 1
  (cd "$app" && npm install --no-audit --no-fund --no-package-lock "$tmp/$api")
}
check "npm install @opentelemetry/api (the optional peer dependency) next to tsgrpc" otel_install

otel_import() {
  (cd "$app" && node --input-type=module -e '
    const otel = await import("tsgrpc/otel");
    for (const name of ["createClientInterceptor", "createServerInterceptor"])
      if (typeof otel[name] !== "function") throw new Error(`import("tsgrpc/otel") has no ${name}`);
    const { Server, Channel, createClient, defineService, rawCodec } = await import("tsgrpc");
    const service = defineService("t.S", { m: { kind: "unary", requestCodec: rawCodec, responseCodec: rawCodec } });
    const server = new Server({ interceptors: [otel.createServerInterceptor()] });
    server.add(service, { m: async (request) => request });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const channel = new Channel(`127.0.0.1:${port}`, { interceptors: [otel.createClientInterceptor()] });
    const reply = await createClient(service, channel).m(new Uint8Array([1]));
    channel.close();
    await server.forceShutdown();
    if (reply[0] !== 1) throw new Error("wrong reply");
    console.log("otel: ok");
  ')
}
check 'import("tsgrpc/otel") and a call through its interceptors (127.0.0.1)' otel_import

otel_types() {
  mkdir -p "$app/otel-check"
  cat >"$app/otel-check/check.ts" <<'TS'
import { Channel } from "tsgrpc";
import { createClientInterceptor, type OpenTelemetryOptions } from "tsgrpc/otel";
const options: OpenTelemetryOptions = { messageEvents: true };
export const channel = new Channel("localhost:1", { interceptors: [createClientInterceptor(options)] });
TS
  (cd "$app" && "$root/node_modules/.bin/tsc" --strict --module NodeNext --moduleResolution NodeNext --target ES2022 --noEmit \
    --typeRoots "$root/node_modules/@types" --types node otel-check/check.ts)
}
check "tsgrpc/otel's declarations type-check against the installed packages (strict)" otel_types

# The bin: `npx tsgrpc gen` in the app writes typed modules (importing "tsgrpc" and "tsgrpc/wkt")
# that compile under strict settings and run; the protoc plugin bin is installed next to it.
gen() {
  mkdir -p "$app/proto" "$app/typed" || return 1
  cat >"$app/proto/hello.proto" <<'PROTO'
syntax = "proto3";
package hello;
import "google/protobuf/timestamp.proto";
message Hi { string name = 1; int64 count = 2; google.protobuf.Timestamp at = 3; }
service Hello { rpc Say(Hi) returns (Hi); }
PROTO
  cat >"$app/typed/use.ts" <<'TS'
import { Hi, Hello } from "../gen/hello_pb.js";
import { timestampFromDate } from "tsgrpc/wkt";
const hi: Hi = Hi.decode(Hi.encode({ name: "x", count: 5n, at: timestampFromDate(new Date(0)) }));
console.log(`${Hello.methods.say.path} ${hi.name} ${hi.count}`);
TS
  cat >"$app/typed/tsconfig.json" <<JSON
{ "compilerOptions": { "target": "ES2022", "lib": ["ES2022"], "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true,
  "noUncheckedIndexedAccess": true, "exactOptionalPropertyTypes": true, "rootDir": "..", "outDir": "../typed-out",
  "typeRoots": ["$root/node_modules/@types"], "types": ["node"] }, "include": ["use.ts", "../gen/**/*.ts"] }
JSON
  (cd "$app" && npx --no-install tsgrpc gen --out gen -I proto proto/hello.proto) || return 1
  (cd "$app" && npx --no-install tsgrpc gen --bogus 2>/dev/null; [ $? -eq 64 ]) || { echo "tsgrpc gen --bogus did not exit 64"; return 1; }
  [ -x "$app/node_modules/.bin/protoc-gen-tsgrpc" ] || { echo "no protoc-gen-tsgrpc bin"; return 1; }
  (cd "$app" && "$root/node_modules/.bin/tsc" -p typed/tsconfig.json) || return 1
  (cd "$app" && node typed-out/typed/use.js) | grep -qx "/hello.Hello/Say x 5"
}
check "npx tsgrpc gen in the app: generated code compiles (strict) and runs against the installed package" gen

# The interop commands from the installed package: the server (the tsgrpc bin) on 127.0.0.1 (port 0, its port read
# from "listening on <port>"), every standard case from the client, plaintext then TLS; the server
# drains and exits 0 on SIGTERM.
interop() {
  local tls=$1 log="$tmp/interop-server-$1.log" port="" pid code i
  local server_flags=(--host=127.0.0.1 --port=0) client_flags=(--server_host=127.0.0.1 --test_case=all --format=json)
  if [ "$tls" = tls ]; then
    server_flags+=(--use_tls)
    client_flags+=(--use_tls --use_test_ca --server_host_override=foo.test.google.fr)
  fi
  # A log of its own per run: the background shell may open (and empty) it only after the loop
  # below first reads it, and a shared log would still hold the previous server's port.
  : >"$log"
  # The bin itself, not npx: npm exec ends with 143 on SIGTERM instead of waiting for the drain.
  (cd "$app" && exec node_modules/.bin/tsgrpc interop server "${server_flags[@]}") >"$log" 2>&1 &
  pid=$!
  for ((i = 0; i < 300; i++)); do
    port=$(sed -nE 's/^listening on ([0-9]+).*/\1/p' "$log")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "the interop server did not start:"
    cat "$log"
    kill "$pid" 2>/dev/null
    return 1
  fi
  (cd "$app" && timeout 300 npx --no-install tsgrpc interop client --server_port="$port" "${client_flags[@]}") >"$tmp/interop-client.json"
  code=$?
  kill -TERM "$pid"
  wait "$pid" || { echo "the interop server exited $? on SIGTERM"; cat "$log"; return 1; }
  cat "$tmp/interop-client.json"
  [ "$code" -eq 0 ] || return 1
  node -e '
    const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (report.passed !== 20 || report.failed !== 0) throw new Error(`${report.passed} passed, ${report.failed} failed`);
  ' "$tmp/interop-client.json"
}
check "tsgrpc interop server + npx tsgrpc interop client --test_case=all from the installed package (127.0.0.1, plaintext)" interop plaintext
check "tsgrpc interop server --use_tls + npx tsgrpc interop client --use_tls --use_test_ca (built-in test certificates)" interop tls
# The spec probe from the installed package: a client check against a stand-in client (no registry,
# 127.0.0.1 only), its exit code, and a usage mistake.
probe() {
  # A stand-in client: one HTTP/2 request to the probe's server, then it reports OK whatever came back.
  cat >"$app/stand-in.cjs" <<'JS'
const http2 = require("node:http2");
const session = http2.connect(`http://${process.env.TSGRPC_PROBE_TARGET}`);
session.on("error", () => {});
const request = session.request({ ":method": "POST", ":path": "/grpc.testing.TestService/UnaryCall", "content-type": "application/grpc" });
request.on("error", () => {});
request.resume();
request.on("close", () => { console.log('0 ""'); session.destroy(); });
request.end(Buffer.alloc(5));
JS
  (cd "$app" && npx --no-install tsgrpc probe client --only baseline/ok -- node stand-in.cjs) | grep -q "^PASS baseline/ok" || return 1
  (cd "$app" && npx --no-install tsgrpc probe client --only http-status/503 -- node stand-in.cjs >/dev/null; [ $? -eq 1 ]) || { echo "a FAIL did not exit 1"; return 1; }
  (cd "$app" && npx --no-install tsgrpc probe server 2>/dev/null; [ $? -eq 64 ]) || { echo "tsgrpc probe server without a target did not exit 64"; return 1; }
}
check "npx tsgrpc probe in the app: a client check passes, a FAIL exits 1, a usage mistake 64" probe

# An install from git: npm clones the commit, installs its devDependencies, runs prepare and packs.
if [ -z "${1:-}" ] && [ "${PACK_TEST_GIT:-1}" != 0 ] && head=$(git -C "$root" rev-parse HEAD 2>/dev/null); then
  git_app="$tmp/git-app"
  mkdir -p "$git_app"
  cat >"$git_app/package.json" <<'JSON'
{ "name": "pack-test-git-app", "version": "1.0.0", "private": true }
JSON
  git_install() {
    (cd "$git_app" && npm install --no-audit --no-fund --no-package-lock "git+file://$root#$head") || return 1
    (cd "$git_app" && node -e '
      const tsgrpc = require("tsgrpc");
      if (typeof tsgrpc.Server !== "function") throw new Error("no Server");
      console.log("git install: ok");
    ')
  }
  check "npm install from git (HEAD $(echo "$head" | cut -c1-7)) builds a package that loads" git_install
fi

finish
