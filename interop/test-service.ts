/**
 * grpc.testing.TestService on tsgrpc, as doc/interop-test-descriptions.md ("Server") describes it:
 * payload sizes, response_status echo, per-message response compression, expect_compressed checks,
 * interval_us pacing, and the x-grpc-test-echo-initial / x-grpc-test-echo-trailing-bin echoes.
 * UnimplementedCall is left out on purpose, so the server answers it UNIMPLEMENTED.
 * https://github.com/grpc/grpc/blob/master/doc/interop-test-descriptions.md#server
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Code, GrpcError, type ServerContext, type ServiceImplementation } from "../src/index.js";
import { type Service, loadService } from "../src/service/index.js";

const ECHO_INITIAL = "x-grpc-test-echo-initial";
const ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";
/** The compression the interop cases expect a server to use when asked to compress. */
const RESPONSE_COMPRESSION = "gzip";

/* Messages are protobufjs message instances with camelCase fields. */
type Message = Record<string, any>;

/** The project root: the nearest folder above this file holding package.json and interop/proto. */
export function projectRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "interop", "proto"))) return dir;
    if (dirname(dir) === dir) throw new Error(`interop: no project root above ${start}`);
  }
}

/** Loads grpc.testing.<name> from the project's interop protos. */
export function loadTestingService(name: string): Promise<Service> {
  const protoDir = join(projectRoot(), "interop", "proto");
  return loadService(join(protoDir, "grpc", "testing", "test.proto"), `grpc.testing.${name}`, { includeDirs: [protoDir] });
}

function payloadOfSize(size: number): Message {
  if (size < 0) throw new GrpcError(Code.InvalidArgument, `interop: negative payload size ${size}`);
  return { type: 0, body: new Uint8Array(size) };
}

/** Copies the echo metadata the client asked for into the response headers and trailers. */
function echoMetadata(ctx: ServerContext): void {
  for (const value of ctx.metadata.getAll(ECHO_INITIAL)) ctx.headers.add(ECHO_INITIAL, value);
  for (const value of ctx.metadata.getAll(ECHO_TRAILING)) ctx.trailers.add(ECHO_TRAILING, value);
}

/** Fails the call with the status the request asks for (response_status), if any. */
function failIfAsked(request: Message): void {
  const status = request.responseStatus;
  if (status && status.code) throw new GrpcError(status.code, status.message ?? "");
}

/** Checks expect_compressed against how the request message actually arrived. */
function checkCompressed(request: Message, ctx: ServerContext): void {
  const expected = request.expectCompressed;
  if (expected === null || expected === undefined) return;
  if (Boolean(expected.value) !== ctx.requestCompressed)
    throw new GrpcError(
      Code.InvalidArgument,
      `interop: expected a ${expected.value ? "compressed" : "uncompressed"} request, got a${ctx.requestCompressed ? " compressed" : "n uncompressed"} one`,
    );
}

/** Sets up per-message compression for the response that `compressed` (a BoolValue) describes. */
function compressNext(ctx: ServerContext, compressed: Message | null | undefined): void {
  const wanted = Boolean(compressed?.value);
  if (wanted && !ctx.headersSent) ctx.compression = RESPONSE_COMPRESSION;
  ctx.compressMessages = wanted;
}

/** The responses a StreamingOutputCallRequest asks for, paced by interval_us. */
async function* streamResponses(request: Message, ctx: ServerContext): AsyncGenerator<Message> {
  const parameters: Message[] = request.responseParameters ?? [];
  // grpc-encoding goes in the headers: pick gzip up front if any response wants compressing.
  if (!ctx.headersSent && parameters.some((p) => p.compressed?.value)) ctx.compression = RESPONSE_COMPRESSION;
  for (const parameter of parameters) {
    if (parameter.intervalUs > 0) await sleep(parameter.intervalUs / 1000, undefined, { signal: ctx.signal });
    compressNext(ctx, parameter.compressed);
    yield { payload: payloadOfSize(parameter.size) };
  }
}

/** The TestService handlers (UnimplementedCall deliberately absent). */
export const testServiceImplementation: ServiceImplementation = {
  async emptyCall(_request: Message, ctx: ServerContext) {
    echoMetadata(ctx);
    return {};
  },

  async unaryCall(request: Message, ctx: ServerContext) {
    echoMetadata(ctx);
    checkCompressed(request, ctx);
    failIfAsked(request);
    compressNext(ctx, request.responseCompressed);
    const response: Message = { payload: payloadOfSize(request.responseSize) };
    if (request.fillServerId) response.serverId = "tsgrpc";
    return response;
  },

  async cacheableUnaryCall(request: Message, ctx: ServerContext) {
    echoMetadata(ctx);
    failIfAsked(request);
    return { payload: payloadOfSize(request.responseSize) };
  },

  async *streamingOutputCall(request: Message, ctx: ServerContext) {
    echoMetadata(ctx);
    yield* streamResponses(request, ctx);
    failIfAsked(request);
  },

  async streamingInputCall(requests: AsyncIterable<Message>, ctx: ServerContext) {
    echoMetadata(ctx);
    let total = 0;
    for await (const request of requests) {
      checkCompressed(request, ctx);
      total += request.payload?.body?.length ?? 0;
    }
    return { aggregatedPayloadSize: total };
  },

  async *fullDuplexCall(requests: AsyncIterable<Message>, ctx: ServerContext) {
    echoMetadata(ctx);
    for await (const request of requests) {
      failIfAsked(request);
      yield* streamResponses(request, ctx);
    }
  },

  async *halfDuplexCall(requests: AsyncIterable<Message>, ctx: ServerContext) {
    echoMetadata(ctx);
    const received: Message[] = [];
    for await (const request of requests) received.push(request);
    for (const request of received) {
      failIfAsked(request);
      yield* streamResponses(request, ctx);
    }
  },
};
