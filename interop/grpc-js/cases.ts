/**
 * The interop client cases of doc/interop-test-descriptions.md, driven through @grpc/grpc-js.
 *
 * A case resolves when its assertions hold, throws CaseFailure when they do not, and throws
 * CaseSkipped when grpc-js cannot drive it (the reason names the grpc-js limitation).
 */
import grpc from "@grpc/grpc-js";
import { setTimeout as sleep } from "node:timers/promises";
import { clientStreaming, openDuplex, serverStreaming, unary, type CallResult, type Message } from "./calls.js";

/** A case's assertion failed; `code` is the status the call ended with. */
export class CaseFailure extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

/** The case cannot be run on grpc-js; `message` says why. */
export class CaseSkipped extends Error {}

/** What a case needs: clients to the server under test, and the soak flags. */
export interface CaseEnvironment {
  /** A TestService client; `gzip` makes one whose channel compresses requests. */
  testService(options?: { gzip?: boolean }): grpc.Client;
  unimplementedService(): grpc.Client;
  soak: SoakSettings;
}

/** The soak flags of the reference clients (rpc_soak, channel_soak). */
export interface SoakSettings {
  iterations: number;
  maxFailures: number;
  perIterationMaxLatencyMs: number;
  overallTimeoutSeconds: number;
  minTimeMsBetweenRpcs: number;
}

type Case = (environment: CaseEnvironment) => Promise<void>;

/** Every call but timeout_on_sleeping_server gets this much time, so a stuck server fails the case. */
const CALL_TIMEOUT_MS = 30_000;
const deadline = (): number => Date.now() + CALL_TIMEOUT_MS;

const ECHO_INITIAL = "x-grpc-test-echo-initial";
const ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";
/** grpc-js WriteFlags.NoCompress. */
const NO_COMPRESS = 2;

const NO_RESPONSE_FLAG =
  "@grpc/grpc-js does not expose whether a received message had the compressed flag set " +
  "(its CompressionFilter decompresses and drops the flag, and removes grpc-encoding from the response metadata)";

function zeros(size: number): Message {
  return { type: "COMPRESSABLE", body: Buffer.alloc(size) };
}

function statusText(status: grpc.StatusObject): string {
  return `${grpc.status[status.code] ?? "UNKNOWN"} (${status.code}): ${status.details}`;
}

function expectOk(result: CallResult, what: string): void {
  if (result.status.code !== grpc.status.OK) throw new CaseFailure(result.status.code, `${what}: ${result.status.details}`);
}

function expectCode(result: CallResult, code: grpc.status, what: string): void {
  if (result.status.code !== code)
    throw new CaseFailure(result.status.code, `${what}: expected ${grpc.status[code]} (${code}), got ${statusText(result.status)}`);
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new CaseFailure(grpc.status.OK, message);
}

function expectPayload(response: Message | undefined, size: number, what: string): void {
  const body: Uint8Array | undefined = response?.payload?.body;
  const length = body?.length ?? 0;
  check(length === size, `${what}: payload body is ${length} bytes, expected ${size}`);
  check(body === undefined || body.every((byte) => byte === 0), `${what}: payload body is not all zeros`);
}

function expectSizes(result: CallResult, sizes: readonly number[], what: string): void {
  check(result.responses.length === sizes.length, `${what}: got ${result.responses.length} responses, expected ${sizes.length}`);
  sizes.forEach((size, i) => {
    expectPayload(result.responses[i], size, `${what}: response ${i + 1}`);
  });
}

const LARGE_REQUEST = (): Message => ({ response_type: "COMPRESSABLE", response_size: 314159, payload: zeros(271828) });

async function largeUnary(client: grpc.Client): Promise<void> {
  const result = await unary(client, "UnaryCall", LARGE_REQUEST(), { deadline: deadline() });
  expectOk(result, "UnaryCall");
  expectPayload(result.responses[0], 314159, "UnaryCall");
}

