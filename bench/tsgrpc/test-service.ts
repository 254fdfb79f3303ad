// The TestService that tsgrpc serves in the benchmark: the same handlers as bench/grpc-js/server.ts
// and the grpc-go peer (EmptyCall, a UnaryCall that echoes the request payload, and the three
// streaming calls with the interop semantics), written the plain way a user would write them.
import { loadService, type Method, type Service, type ServiceImplementation } from "../../src/index.js";
import { PROTO_INCLUDE_DIR, TEST_PROTO, zeroBody } from "../lib/proto.js";

interface Payload {
  body?: Uint8Array;
}
interface StreamingOutputCallRequest {
  responseParameters?: { size?: number }[];
}

const BENCH_METHODS = ["emptyCall", "unaryCall", "streamingOutputCall", "streamingInputCall", "fullDuplexCall"] as const;

/** grpc.testing.TestService as the benchmark uses it: the methods it calls, checked present. */
export type BenchTestService = Service<Record<(typeof BENCH_METHODS)[number], Method>>;

/**
 * grpc.testing.TestService, loaded from the interop protos (protobufjs reflection codec), or with
 * BENCH_TSGRPC_CODEC=generated the tsgrpc generated code of the interop client and server
 * (src/interop/gen, `npm run gen:examples`); a TypeError if it lacks a method the benchmark calls.
 */
export async function loadTestService(): Promise<BenchTestService> {
  const service: Service =
    process.env.BENCH_TSGRPC_CODEC === "generated"
      ? ((await import("../../src/interop/gen/grpc/testing/test_pb.js")).TestService as unknown as Service)
      : await loadService(TEST_PROTO, "grpc.testing.TestService", { includeDirs: [PROTO_INCLUDE_DIR] });
  for (const name of BENCH_METHODS) if (service.methods[name] === undefined) throw new TypeError(`${service.name} has no method ${name}`);
  return service as BenchTestService;
}

function* responsesFor(request: StreamingOutputCallRequest): Iterable<{ payload: Payload }> {
  for (const parameters of request.responseParameters ?? []) yield { payload: { body: zeroBody(parameters.size ?? 0) } };
}

/** The benchmark's handlers. */
export const testServiceHandlers: ServiceImplementation = {
  emptyCall: () => ({}),
  unaryCall: (request: { payload?: Payload }) => ({ payload: request.payload }),
  streamingOutputCall: (request: StreamingOutputCallRequest) => responsesFor(request),
  async streamingInputCall(requests: AsyncIterable<{ payload?: Payload }>) {
    let total = 0;
    for await (const request of requests) total += request.payload?.body?.length ?? 0;
    return { aggregatedPayloadSize: total };
  },
  async *fullDuplexCall(requests: AsyncIterable<StreamingOutputCallRequest>) {
    for await (const request of requests) yield* responsesFor(request);
  },
};
