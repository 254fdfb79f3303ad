/**
 * The client cases of doc/interop-test-descriptions.md, one function each, run with tsgrpc's client
 * on the code `tsgrpc gen` generated from interop/proto (src/interop/gen). Besides the cases of the
 * descriptions, the ones other reference clients run that need no external service:
 * very_large_request and the *_noprobe compression cases (grpc-java), pick_first_unary (grpc-go,
 * grpc-java).
 * https://github.com/grpc/grpc/blob/master/doc/interop-test-descriptions.md#client
 */
import { Channel, Code, GrpcError, Metadata, createClient, type ChannelOptions, type Client } from "../index.js";
import type { CountingCompression } from "./counting-compression.js";
import type {
  SimpleResponse,
  StreamingInputCallRequestInput,
  StreamingOutputCallRequestInput,
  StreamingOutputCallResponse,
} from "./gen/grpc/testing/messages_pb.js";
import { TestService, UnimplementedService } from "./gen/grpc/testing/test_pb.js";
import { RequestQueue } from "./request-queue.js";

/** A case's assertion failed (a call error is not this: it propagates as the GrpcError it is). */
export class AssertionFailure extends Error {
  override readonly name = "AssertionFailure";
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionFailure(message);
}

/** Everything a case needs: where to connect, how, and the case's main channel. */
export interface InteropContext {
  /** The target the channel connects to (`host:port`). */
  readonly target: string;
  /** The options of every channel a case opens (TLS, compressions, additional metadata). */
  readonly channelOptions: ChannelOptions;
  /** The gzip wrapper installed on every channel, to see which responses came compressed. */
  readonly gzip: CountingCompression;
  readonly soakIterations: number;
  readonly soakMaxFailures: number;
  readonly soakPerIterationMaxLatencyMs: number;
  readonly soakOverallTimeoutMs: number;
  readonly soakMinTimeMsBetweenRpcs: number;
  readonly soakRequestSize: number;
  readonly soakResponseSize: number;
  /** The case's main channel (the runner opens and closes it). */
  readonly channel: Channel;
}

const zeros = (size: number): Uint8Array => new Uint8Array(size);

function bodySize(response: SimpleResponse | StreamingOutputCallResponse | undefined): number {
  return response?.payload?.body.length ?? 0;
}

async function expectStatus(promise: Promise<unknown> | (() => Promise<unknown>), code: Code, message?: string): Promise<void> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    if (!(error instanceof GrpcError)) throw error;
    if (error.code !== code) throw error;
    if (message !== undefined)
      check(error.statusMessage === message, `status message ${JSON.stringify(error.statusMessage)}, expected ${JSON.stringify(message)}`);
    return;
  }
  throw new AssertionFailure(`call succeeded, expected ${Code[code]}`);
}

async function* single<T>(value: T): AsyncIterable<T> {
  yield value;
}

async function* none<T>(): AsyncIterable<T> {}

const LARGE_REQUEST = { responseSize: 314159, payload: { body: zeros(271828) } };
const STREAM_SIZES = [27182, 8, 1828, 45904];
const RESPONSE_SIZES = [31415, 9, 2653, 58979];
/** very_large_request's payload: grpc-java's 10 MiB ("unaryPayloadLength"). */
const VERY_LARGE_REQUEST_BYTES = 10 * 1024 * 1024;
/** pick_first_unary's calls on one channel. */
const PICK_FIRST_CALLS = 100;
const ECHO_INITIAL = "x-grpc-test-echo-initial";
const ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";

async function largeUnary(client: Client<typeof TestService>, requestSize = 271828, responseSize = 314159): Promise<void> {
  const response = await client.unaryCall({ responseSize, payload: { body: zeros(requestSize) } });
  check(bodySize(response) === responseSize, `response payload is ${bodySize(response)} bytes, expected ${responseSize}`);
}

async function soak(context: InteropContext, freshChannel: boolean): Promise<void> {
  const started = Date.now();
  let failures = 0;
  const problems: string[] = [];
  for (let i = 0; i < context.soakIterations; i++) {
    if (Date.now() - started > context.soakOverallTimeoutMs) {
      failures += context.soakIterations - i;
      problems.push(`soak_overall_timeout_seconds passed after ${i} of ${context.soakIterations} iterations`);
      break;
    }
    const channel = freshChannel ? new Channel(context.target, context.channelOptions) : context.channel;
    const begin = Date.now();
    try {
      await largeUnary(createClient(TestService, channel), context.soakRequestSize, context.soakResponseSize);
      const latency = Date.now() - begin;
      if (latency > context.soakPerIterationMaxLatencyMs) {
        failures++;
        problems.push(`iteration ${i} took ${latency} ms`);
      }
    } catch (error) {
      failures++;
      problems.push(`iteration ${i}: ${(error as Error).message}`);
    } finally {
      if (freshChannel) channel.close();
    }
    const rest = context.soakMinTimeMsBetweenRpcs - (Date.now() - begin);
    if (rest > 0 && i + 1 < context.soakIterations) await new Promise((resolve) => setTimeout(resolve, rest));
  }
  check(failures <= context.soakMaxFailures, `${failures} soak failures (max ${context.soakMaxFailures}): ${problems.join("; ")}`);
}

