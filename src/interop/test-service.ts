/**
 * grpc.testing.TestService on tsgrpc, as doc/interop-test-descriptions.md ("Server") describes it:
 * payload sizes, response_status echo, per-message response compression, expect_compressed checks,
 * interval_us pacing, and the x-grpc-test-echo-initial / x-grpc-test-echo-trailing-bin echoes.
 * Typed by the code `tsgrpc gen` generated from interop/proto (src/interop/gen, `npm run
 * gen:examples`); UnimplementedCall answers UNIMPLEMENTED, as the reference servers do.
 * https://github.com/grpc/grpc/blob/master/doc/interop-test-descriptions.md#server
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Code, GrpcError, type ServerContext, type ServiceImplementation } from "../index.js";
import {
  type BoolValue,
  type EchoStatus,
  type PayloadInput,
  PayloadType,
  type StreamingOutputCallRequest,
  type StreamingOutputCallResponseInput,
} from "./gen/grpc/testing/messages_pb.js";
import { TestService } from "./gen/grpc/testing/test_pb.js";

const ECHO_INITIAL = "x-grpc-test-echo-initial";
const ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";
/** The compression the interop cases expect a server to use when asked to compress. */
const RESPONSE_COMPRESSION = "gzip";

function payloadOfSize(size: number): PayloadInput {
  if (size < 0) throw new GrpcError(Code.InvalidArgument, `interop: negative payload size ${size}`);
  return { type: PayloadType.COMPRESSABLE, body: new Uint8Array(size) };
}

/** Copies the echo metadata the client asked for into the response headers and trailers. */
function echoMetadata(ctx: ServerContext): void {
  for (const value of ctx.metadata.getAll(ECHO_INITIAL)) ctx.headers.add(ECHO_INITIAL, value);
  for (const value of ctx.metadata.getAll(ECHO_TRAILING)) ctx.trailers.add(ECHO_TRAILING, value);
}

/** Fails the call with the status the request asks for (response_status), if any. */
function failIfAsked(request: { responseStatus: EchoStatus | undefined }): void {
  const status = request.responseStatus;
  if (status?.code) throw new GrpcError(status.code, status.message);
}

/** Checks expect_compressed against how the request message actually arrived. */
function checkCompressed(request: { expectCompressed: BoolValue | undefined }, ctx: ServerContext): void {
  const expected = request.expectCompressed;
  if (expected === undefined) return;
  if (expected.value !== ctx.requestCompressed)
    throw new GrpcError(
      Code.InvalidArgument,
      `interop: expected a ${expected.value ? "compressed" : "uncompressed"} request, got a${ctx.requestCompressed ? " compressed" : "n uncompressed"} one`,
    );
}

/** Sets up per-message compression for the response that `compressed` (a BoolValue) describes. */
function compressNext(ctx: ServerContext, compressed: BoolValue | undefined): void {
  const wanted = compressed?.value === true;
  if (wanted && !ctx.headersSent) ctx.compression = RESPONSE_COMPRESSION;
  ctx.compressMessages = wanted;
}

/** The responses a StreamingOutputCallRequest asks for, paced by interval_us. */
async function* streamResponses(request: StreamingOutputCallRequest, ctx: ServerContext): AsyncGenerator<StreamingOutputCallResponseInput> {
  const parameters = request.responseParameters;
  // grpc-encoding goes in the headers: pick gzip up front if any response wants compressing.
  if (!ctx.headersSent && parameters.some((p) => p.compressed?.value)) ctx.compression = RESPONSE_COMPRESSION;
  for (const parameter of parameters) {
    if (parameter.intervalUs > 0) await sleep(parameter.intervalUs / 1000, undefined, { signal: ctx.signal });
    compressNext(ctx, parameter.compressed);
    yield { payload: payloadOfSize(parameter.size) };
  }
}

/**
 * The TestService handlers. `serverId` is what UnaryCall answers in `server_id` when a request sets
 * `fill_server_id` (pick_first_unary tells servers apart by it).
 */
export function createTestServiceImplementation(serverId: string): ServiceImplementation<typeof TestService> {
  return {
    async emptyCall(_request, ctx) {
      echoMetadata(ctx);
      return {};
    },

    async unaryCall(request, ctx) {
      echoMetadata(ctx);
      checkCompressed(request, ctx);
      failIfAsked(request);
      compressNext(ctx, request.responseCompressed);
      return { payload: payloadOfSize(request.responseSize), ...(request.fillServerId ? { serverId } : {}) };
    },

    async cacheableUnaryCall(request, ctx) {
      echoMetadata(ctx);
      failIfAsked(request);
      return { payload: payloadOfSize(request.responseSize) };
    },

    async *streamingOutputCall(request, ctx) {
      echoMetadata(ctx);
      yield* streamResponses(request, ctx);
      failIfAsked(request);
    },

    async streamingInputCall(requests, ctx) {
      echoMetadata(ctx);
      let total = 0;
      for await (const request of requests) {
        checkCompressed(request, ctx);
        total += request.payload?.body.length ?? 0;
      }
      return { aggregatedPayloadSize: total };
    },

    async *fullDuplexCall(requests, ctx) {
      echoMetadata(ctx);
      for await (const request of requests) {
        failIfAsked(request);
        yield* streamResponses(request, ctx);
      }
    },

    async *halfDuplexCall(requests, ctx) {
      echoMetadata(ctx);
      const received: StreamingOutputCallRequest[] = [];
      for await (const request of requests) received.push(request);
      for (const request of received) {
        failIfAsked(request);
        yield* streamResponses(request, ctx);
      }
    },

    async unimplementedCall() {
      throw new GrpcError(Code.Unimplemented, "interop: UnimplementedCall is not implemented, on purpose");
    },
  };
}

export { TestService };
