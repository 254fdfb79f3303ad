// The interop client cases of doc/interop-test-descriptions.md, one function each, run with our client
// on the code `tsgrpc gen` generated from interop/proto (interop/gen).
import {
  Channel,
  Code,
  GrpcError,
  Metadata,
  createClient,
  gzip,
  type ChannelOptions,
  type Client,
  type Compression,
} from "../src/index.js";
import type {
  SimpleResponse,
  StreamingInputCallRequestInput,
  StreamingOutputCallRequestInput,
  StreamingOutputCallResponse,
} from "./gen/grpc/testing/messages_pb.js";
import { TestService, UnimplementedService } from "./gen/grpc/testing/test_pb.js";

/** A case's assertion failed (not a call error: those propagate as GrpcError). */
export class AssertionFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionFailure(message);
}

/** Counts decompressed response messages: Compression.decompress only runs for frames with the compressed flag. */
export class CountingCompression implements Compression {
  decompressed = 0;
  constructor(private readonly inner: Compression) {}
  get name(): string {
    return this.inner.name;
  }
  compress(bytes: Uint8Array): Promise<Uint8Array> {
    return this.inner.compress(bytes);
  }
  decompress(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
    this.decompressed++;
    return this.inner.decompress(bytes, maxBytes);
  }
}

/** Everything a case needs: the services, channel options, and a channel factory. */
export interface InteropContext {
  readonly target: string;
  readonly channelOptions: ChannelOptions;
  readonly testService: typeof TestService;
  readonly unimplementedService: typeof UnimplementedService;
  /** The gzip wrapper installed on every channel, to see which responses came compressed. */
  readonly gzip: CountingCompression;
  readonly soakIterations: number;
  readonly soakMaxFailures: number;
  readonly soakPerIterationMaxLatencyMs: number;
  readonly soakOverallTimeoutMs: number;
  /** The case's main channel (closed by the runner). */
  readonly channel: Channel;
}

/** The generated grpc.testing services the cases call. */
export const TESTING_SERVICES = { testService: TestService, unimplementedService: UnimplementedService } as const;

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