const STREAM_SIZES = [31415, 9, 2653, 58979];
const UPLOAD_SIZES = [27182, 8, 1828, 45904];
/** The ping_pong exchanges: a response size and a request payload size each. */
const PING_PONG_SIZES = STREAM_SIZES.map((responseSize, i) => ({ responseSize, requestSize: UPLOAD_SIZES[i] ?? 0 }));

async function duplexStatus(client: grpc.Client, request: Message, metadata?: grpc.Metadata): Promise<CallResult> {
  const { call, next, settled } = openDuplex(client, "FullDuplexCall", { deadline: deadline(), metadata });
  call.write(request);
  call.end();
  const responses: Message[] = [];
  for (let response = await next(); response; response = await next()) responses.push(response);
  const { headers, status } = await settled;
  return { responses, headers, status };
}

/** Metadata for custom_metadata: an ASCII header to echo back and a binary trailer. */
function echoMetadata(): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set(ECHO_INITIAL, "test_initial_metadata_value");
  metadata.set(ECHO_TRAILING, Buffer.from([0xab, 0xab, 0xab]));
  return metadata;
}

function expectEchoed(result: CallResult, what: string): void {
  const initial = result.headers?.get(ECHO_INITIAL) ?? [];
  check(
    initial.length === 1 && initial[0] === "test_initial_metadata_value",
    `${what}: initial metadata ${ECHO_INITIAL} = ${JSON.stringify(initial)}`,
  );
  const trailing = result.status.metadata.get(ECHO_TRAILING);
  const value = trailing[0];
  check(
    trailing.length === 1 && Buffer.isBuffer(value) && value.equals(Buffer.from([0xab, 0xab, 0xab])),
    `${what}: trailing metadata ${ECHO_TRAILING} = ${JSON.stringify(trailing.map((v) => (Buffer.isBuffer(v) ? v.toString("hex") : v)))}`,
  );
}