/** The cases, by their reference names. */
export const TEST_CASES: Record<string, (context: InteropContext) => Promise<void>> = {
  async empty_unary({ channel }) {
    const response = await createClient(TestService, channel).emptyCall({});
    check(response !== undefined && Object.keys(response).length === 0, "EmptyCall returned a non-empty message");
  },

  async large_unary({ channel }) {
    await largeUnary(createClient(TestService, channel));
  },

  async client_compressed_unary({ channel }) {
    await clientCompressedUnary(channel, true);
  },

  async client_compressed_unary_noprobe({ channel }) {
    await clientCompressedUnary(channel, false);
  },

  async server_compressed_unary({ channel, gzip }) {
    const client = createClient(TestService, channel);
    const before = gzip.decompressed;
    const compressed = await client.unaryCall({ ...LARGE_REQUEST, responseCompressed: { value: true } });
    check(bodySize(compressed) === 314159, `compressed response payload is ${bodySize(compressed)} bytes`);
    check(gzip.decompressed === before + 1, "response_compressed=true: the response did not have the compressed flag set");
    const plain = await client.unaryCall({ ...LARGE_REQUEST, responseCompressed: { value: false } });
    check(bodySize(plain) === 314159, `uncompressed response payload is ${bodySize(plain)} bytes`);
    check(gzip.decompressed === before + 1, "response_compressed=false: the response had the compressed flag set");
  },

  async client_streaming({ channel }) {
    const requests: StreamingInputCallRequestInput[] = STREAM_SIZES.map((size) => ({ payload: { body: zeros(size) } }));
    const response = await createClient(TestService, channel).streamingInputCall(requestsOf(requests));
    check(response.aggregatedPayloadSize === 74922, `aggregated_payload_size ${response.aggregatedPayloadSize}, expected 74922`);
  },

  async client_compressed_streaming({ channel }) {
    await clientCompressedStreaming(channel, true);
  },

  async client_compressed_streaming_noprobe({ channel }) {
    await clientCompressedStreaming(channel, false);
  },

  async server_streaming({ channel }) {
    const request = { responseParameters: RESPONSE_SIZES.map((size) => ({ size })) };
    const sizes: number[] = [];
    for await (const response of createClient(TestService, channel).streamingOutputCall(request)) sizes.push(bodySize(response));
    check(sizes.join() === RESPONSE_SIZES.join(), `response sizes ${sizes.join()}, expected ${RESPONSE_SIZES.join()}`);
  },

  async server_compressed_streaming({ channel, gzip }) {
    const request = {
      responseParameters: [
        { compressed: { value: true }, size: 31415 },
        { compressed: { value: false }, size: 92653 },
      ],
    };
    const sizes: number[] = [];
    const flags: number[] = [];
    let seen = gzip.decompressed;
    for await (const response of createClient(TestService, channel).streamingOutputCall(request)) {
      sizes.push(bodySize(response));
      flags.push(gzip.decompressed - seen);
      seen = gzip.decompressed;
    }
    check(sizes.join() === "31415,92653", `response sizes ${sizes.join()}, expected 31415,92653`);
    check(flags.join() === "1,0", `compressed flags ${flags.join()}, expected 1,0`);
  },

  async ping_pong({ channel }) {
    const requests = new RequestQueue<StreamingOutputCallRequestInput>();
    const responses = createClient(TestService, channel).fullDuplexCall(requests)[Symbol.asyncIterator]();
    for (let i = 0; i < STREAM_SIZES.length; i++) {
      requests.push({ responseParameters: [{ size: RESPONSE_SIZES[i] }], payload: { body: zeros(STREAM_SIZES[i]!) } });
      const next = await responses.next();
      check(!next.done, `stream ended after ${i} responses`);
      check(bodySize(next.value) === RESPONSE_SIZES[i], `response ${i} is ${bodySize(next.value)} bytes, expected ${RESPONSE_SIZES[i]}`);
    }
    requests.close();
    const end = await responses.next();
    check(end.done === true, "more than four responses");
  },

  async empty_stream({ channel }) {
    let count = 0;
    for await (const _ of createClient(TestService, channel).fullDuplexCall(none())) count++;
    check(count === 0, `${count} responses, expected none`);
  },

  async custom_metadata({ channel }) {
    const client = createClient(TestService, channel);
    const trailingValue = new Uint8Array([0xab, 0xab, 0xab]);
    const metadata = (): Metadata => new Metadata().set(ECHO_INITIAL, "test_initial_metadata_value").set(ECHO_TRAILING, trailingValue);
    const verify = (what: string, headers: Metadata | undefined, trailers: Metadata | undefined): void => {
      check(headers?.get(ECHO_INITIAL) === "test_initial_metadata_value", `${what}: initial metadata ${ECHO_INITIAL} not echoed`);
      const trailing = trailers?.get(ECHO_TRAILING);
      check(
        trailing instanceof Uint8Array && Buffer.from(trailing).equals(Buffer.from(trailingValue)),
        `${what}: trailing ${ECHO_TRAILING} not echoed`,
      );
    };
    let headers: Metadata | undefined;
    let trailers: Metadata | undefined;
    const options = { metadata: metadata(), onHeaders: (m: Metadata) => (headers = m), onTrailers: (m: Metadata) => (trailers = m) };
    const response = await client.unaryCall(LARGE_REQUEST, options);
    check(bodySize(response) === 314159, `UnaryCall response payload is ${bodySize(response)} bytes`);
    verify("UnaryCall", headers, trailers);
    headers = trailers = undefined;
    const request = { responseParameters: [{ size: 314159 }], payload: { body: zeros(271828) } };
    let count = 0;
    for await (const reply of client.fullDuplexCall(single(request), { ...options, metadata: metadata() })) {
      check(bodySize(reply) === 314159, `FullDuplexCall response payload is ${bodySize(reply)} bytes`);
      count++;
    }
    check(count === 1, `FullDuplexCall: ${count} responses, expected 1`);
    verify("FullDuplexCall", headers, trailers);
  },

  async status_code_and_message(context) {
    await statusCase(context, "test status message");
  },

  async special_status_message(context) {
    await statusCase(context, "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n");
  },

  async unimplemented_method({ channel }) {
    await expectStatus(createClient(TestService, channel).unimplementedCall({}), Code.Unimplemented);
  },

  async unimplemented_service({ channel }) {
    await expectStatus(createClient(UnimplementedService, channel).unimplementedCall({}), Code.Unimplemented);
  },

  async cancel_after_begin({ channel }) {
    const controller = new AbortController();
    const requests = new RequestQueue<StreamingInputCallRequestInput>();
    const call = createClient(TestService, channel).streamingInputCall(requests, { signal: controller.signal });
    controller.abort();
    await expectStatus(call, Code.Cancelled);
  },

  async cancel_after_first_response({ channel }) {
    const controller = new AbortController();
    const requests = new RequestQueue<StreamingOutputCallRequestInput>();
    const responses = createClient(TestService, channel).fullDuplexCall(requests, { signal: controller.signal })[Symbol.asyncIterator]();
    requests.push({ responseParameters: [{ size: 31415 }], payload: { body: zeros(27182) } });
    const first = await responses.next();
    check(!first.done && bodySize(first.value) === 31415, "no first response of 31415 bytes");
    controller.abort();
    await expectStatus(() => responses.next(), Code.Cancelled);
  },

  async timeout_on_sleeping_server({ channel }) {
    const requests = new RequestQueue<StreamingOutputCallRequestInput>();
    requests.push({ payload: { body: zeros(27182) } });
    await expectStatus(async () => {
      for await (const _ of createClient(TestService, channel).fullDuplexCall(requests, { timeoutMs: 1 }));
    }, Code.DeadlineExceeded);
  },

  async very_large_request({ channel }) {
    // grpc-java's case: a request just over 10 MiB (receive limits default to 4 MiB; the interop
    // servers raise theirs to 16 MiB), a 10-byte response.
    const response = await createClient(TestService, channel).unaryCall({
      responseSize: 10,
      payload: { body: zeros(VERY_LARGE_REQUEST_BYTES) },
    });
    check(bodySize(response) === 10, `response payload is ${bodySize(response)} bytes, expected 10`);
  },

  async pick_first_unary({ channel }) {
    // grpc-go's and grpc-java's case: with pick_first, every call of a channel reaches the same
    // server, even when the target resolves to several (told apart by server_id).
    const client = createClient(TestService, channel);
    const ids = new Set<string>();
    for (let i = 0; i < PICK_FIRST_CALLS; i++) {
      const response = await client.unaryCall({ fillServerId: true });
      check(response.serverId !== "", `call ${i}: the server left server_id empty (fill_server_id was set)`);
      ids.add(response.serverId);
    }
    check(ids.size === 1, `${PICK_FIRST_CALLS} calls reached ${ids.size} servers: ${[...ids].join(", ")}`);
  },

  async rpc_soak(context) {
    await soak(context, false);
  },

  async channel_soak(context) {
    await soak(context, true);
  },
};