/** An async iterable whose next value is pushed by the test (for ping-pong style calls). */
class RequestQueue<T> implements AsyncIterable<T> {
  private values: T[] = [];
  private closed = false;
  private wake: (() => void) | undefined;
  push(value: T): void {
    this.values.push(value);
    this.wake?.();
  }
  close(): void {
    this.closed = true;
    this.wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.values.length > 0) yield this.values.shift()!;
      else if (this.closed) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

const LARGE_REQUEST = { responseSize: 314159, payload: { body: zeros(271828) } };
const STREAM_SIZES = [27182, 8, 1828, 45904];
const RESPONSE_SIZES = [31415, 9, 2653, 58979];
const ECHO_INITIAL = "x-grpc-test-echo-initial";
const ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";

async function largeUnary(client: Client<typeof TestService>): Promise<void> {
  const response = await client.unaryCall(LARGE_REQUEST);
  check(bodySize(response) === 314159, `response payload is ${bodySize(response)} bytes, expected 314159`);
}

async function soak(context: InteropContext, freshChannel: boolean): Promise<void> {
  const started = Date.now();
  let failures = 0;
  const problems: string[] = [];
  for (let i = 0; i < context.soakIterations; i++) {
    if (Date.now() - started > context.soakOverallTimeoutMs) break;
    const channel = freshChannel ? new Channel(context.target, context.channelOptions) : context.channel;
    const begin = Date.now();
    try {
      await largeUnary(createClient(context.testService, channel));
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
  }
  check(failures <= context.soakMaxFailures, `${failures} soak failures (max ${context.soakMaxFailures}): ${problems.join("; ")}`);
}

/** The cases, by their reference names. */
export const TEST_CASES: Record<string, (context: InteropContext) => Promise<void>> = {
  async empty_unary({ channel, testService }) {
    const response = await createClient(testService, channel).emptyCall({});
    check(response !== undefined && Object.keys(response).length === 0, "EmptyCall returned a non-empty message");
  },

  async large_unary({ channel, testService }) {
    await largeUnary(createClient(testService, channel));
  },

  async client_compressed_unary({ channel, testService }) {
    const client = createClient(testService, channel);
    await expectStatus(client.unaryCall({ ...LARGE_REQUEST, expectCompressed: { value: true } }), Code.InvalidArgument);
    const compressed = await client.unaryCall({ ...LARGE_REQUEST, expectCompressed: { value: true } }, { compression: "gzip" });
    check(bodySize(compressed) === 314159, `compressed call: response payload is ${bodySize(compressed)} bytes`);
    const plain = await client.unaryCall({ ...LARGE_REQUEST, expectCompressed: { value: false } });
    check(bodySize(plain) === 314159, `uncompressed call: response payload is ${bodySize(plain)} bytes`);
  },

  async server_compressed_unary({ channel, testService, gzip }) {
    const client = createClient(testService, channel);
    const before = gzip.decompressed;
    const compressed = await client.unaryCall({ ...LARGE_REQUEST, responseCompressed: { value: true } });
    check(bodySize(compressed) === 314159, `compressed response payload is ${bodySize(compressed)} bytes`);
    check(gzip.decompressed === before + 1, "response_compressed=true: the response did not have the compressed flag set");
    const plain = await client.unaryCall({ ...LARGE_REQUEST, responseCompressed: { value: false } });
    check(bodySize(plain) === 314159, `uncompressed response payload is ${bodySize(plain)} bytes`);
    check(gzip.decompressed === before + 1, "response_compressed=false: the response had the compressed flag set");
  },

  async client_streaming({ channel, testService }) {
    const requests: StreamingInputCallRequestInput[] = STREAM_SIZES.map((size) => ({ payload: { body: zeros(size) } }));
    const response = await createClient(testService, channel).streamingInputCall(requestsOf(requests));
    check(response.aggregatedPayloadSize === 74922, `aggregated_payload_size ${response.aggregatedPayloadSize}, expected 74922`);
  },

  async client_compressed_streaming({ channel, testService }) {
    const client = createClient(testService, channel);
    const probe: StreamingInputCallRequestInput = { expectCompressed: { value: true }, payload: { body: zeros(27182) } };
    await expectStatus(client.streamingInputCall(single(probe)), Code.InvalidArgument);
    const requests = [probe, { expectCompressed: { value: false }, payload: { body: zeros(45904) } }];
    const response = await client.streamingInputCall(requestsOf(requests), {
      compression: "gzip",
      compressMessage: (_message: unknown, index: number) => index === 0,
    });
    check(response.aggregatedPayloadSize === 73086, `aggregated_payload_size ${response.aggregatedPayloadSize}, expected 73086`);
  },

  async server_streaming({ channel, testService }) {
    const request = { responseParameters: RESPONSE_SIZES.map((size) => ({ size })) };
    const sizes: number[] = [];
    for await (const response of createClient(testService, channel).streamingOutputCall(request)) sizes.push(bodySize(response));
    check(sizes.join() === RESPONSE_SIZES.join(), `response sizes ${sizes.join()}, expected ${RESPONSE_SIZES.join()}`);
  },

  async server_compressed_streaming({ channel, testService, gzip }) {
    const request = {
      responseParameters: [
        { compressed: { value: true }, size: 31415 },
        { compressed: { value: false }, size: 92653 },
      ],
    };
    const sizes: number[] = [];
    const flags: number[] = [];
    let seen = gzip.decompressed;
    for await (const response of createClient(testService, channel).streamingOutputCall(request)) {
      sizes.push(bodySize(response));
      flags.push(gzip.decompressed - seen);
      seen = gzip.decompressed;
    }
    check(sizes.join() === "31415,92653", `response sizes ${sizes.join()}, expected 31415,92653`);
    check(flags.join() === "1,0", `compressed flags ${flags.join()}, expected 1,0`);
  },

  async ping_pong({ channel, testService }) {
    const requests = new RequestQueue<StreamingOutputCallRequestInput>();
    const responses = createClient(testService, channel).fullDuplexCall(requests)[Symbol.asyncIterator]();
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

  async empty_stream({ channel, testService }) {
    let count = 0;
    for await (const _ of createClient(testService, channel).fullDuplexCall(none())) count++;
    check(count === 0, `${count} responses, expected none`);
  },

  async custom_metadata({ channel, testService }) {
    const client = createClient(testService, channel);
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

  async unimplemented_method({ channel, testService }) {
    await expectStatus(createClient(testService, channel).unimplementedCall({}), Code.Unimplemented);
  },

  async unimplemented_service({ channel, unimplementedService }) {
    await expectStatus(createClient(unimplementedService, channel).unimplementedCall({}), Code.Unimplemented);
  },

  async cancel_after_begin({ channel, testService }) {
    const controller = new AbortController();
    const requests = new RequestQueue<StreamingInputCallRequestInput>();
    const call = createClient(testService, channel).streamingInputCall(requests, { signal: controller.signal });
    controller.abort();
    await expectStatus(call, Code.Cancelled);
  },

  async cancel_after_first_response({ channel, testService }) {
    const controller = new AbortController();
    const requests = new RequestQueue<StreamingOutputCallRequestInput>();
    const responses = createClient(testService, channel).fullDuplexCall(requests, { signal: controller.signal })[Symbol.asyncIterator]();
    requests.push({ responseParameters: [{ size: 31415 }], payload: { body: zeros(27182) } });
    const first = await responses.next();
    check(!first.done && bodySize(first.value) === 31415, "no first response of 31415 bytes");
    controller.abort();
    await expectStatus(() => responses.next(), Code.Cancelled);
  },

  async timeout_on_sleeping_server({ channel, testService }) {
    const requests = new RequestQueue<StreamingOutputCallRequestInput>();
    requests.push({ payload: { body: zeros(27182) } });
    await expectStatus(async () => {
      for await (const _ of createClient(testService, channel).fullDuplexCall(requests, { timeoutMs: 1 }));
    }, Code.DeadlineExceeded);
  },

  async rpc_soak(context) {
    await soak(context, false);
  },

  async channel_soak(context) {
    await soak(context, true);
  },
};

async function statusCase({ channel, testService }: InteropContext, message: string): Promise<void> {
  const client = createClient(testService, channel);
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

/** Channel options for the interop flags; the gzip counter replaces the default gzip. */
export function interopCompressions(): { gzip: CountingCompression; compressions: Compression[] } {
  const counting = new CountingCompression(gzip);
  return { gzip: counting, compressions: [counting] };
}