async function soak(environment: CaseEnvironment, freshChannel: boolean): Promise<void> {
  const settings = environment.soak;
  const stopAt = Date.now() + settings.overallTimeoutSeconds * 1000;
  const shared = freshChannel ? undefined : environment.testService();
  const failures: string[] = [];
  let done = 0;
  for (; done < settings.iterations && Date.now() < stopAt; done++) {
    const started = Date.now();
    const client = shared ?? environment.testService();
    try {
      await largeUnary(client);
      const latencyMs = Date.now() - started;
      if (latencyMs > settings.perIterationMaxLatencyMs)
        failures.push(`iteration ${done}: ${latencyMs} ms exceeds ${settings.perIterationMaxLatencyMs} ms`);
    } catch (error) {
      failures.push(`iteration ${done}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (!shared) client.close();
    }
    const waitMs = settings.minTimeMsBetweenRpcs - (Date.now() - started);
    if (waitMs > 0) await sleep(waitMs);
  }
  shared?.close();
  check(done === settings.iterations, `only ${done} of ${settings.iterations} iterations ran within ${settings.overallTimeoutSeconds} s`);
  check(
    failures.length <= settings.maxFailures,
    `${failures.length} failed iterations (max ${settings.maxFailures}): ${failures.slice(0, 3).join("; ")}`,
  );
}

/** The cases, by their reference names. */
export const CASES: Readonly<Record<string, Case>> = {
  async empty_unary(environment) {
    const result = await unary(environment.testService(), "EmptyCall", {}, { deadline: deadline() });
    expectOk(result, "EmptyCall");
    check(result.responses[0] !== undefined, "EmptyCall: no response");
  },

  async large_unary(environment) {
    await largeUnary(environment.testService());
  },

  async client_compressed_unary(environment) {
    const request = (expect: boolean): Message => ({ ...LARGE_REQUEST(), expect_compressed: { value: expect } });
    const plain = environment.testService();
    const probe = await unary(plain, "UnaryCall", request(true), { deadline: deadline() });
    expectCode(probe, grpc.status.INVALID_ARGUMENT, "probe (uncompressed, expect_compressed=true)");
    const compressed = await unary(environment.testService({ gzip: true }), "UnaryCall", request(true), { deadline: deadline() });
    expectOk(compressed, "compressed request");
    expectPayload(compressed.responses[0], 314159, "compressed request");
    const uncompressed = await unary(plain, "UnaryCall", request(false), { deadline: deadline() });
    expectOk(uncompressed, "uncompressed request");
    expectPayload(uncompressed.responses[0], 314159, "uncompressed request");
  },

  async server_compressed_unary() {
    throw new CaseSkipped(`cannot assert the response's compressed flag: ${NO_RESPONSE_FLAG}`);
  },

  async client_streaming(environment) {
    const requests = UPLOAD_SIZES.map((size) => ({ message: { payload: zeros(size) } }));
    const result = await clientStreaming(environment.testService(), "StreamingInputCall", requests, { deadline: deadline() });
    expectOk(result, "StreamingInputCall");
    const total = result.responses[0]?.aggregated_payload_size ?? 0;
    check(total === 74922, `aggregated_payload_size is ${total}, expected 74922`);
  },

  async client_compressed_streaming(environment) {
    const probe = await clientStreaming(
      environment.testService(),
      "StreamingInputCall",
      [{ message: { expect_compressed: { value: true }, payload: zeros(27182) } }],
      { deadline: deadline() },
    );
    expectCode(probe, grpc.status.INVALID_ARGUMENT, "probe (uncompressed, expect_compressed=true)");
    const result = await clientStreaming(
      environment.testService({ gzip: true }),
      "StreamingInputCall",
      [
        { message: { expect_compressed: { value: true }, payload: zeros(27182) } },
        { message: { expect_compressed: { value: false }, payload: zeros(45904) }, flags: NO_COMPRESS },
      ],
      { deadline: deadline() },
    );
    expectOk(result, "StreamingInputCall");
    const total = result.responses[0]?.aggregated_payload_size ?? 0;
    check(total === 73086, `aggregated_payload_size is ${total}, expected 73086`);
  },

  async server_streaming(environment) {
    const request = { response_type: "COMPRESSABLE", response_parameters: STREAM_SIZES.map((size) => ({ size })) };
    const result = await serverStreaming(environment.testService(), "StreamingOutputCall", request, { deadline: deadline() });
    expectOk(result, "StreamingOutputCall");
    expectSizes(result, STREAM_SIZES, "StreamingOutputCall");
  },

  async server_compressed_streaming() {
    throw new CaseSkipped(`cannot assert the responses' compressed flags: ${NO_RESPONSE_FLAG}`);
  },

  async ping_pong(environment) {
    const { call, next, settled } = openDuplex(environment.testService(), "FullDuplexCall", { deadline: deadline() });
    for (const [i, { responseSize, requestSize }] of PING_PONG_SIZES.entries()) {
      call.write({ response_type: "COMPRESSABLE", response_parameters: [{ size: responseSize }], payload: zeros(requestSize) });
      const response = await next();
      if (!response) {
        const { status } = await settled;
        expectOk({ responses: [], headers: undefined, status }, `FullDuplexCall ended before response ${i + 1}`);
        throw new CaseFailure(status.code, `FullDuplexCall: the server ended with OK before response ${i + 1}`);
      }
      expectPayload(response, responseSize, `FullDuplexCall: response ${i + 1}`);
    }
    call.end();
    const extra = await next();
    const { status } = await settled;
    expectOk({ responses: [], headers: undefined, status }, "FullDuplexCall");
    check(extra === undefined, "FullDuplexCall: got a fifth response");
  },

  async empty_stream(environment) {
    const { call, next, settled } = openDuplex(environment.testService(), "FullDuplexCall", { deadline: deadline() });
    call.end();
    const response = await next();
    const { status } = await settled;
    expectOk({ responses: [], headers: undefined, status }, "FullDuplexCall");
    check(response === undefined, "FullDuplexCall: got a response to an empty stream");
  },

  async custom_metadata(environment) {
    const client = environment.testService();
    const unaryResult = await unary(client, "UnaryCall", LARGE_REQUEST(), { deadline: deadline(), metadata: echoMetadata() });
    expectOk(unaryResult, "UnaryCall");
    expectEchoed(unaryResult, "UnaryCall");
    const duplexResult = await duplexStatus(
      client,
      { response_type: "COMPRESSABLE", response_parameters: [{ size: 314159 }], payload: zeros(271828) },
      echoMetadata(),
    );
    expectOk(duplexResult, "FullDuplexCall");
    expectSizes(duplexResult, [314159], "FullDuplexCall");
    expectEchoed(duplexResult, "FullDuplexCall");
  },

  async status_code_and_message(environment) {
    const wanted = { code: 2, message: "test status message" };
    const client = environment.testService();
    for (const [what, result] of [
      ["UnaryCall", await unary(client, "UnaryCall", { response_status: wanted }, { deadline: deadline() })],
      ["FullDuplexCall", await duplexStatus(client, { response_status: wanted })],
    ] as const) {
      expectCode(result, wanted.code, what);
      check(
        result.status.details === wanted.message,
        `${what}: status message ${JSON.stringify(result.status.details)}, expected ${JSON.stringify(wanted.message)}`,
      );
    }
  },

  async special_status_message(environment) {
    const wanted = { code: 2, message: "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n" };
    const result = await unary(environment.testService(), "UnaryCall", { response_status: wanted }, { deadline: deadline() });
    expectCode(result, wanted.code, "UnaryCall");
    check(
      result.status.details === wanted.message,
      `UnaryCall: status message ${JSON.stringify(result.status.details)}, expected ${JSON.stringify(wanted.message)}`,
    );
  },

  async unimplemented_method(environment) {
    const result = await unary(environment.testService(), "UnimplementedCall", {}, { deadline: deadline() });
    expectCode(result, grpc.status.UNIMPLEMENTED, "TestService/UnimplementedCall");
  },

  async unimplemented_service(environment) {
    const result = await unary(environment.unimplementedService(), "UnimplementedCall", {}, { deadline: deadline() });
    expectCode(result, grpc.status.UNIMPLEMENTED, "UnimplementedService/UnimplementedCall");
  },

  async cancel_after_begin(environment) {
    const client = environment.testService() as unknown as {
      StreamingInputCall: (...args: unknown[]) => grpc.ClientWritableStream<Message>;
    };
    let status: grpc.StatusObject | undefined;
    const call = client.StreamingInputCall(new grpc.Metadata(), { deadline: deadline() }, () => undefined);
    const settled = new Promise<void>((resolve) => call.on("status", (s: grpc.StatusObject) => resolve(void (status = s))));
    call.on("error", () => undefined);
    call.cancel();
    await settled;
    expectCode({ responses: [], headers: undefined, status: status! }, grpc.status.CANCELLED, "StreamingInputCall");
  },

  async cancel_after_first_response(environment) {
    const { call, next, settled } = openDuplex(environment.testService(), "FullDuplexCall", { deadline: deadline() });
    call.write({ response_type: "COMPRESSABLE", response_parameters: [{ size: 31415 }], payload: zeros(27182) });
    const response = await next();
    if (!response) {
      const { status } = await settled;
      throw new CaseFailure(status.code, `FullDuplexCall ended before the first response: ${status.details}`);
    }
    expectPayload(response, 31415, "FullDuplexCall: first response");
    call.cancel();
    const { status } = await settled;
    expectCode({ responses: [], headers: undefined, status }, grpc.status.CANCELLED, "FullDuplexCall");
  },

  async timeout_on_sleeping_server(environment) {
    const { call, settled } = openDuplex(environment.testService(), "FullDuplexCall", { deadline: Date.now() + 1 });
    call.write({ payload: zeros(27182) });
    const { status } = await settled;
    expectCode({ responses: [], headers: undefined, status }, grpc.status.DEADLINE_EXCEEDED, "FullDuplexCall");
  },

  async rpc_soak(environment) {
    await soak(environment, false);
  },

  async channel_soak(environment) {
    await soak(environment, true);
  },
};