async function clientCompressedUnary(channel: Channel, probe: boolean): Promise<void> {
  const client = createClient(TestService, channel);
  if (probe) await expectStatus(client.unaryCall({ ...LARGE_REQUEST, expectCompressed: { value: true } }), Code.InvalidArgument);
  const compressed = await client.unaryCall({ ...LARGE_REQUEST, expectCompressed: { value: true } }, { compression: "gzip" });
  check(bodySize(compressed) === 314159, `compressed call: response payload is ${bodySize(compressed)} bytes`);
  const plain = await client.unaryCall({ ...LARGE_REQUEST, expectCompressed: { value: false } });
  check(bodySize(plain) === 314159, `uncompressed call: response payload is ${bodySize(plain)} bytes`);
}

async function clientCompressedStreaming(channel: Channel, probe: boolean): Promise<void> {
  const client = createClient(TestService, channel);
  const first: StreamingInputCallRequestInput = { expectCompressed: { value: true }, payload: { body: zeros(27182) } };
  if (probe) await expectStatus(client.streamingInputCall(single(first)), Code.InvalidArgument);
  const requests = [first, { expectCompressed: { value: false }, payload: { body: zeros(45904) } }];
  const response = await client.streamingInputCall(requestsOf(requests), {
    compression: "gzip",
    compressMessage: (_message: unknown, index: number) => index === 0,
  });
  check(response.aggregatedPayloadSize === 73086, `aggregated_payload_size ${response.aggregatedPayloadSize}, expected 73086`);
}

