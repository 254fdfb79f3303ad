#!/usr/bin/env bash
# Installs and builds the reference interop implementations: gRPC C-core (through Python grpcio)
# and grpc-go 1.33, both from Debian packages, offline from any language package registry.
# Idempotent: installs only what is missing, regenerates stubs and rebuilds binaries only when their
# inputs are newer. Stubs come from the official protos of Debian's grpc-proto package, not ours.
# Output goes to interop/.build/ (git-ignored). Runs as root without prompts.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/interop/.build"
protos=/usr/share/grpc-proto
started=$(date +%s%N)

packages=(
  python3-grpcio python3-grpc-tools grpc-proto
  golang-go golang-google-grpc-dev golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev
  golang-golang-x-net-dev golang-google-genproto-dev
  protoc-gen-go protoc-gen-go-grpc protobuf-compiler openssl
)

log() { echo "setup: $*" >&2; }

install_packages() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# True when $1 does not exist or any of the remaining files is newer than it.
stale() {
  local target=$1 f
  shift
  [ -e "$target" ] || return 0
  for f in "$@"; do
    [ "$f" -nt "$target" ] && return 0
  done
  return 1
}

sources=("$protos/grpc/testing/empty.proto" "$protos/grpc/testing/messages.proto" "$protos/grpc/testing/test.proto")
relative=(grpc/testing/empty.proto grpc/testing/messages.proto grpc/testing/test.proto)

python_stubs() {
  local out="$build/python"
  stale "$out/grpc/testing/test_pb2_grpc.py" "${sources[@]}" "$0" || return 0
  log "generating Python stubs"
  rm -rf "$out" && mkdir -p "$out"
  # Messages from the system protoc (its generated code matches the installed protobuf runtime);
  # the service stubs from grpc_tools' plugin.
  protoc -I"$protos" --python_out="$out" "${relative[@]}"
  /usr/bin/python3 -m grpc_tools.protoc -I"$protos" --grpc_python_out="$out" grpc/testing/test.proto
}

go_stubs() {
  local out="$build/go/src/tsgrpcinterop/testpb" opts=() p
  stale "$out/test_grpc.pb.go" "${sources[@]}" "$0" || return 0
  log "generating Go stubs"
  rm -rf "$out" && mkdir -p "$out"
  for p in "${relative[@]}"; do
    opts+=("--go_opt=M$p=tsgrpcinterop/testpb" "--go-grpc_opt=M$p=tsgrpcinterop/testpb")
  done
  protoc -I"$protos" --go_out=paths=source_relative:"$out" --go-grpc_out=paths=source_relative:"$out" \
    "${opts[@]}" "${relative[@]}"
  # source_relative keeps the proto directories; the package lives flat in testpb/.
  mv "$out"/grpc/testing/*.go "$out"/ && rm -rf "$out/grpc"
}

go_binary() {
  local name=$1 src="$root/interop/go/$1/main.go" bin="$build/bin/go-$1"
  stale "$bin" "$src" "$build/go/src/tsgrpcinterop/testpb/test_grpc.pb.go" || return 0
  log "building $bin"
  mkdir -p "$build/bin"
  (cd "$root/interop/go/$name" && \
    GO111MODULE=off GOPATH="$build/go:/usr/share/gocode" GOPROXY=off GOFLAGS= GOCACHE="$build/go-cache" \
    go build -o "$bin" .)
}

install_packages
python_stubs
go_stubs
go_binary server
go_binary client
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
log "ready in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
