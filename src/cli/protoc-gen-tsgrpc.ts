#!/usr/bin/env node
// The `protoc-gen-tsgrpc` bin: protoc's plugin protocol on stdin/stdout
// (protoc --plugin=protoc-gen-tsgrpc=... --tsgrpc_out=DIR FILE.proto).
import { runPlugin } from "../gen/index.js";

const chunks: Uint8Array[] = [];
process.stdin.on("data", (chunk: Uint8Array) => chunks.push(chunk));
process.stdin.on("end", () => {
  const request = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    request.set(chunk, at);
    at += chunk.length;
  }
  process.stdout.write(runPlugin(request));
});