async function statusCase({ channel }: InteropContext, message: string): Promise<void> {
  const client = createClient(TestService, channel);
  const responseStatus = { code: 2, message };
  await expectStatus(client.unaryCall({ responseStatus }), Code.Unknown, message);
  await expectStatus(
    async () => {
      for await (const _ of client.fullDuplexCall(single({ responseStatus })));
    },
    Code.Unknown,
    message,
  );
}

async function* requestsOf<T>(values: readonly T[]): AsyncIterable<T> {
  yield* values;
}

/** The cases `--test_case=all` runs: those of doc/interop-test-descriptions.md that need no cloud service, and the soak cases. */
export const STANDARD_CASES: readonly string[] = [
  "empty_unary",
  "large_unary",
  "client_compressed_unary",
  "server_compressed_unary",
  "client_streaming",
  "client_compressed_streaming",
  "server_streaming",
  "server_compressed_streaming",
  "ping_pong",
  "empty_stream",
  "custom_metadata",
  "status_code_and_message",
  "special_status_message",
  "unimplemented_method",
  "unimplemented_service",
  "cancel_after_begin",
  "cancel_after_first_response",
  "timeout_on_sleeping_server",
  "rpc_soak",
  "channel_soak",
];

/**
 * Cases other clients know that this one does not run, each with the reason (reported as SKIP):
 * they need Google Cloud credentials or services, a caching proxy, or protos this build lacks.
 */
export const UNSUPPORTED_CASES: Readonly<Record<string, string>> = {
  compute_engine_creds: "needs a GCE metadata server and OAuth credentials (cloud-to-prod only)",
  service_account_creds: "needs a Google service account key and OAuth (cloud-to-prod only)",
  jwt_token_creds: "needs a Google service account key (cloud-to-prod only)",
  per_rpc_creds: "needs a Google service account key (cloud-to-prod only)",
  oauth2_auth_token: "needs a Google service account key or GCE credentials (cloud-to-prod only)",
  google_default_credentials: "needs Google default credentials (cloud-to-prod only)",
  compute_engine_channel_credentials: "needs GCE credentials (cloud-to-prod only)",
  cacheable_unary: "needs a caching proxy in front of the server, and GET requests",
  orca_per_rpc: "needs the xds.data.orca.v3 load report protos and TestOrcaReport, which the grpc.testing protos here do not carry",
  orca_oob: "needs the xds.service.orca.v3 OpenRcaService stream and a custom load balancer, not built",
};
