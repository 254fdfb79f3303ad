#!/usr/bin/env bash
# Installs the neutral peers of the benchmark (h2load, grpc-go) and builds the grpc-go TestService
# server and ping-pong client into bench/.build/. Idempotent, no prompts; needs root for apt-get.
# Go is built offline in GOPATH mode from Debian's packaged sources: no module downloads.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$here/.build"
gopath="$build/gopath"
pkg="tsgrpcbench"

packages=(nghttp2-client golang-go golang-google-grpc-dev golang-google-protobuf-dev
  golang-github-golang-protobuf-1-5-dev golang-golang-x-net-dev golang-google-genproto-dev
  protoc-gen-go protoc-gen-go-grpc protobuf-compiler grpc-proto)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # Another process may hold the dpkg lock (a parallel setup): wait for it instead of failing.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

protos=/usr/share/grpc-proto
export GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOPROXY=off GOCACHE="$build/gocache"

stamp="$build/go.stamp"
sources=("$here/go/server/main.go" "$here/go/client/main.go" "$here/setup.sh")
if [ -x "$build/go-server" ] && [ -x "$build/go-client" ] && [ -f "$stamp" ]; then
  fresh=1
  for s in "${sources[@]}"; do [ "$s" -nt "$stamp" ] && fresh=0; done
  if ((fresh)); then echo "setup: grpc-go peer is up to date" >&2; exit 0; fi
fi

# Stubs: generated from the official protos under our own import path, so the packaged
# google.golang.org/grpc and its generator always agree with each other.
stubs="$gopath/src/$pkg/grpc_testing"
rm -rf "$gopath/src/$pkg"
mkdir -p "$stubs" "$gopath/src/$pkg/server" "$gopath/src/$pkg/client"
mapping="Mgrpc/testing/empty.proto=$pkg/grpc_testing,Mgrpc/testing/messages.proto=$pkg/grpc_testing,Mgrpc/testing/test.proto=$pkg/grpc_testing"
protoc -I "$protos" \
  --go_out="$stubs" --go_opt=paths=source_relative,"$mapping" \
  --go-grpc_out="$stubs" --go-grpc_opt=paths=source_relative,"$mapping" \
  grpc/testing/empty.proto grpc/testing/messages.proto grpc/testing/test.proto
mv "$stubs"/grpc/testing/*.go "$stubs"/
rm -rf "$stubs/grpc"
cp "$here/go/server/main.go" "$gopath/src/$pkg/server/main.go"
cp "$here/go/client/main.go" "$gopath/src/$pkg/client/main.go"
(cd "$gopath/src/$pkg/server" && go build -o "$build/go-server" .)
(cd "$gopath/src/$pkg/client" && go build -o "$build/go-client" .)
touch "$stamp"
echo "setup: built $build/go-server and $build/go-client" >&2
