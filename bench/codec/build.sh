#!/bin/sh
# Builds what bench/codec needs besides tsc's output: protobufjs static code (pbjs) and a
# FileDescriptorSet for @bufbuild/protobuf (protoc), both from bench/codec/bench.proto into
# bench/.build/codec/. The tsgrpc code is committed in bench/codec/gen/ (regenerate with
# `sh bench/codec/build.sh --gen` after changing the proto or the generator).
set -eu
cd "$(dirname "$0")/../.."
out=bench/.build/codec
mkdir -p "$out"
if [ "${1:-}" = "--gen" ]; then
  node dist/src/cli/main.js gen --out bench/codec/gen --runtime-import ../../../src/index.js -I bench/codec bench/codec/bench.proto
  npx biome format --write bench/codec/gen >/dev/null
fi
npx pbjs -t static-module -w es6 --no-verify --no-convert --no-delimited -o "$out/static.js" bench/codec/bench.proto
# pbjs writes `import * as $protobuf from "protobufjs/minimal"`: Node's ESM needs the extension,
# and the CommonJS module's exports arrive as the default import.
sed -i 's#^import \* as \$protobuf from "protobufjs/minimal";#import $protobuf from "protobufjs/minimal.js";#' "$out/static.js"
protoc -I bench/codec --include_imports --descriptor_set_out="$out/bench.pb" bench/codec/bench.proto
