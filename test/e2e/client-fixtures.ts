// Test fixtures for the client e2e tests: a JSON codec service and a grpc-js server implementing it.
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { gzipSync } from "node:zlib";
import { GrpcError } from "../../src/status/index.js";
import { defineService } from "../../src/service/index.js";
import { grpcJsonMethod, jsonCodec } from "./json-messages.js";

/** test.Echo: echo (unary), list (server streaming), collect (client streaming), chat (bidi). */
export const Echo = defineService("test.Echo", {
  echo: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec },
  list: { kind: "server_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  collect: { kind: "client_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  chat: { kind: "bidi_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
});

/** The grpc-js definition of test.Echo. */
export const grpcEchoDefinition = {
  echo: grpcJsonMethod("/test.Echo/Echo", false, false),
  list: grpcJsonMethod("/test.Echo/List", false, true),
  collect: grpcJsonMethod("/test.Echo/Collect", true, false),
  chat: grpcJsonMethod("/test.Echo/Chat", true, true),
} as grpc.ServiceDefinition;

/** What an echo request may ask the server to do. */
export interface EchoRequest {
  text?: string;
  /** Answer with this status code (and `text` as message). */
  fail?: number;
  /** Sleep this long first. */
  sleepMs?: number;
  /** list: number of responses. */
  count?: number;
  /** Send these response headers / trailers. */
  headers?: Record<string, string>;
  trailers?: Record<string, string>;
  /** Reply with the request metadata. */
  echoMetadata?: boolean;
}

function metadataOf(record: Record<string, string> | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(record ?? {})) metadata.set(key, key.endsWith("-bin") ? Buffer.from(value) : value);
  return metadata;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a grpc-js server with test.Echo on 127.0.0.1, port 0. */
export async function startGrpcJsServer(
  options: grpc.ServerOptions = {},
): Promise<{ server: grpc.Server; port: number; calls: { cancelled: number } }> {
  const server = new grpc.Server(options);
  const calls = { cancelled: 0 };
  server.addService(grpcEchoDefinition, {
    echo: async (call: grpc.ServerUnaryCall<EchoRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const request = call.request;
      call.on("cancelled", () => calls.cancelled++);
      if (request.sleepMs) await sleep(request.sleepMs);
      if (request.headers) call.sendMetadata(metadataOf(request.headers));
      const trailers = metadataOf(request.trailers);
      if (request.fail) return callback({ code: request.fail, details: request.text ?? "", metadata: trailers });
      const reply = request.echoMetadata ? { metadata: call.metadata.getMap(), timeout: call.getDeadline() } : { text: request.text };
      callback(null, reply, trailers);
    },
    list: async (call: grpc.ServerWritableStream<EchoRequest, unknown>) => {
      const request = call.request;
      call.on("cancelled", () => calls.cancelled++);
      for (let i = 0; i < (request.count ?? 0); i++) {
        if (call.cancelled) return;
        if (!call.write({ i, text: request.text })) await new Promise((resolve) => call.once("drain", resolve));
        if (request.sleepMs) await sleep(request.sleepMs);
      }
      if (request.fail) return call.emit("error", { code: request.fail, details: request.text ?? "" });
      call.end(metadataOf(request.trailers));
    },
    collect: (call: grpc.ServerReadableStream<EchoRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const texts: string[] = [];
      call.on("data", (request: EchoRequest) => texts.push(request.text ?? ""));
      call.on("end", () => callback(null, { text: texts.join(",") }));
    },
    chat: (call: grpc.ServerDuplexStream<EchoRequest, unknown>) => {
      call.on("data", (request: EchoRequest) => {
        if (request.fail) call.emit("error", { code: request.fail, details: request.text ?? "" });
        else call.write({ text: request.text });
      });
      call.on("end", () => call.end());
    },
  } as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
  return { server, port, calls };
}

/** Stops a grpc-js server at once. */
export function stopGrpcJsServer(server: grpc.Server): void {
  server.forceShutdown();
}

/** An async iterable of the given values, optionally spaced by `delayMs`. */
export async function* fromArray<T>(values: readonly T[], delayMs = 0): AsyncIterable<T> {
  for (const value of values) {
    if (delayMs > 0) await sleep(delayMs);
    yield value;
  }
}

/** Resolves with the GrpcError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<GrpcError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(GrpcError);
  return error as GrpcError;
}

/** One Length-Prefixed-Message holding `value` as JSON, gzip-compressed when asked. */
export function grpcFrame(value: unknown, compressed = false): Buffer {
  const json = Buffer.from(jsonCodec.encode(value));
  const payload = compressed ? gzipSync(json) : json;
  const header = Buffer.alloc(5);
  header[0] = compressed ? 1 : 0;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** Polls `condition` every 5 ms until it holds or `timeoutMs` passes; resolves with its last value. */
export async function eventually(condition: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
  return condition();
}
