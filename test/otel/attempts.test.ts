// Every attempt of a retried, hedged or transparently retried call in OpenTelemetry: gRFC A66's
// per-attempt metrics with each attempt's own grpc.status and bytes, gRFC A72's attempt spans
// (children of the call's span, previous-rpc-attempts, transparent-retry), and the server span
// of each attempt a child of that attempt's span (the traceparent sent is the attempt's).
import http2 from "node:http2";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { expect } from "chai";
import {
  Channel,
  Code,
  GrpcError,
  Metadata,
  Server,
  createClient,
  type AttemptObserver,
  type AttemptStart,
  type Client,
  type ServiceConfigJson,
} from "../../src/index.js";
import { createClientInterceptor, createServerInterceptor } from "../../src/otel/index.js";
import { frame, unframe } from "../e2e/server-fixtures.js";
import { startScriptedServer, type ScriptedServer } from "../retry/scripted-server.js";
import { Echo, Telemetry, counterPoints, histogramPoints, useGlobalContext } from "./fixtures.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bytesOf = (message: unknown) => new TextEncoder().encode(JSON.stringify(message)).length;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const ATTEMPT = "Attempt.otel.test.Echo.Echo";
const CALL = "otel.test.Echo/Echo";

function retryConfig(policy: Record<string, unknown> = {}): ServiceConfigJson {
  return {
    methodConfig: [
      {
        name: [{ service: "otel.test.Echo" }],
        retryPolicy: {
          maxAttempts: 4,
          initialBackoff: "0.01s",
          maxBackoff: "0.02s",
          backoffMultiplier: 2,
          retryableStatusCodes: ["UNAVAILABLE"],
          ...policy,
        },
      },
    ],
  };
}

function hedgingConfig(policy: Record<string, unknown> = {}): ServiceConfigJson {
  return {
    methodConfig: [
      {
        name: [{ service: "otel.test.Echo" }],
        hedgingPolicy: { maxAttempts: 2, hedgingDelay: "0.05s", nonFatalStatusCodes: ["UNAVAILABLE"], ...policy },
      },
    ],
  };
}

/** Waits until `done()` holds (spans and metrics of a cancelled hedge come a moment after the call). */
async function until(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await done()); waited += 10) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Histogram points by grpc.status: [count, sum] each. */
async function byStatus(telemetry: Telemetry, name: string): Promise<Record<string, [number, number]>> {
  const points = histogramPoints((await telemetry.metrics()).get(name));
  const out: Record<string, [number, number]> = {};
  for (const point of points) out[String(point.attributes["grpc.status"])] = [point.count, point.sum ?? 0];
  return out;
}

async function attemptsStarted(telemetry: Telemetry): Promise<number> {
  return counterPoints((await telemetry.metrics()).get("grpc.client.attempt.started")).reduce((sum, point) => sum + point.value, 0);
}

describe("otel: every attempt of a call (gRFC A66 per-attempt metrics, A72 attempt spans)", function () {
  this.timeout(30_000);
  useGlobalContext();
  let telemetry: Telemetry;
  let server: Server | undefined;
  let scripted: ScriptedServer | undefined;
  let raw: http2.Http2Server | undefined;
  let channel: Channel | undefined;

  beforeEach(() => {
    telemetry = new Telemetry();
  });

  afterEach(async () => {
    channel?.close();
    await server?.forceShutdown();
    await scripted?.close();
    if (raw !== undefined) await new Promise((resolve) => raw!.close(resolve));
    server = scripted = raw = channel = undefined;
    await telemetry.shutdown();
  });

  const settings = () => ({ tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider });

  /** A tsgrpc server with the OTel server interceptor whose echo answers call n with `outcome(n)` (0-based). */
  async function startServer(
    outcome: (index: number) => { fail?: Code; delayMs?: number },
    serviceConfig: ServiceConfigJson,
  ): Promise<Client<typeof Echo>> {
    let calls = 0;
    server = new Server({ interceptors: [createServerInterceptor(settings())], logger: null });
    server.add(Echo, {
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async echo(request: any) {
        const plan = outcome(calls++);
        if (plan.delayMs !== undefined) await sleep(plan.delayMs);
        if (plan.fail !== undefined) throw new GrpcError(plan.fail, "server: scripted failure");
        return { text: request.text };
      },
    } as never);
    const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    channel = new Channel(`127.0.0.1:${port}`, { interceptors: [createClientInterceptor(settings())], serviceConfig });
    return createClient(Echo, channel);
  }

  it("a call retried twice (UNAVAILABLE, UNAVAILABLE, OK): three attempts, each with its status, bytes and server span", async () => {
    const client = await startServer((index) => (index < 2 ? { fail: Code.Unavailable } : {}), retryConfig());
    // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
    expect(await (client as any).echo({ text: "again" })).to.deep.equal({ text: "again" });
    await until(() => telemetry.finishedSpans().length === 7, "1 call span, 3 attempt spans, 3 server spans");
    const request = bytesOf({ text: "again" });
    const response = bytesOf({ text: "again" });

    expect(await attemptsStarted(telemetry)).to.equal(3);
    const started = counterPoints((await telemetry.metrics()).get("grpc.client.attempt.started"))[0]!;
    expect(started.attributes).to.deep.equal({
      "grpc.method": "otel.test.Echo/Echo",
      "grpc.target": `dns:///127.0.0.1:${portOf(channel!)}`,
    });
    expect(await byStatus(telemetry, "grpc.client.attempt.duration")).to.have.keys("UNAVAILABLE", "OK");
    expect((await byStatus(telemetry, "grpc.client.attempt.duration")).UNAVAILABLE![0]).to.equal(2);
    expect((await byStatus(telemetry, "grpc.client.attempt.duration")).OK![0]).to.equal(1);
    // Each attempt sent the request once; only the last one received the response.
    expect(await byStatus(telemetry, "grpc.client.attempt.sent_total_compressed_message_size")).to.deep.equal({
      UNAVAILABLE: [2, 2 * request],
      OK: [1, request],
    });
    expect(await byStatus(telemetry, "grpc.client.attempt.rcvd_total_compressed_message_size")).to.deep.equal({
      UNAVAILABLE: [2, 0],
      OK: [1, response],
    });
    const callDuration = await byStatus(telemetry, "grpc.client.call.duration");
    expect(Object.keys(callDuration)).to.deep.equal(["OK"]);
    expect(callDuration.OK![0]).to.equal(1);
    expect((await byStatus(telemetry, "grpc.server.call.duration")).UNAVAILABLE![0]).to.equal(2);

    const spans = telemetry.finishedSpans();
    const call = spans.find((span) => span.name === CALL && span.kind === SpanKind.CLIENT)!;
    const attempts = spans.filter((span) => span.name === ATTEMPT);
    const servers = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(attempts.map((span) => span.attributes["previous-rpc-attempts"])).to.deep.equal([0, 1, 2]);
    expect(attempts.map((span) => span.attributes["transparent-retry"])).to.deep.equal([false, false, false]);
    expect(attempts.map((span) => span.attributes["rpc.grpc.status_code"])).to.deep.equal([Code.Unavailable, Code.Unavailable, Code.Ok]);
    expect(attempts.map((span) => span.status.code)).to.deep.equal([SpanStatusCode.ERROR, SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    expect(attempts[0]!.status.message).to.equal("UNAVAILABLE: server: scripted failure");
    for (const attempt of attempts) {
      expect(attempt.kind).to.equal(SpanKind.CLIENT);
      expect(parentOf(attempt)).to.equal(idOf(call));
      expect(attempt.attributes).to.include({ "rpc.system": "grpc", "rpc.service": "otel.test.Echo", "rpc.method": "Echo" });
    }
    expect(call.attributes["rpc.grpc.status_code"]).to.equal(Code.Ok);
    expect(call.status.code).to.equal(SpanStatusCode.UNSET);
    // One server span per attempt, each the child of its own attempt's span.
    expect(servers.map(parentOf).sort()).to.deep.equal(attempts.map(idOf).sort());
    expect(servers.map((span) => span.attributes["rpc.grpc.status_code"]).sort()).to.deep.equal([
      Code.Ok,
      Code.Unavailable,
      Code.Unavailable,
    ]);
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).to.equal(1);
  });

  it("a hedged call whose first attempt wins: the hedge ends CANCELLED, and its messages are its own", async () => {
    const client = await startServer((index) => (index === 0 ? { delayMs: 300 } : { delayMs: 1_500 }), hedgingConfig());
    // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
    expect(await (client as any).echo({ text: "hedged" })).to.deep.equal({ text: "hedged" });
    const committedAtMs = performance.timeOrigin + performance.now();
    await until(async () => telemetry.finishedSpans().filter((span) => span.name === ATTEMPT).length === 2, "both attempt spans");
    await until(async () => Object.keys(await byStatus(telemetry, "grpc.client.attempt.duration")).length === 2, "both attempts measured");
    const request = bytesOf({ text: "hedged" });

    expect(await attemptsStarted(telemetry)).to.equal(2);
    // Both attempts sent the request, once each: the hedge's copy does not count on the first attempt.
    expect(await byStatus(telemetry, "grpc.client.attempt.sent_total_compressed_message_size")).to.deep.equal({
      OK: [1, request],
      CANCELLED: [1, request],
    });
    expect(await byStatus(telemetry, "grpc.client.attempt.rcvd_total_compressed_message_size")).to.deep.equal({
      OK: [1, bytesOf({ text: "hedged" })],
      CANCELLED: [1, 0],
    });
    expect(Object.keys(await byStatus(telemetry, "grpc.client.call.duration"))).to.deep.equal(["OK"]);

    const spans = telemetry.finishedSpans();
    const call = spans.find((span) => span.name === CALL && span.kind === SpanKind.CLIENT)!;
    const [first, hedge] = ["0", "1"].map((previous) =>
      spans.find((span) => span.name === ATTEMPT && String(span.attributes["previous-rpc-attempts"]) === previous),
    );
    expect(parentOf(first!)).to.equal(idOf(call));
    expect(parentOf(hedge!)).to.equal(idOf(call));
    expect(first!.attributes["rpc.grpc.status_code"]).to.equal(Code.Ok);
    expect(hedge!.attributes["rpc.grpc.status_code"]).to.equal(Code.Cancelled);
    expect(hedge!.status.code).to.equal(SpanStatusCode.ERROR);
    // Each attempt reached the server: two server spans, the children of the two attempt spans. The
    // hedge's ends at the client's reset, CANCELLED, not when its handler returns 1.5 s later.
    await until(() => telemetry.finishedSpans().filter((span) => span.kind === SpanKind.SERVER).length === 2, "both server spans");
    const servers = telemetry.finishedSpans().filter((span) => span.kind === SpanKind.SERVER);
    expect(servers.map(parentOf).sort()).to.deep.equal([idOf(first!), idOf(hedge!)].sort());
    const loser = servers.find((span) => parentOf(span) === idOf(hedge!))!;
    expect(loser.attributes["rpc.grpc.status_code"]).to.equal(Code.Cancelled);
    const loserEndedAtMs = loser.endTime[0] * 1e3 + loser.endTime[1] / 1e6;
    expect(loserEndedAtMs - committedAtMs, "the losing hedge's server span ends within ~100 ms of the commit").to.be.lessThan(250);
    const serverDuration = await byStatus(telemetry, "grpc.server.call.duration");
    expect(serverDuration.CANCELLED![0]).to.equal(1);
    expect(serverDuration.CANCELLED![1], "the loser's server duration is the call's, not its handler's").to.be.lessThan(1);
  });

  it("server pushback 'stop': one attempt, no retry, the attempt and the call UNAVAILABLE", async () => {
    scripted = await startScriptedServer(() => ({ status: Code.Unavailable, message: "overloaded", pushback: "-1" }));
    channel = new Channel(`127.0.0.1:${scripted.port}`, {
      interceptors: [createClientInterceptor(settings())],
      serviceConfig: retryConfig(),
    });
    // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
    const error = await (createClient(Echo, channel) as any).echo({ text: "stop" }).catch((failure: GrpcError) => failure);
    expect(error.code).to.equal(Code.Unavailable);
    expect(scripted.attempts).to.have.length(1);
    await until(() => telemetry.finishedSpans().length === 2, "the call and attempt spans");
    expect(await attemptsStarted(telemetry)).to.equal(1);
    expect(await byStatus(telemetry, "grpc.client.attempt.sent_total_compressed_message_size")).to.deep.equal({
      UNAVAILABLE: [1, bytesOf({ text: "stop" })],
    });
    expect(Object.keys(await byStatus(telemetry, "grpc.client.call.duration"))).to.deep.equal(["UNAVAILABLE"]);
    const attempt = telemetry.span(ATTEMPT);
    expect(attempt.attributes).to.include({
      "previous-rpc-attempts": 0,
      "transparent-retry": false,
      "rpc.grpc.status_code": Code.Unavailable,
    });
    // The traceparent the server got is the attempt span's.
    expect(String(scripted.attempts[0]!.headers.traceparent)).to.include(idOf(attempt));
  });

  it("a pushback delay: two attempts, the second sent after the delay, each carrying its own traceparent", async () => {
    scripted = await startScriptedServer((index) => (index === 0 ? { status: Code.Unavailable, pushback: "100" } : {}));
    channel = new Channel(`127.0.0.1:${scripted.port}`, {
      interceptors: [createClientInterceptor(settings())],
      serviceConfig: retryConfig(),
    });
    // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
    expect(await (createClient(Echo, channel) as any).echo({ text: "later" })).to.deep.equal({ text: "later" });
    await until(() => telemetry.finishedSpans().length === 3, "the call span and two attempt spans");
    const attempts = telemetry.finishedSpans().filter((span) => span.name === ATTEMPT);
    expect(attempts.map((span) => span.attributes["previous-rpc-attempts"])).to.deep.equal([0, 1]);
    expect(scripted.attempts.map((seen) => String(seen.headers.traceparent).split("-")[2])).to.deep.equal(attempts.map(idOf));
    expect(scripted.attempts[1]!.headers["grpc-previous-rpc-attempts"]).to.equal("1");
    expect(await byStatus(telemetry, "grpc.client.attempt.duration")).to.have.keys("UNAVAILABLE", "OK");
  });

  for (const withPolicy of [false, true])
    it(`a transparent retry (REFUSED_STREAM, ${withPolicy ? "with" : "without"} a retry policy): a second attempt span, transparent-retry true`, async () => {
      const seen: http2.IncomingHttpHeaders[] = [];
      raw = http2.createServer();
      raw.on("stream", (stream, headers) => {
        seen.push(headers);
        stream.on("error", () => undefined);
        if (seen.length === 1) {
          stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
          return;
        }
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const request = JSON.parse(unframe(Buffer.concat(chunks))[0]!.payload.toString());
          stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
          stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
          stream.end(frame(request));
        });
      });
      await new Promise<void>((resolve) => raw!.listen(0, "127.0.0.1", resolve));
      const port = (raw.address() as { port: number }).port;
      channel = new Channel(`127.0.0.1:${port}`, {
        interceptors: [createClientInterceptor(settings())],
        ...(withPolicy ? { serviceConfig: retryConfig() } : {}),
      });
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      expect(await (createClient(Echo, channel) as any).echo({ text: "refused" })).to.deep.equal({ text: "refused" });
      await until(() => telemetry.finishedSpans().length === 3, "the call span and two attempt spans");
      const call = telemetry.span(CALL);
      const attempts = telemetry.finishedSpans().filter((span) => span.name === ATTEMPT);
      expect(attempts.map((span) => [span.attributes["previous-rpc-attempts"], span.attributes["transparent-retry"]])).to.deep.equal([
        [0, false],
        [0, true],
      ]);
      expect(attempts.map((span) => span.attributes["rpc.grpc.status_code"])).to.deep.equal([Code.Unavailable, Code.Ok]);
      for (const attempt of attempts) expect(parentOf(attempt)).to.equal(idOf(call));
      expect(seen.map((headers) => String(headers.traceparent).split("-")[2])).to.deep.equal(attempts.map(idOf));
      expect(await attemptsStarted(telemetry)).to.equal(2);
      expect(await byStatus(telemetry, "grpc.client.attempt.rcvd_total_compressed_message_size")).to.deep.equal({
        UNAVAILABLE: [1, 0],
        OK: [1, bytesOf({ text: "refused" })],
      });
      expect(Object.keys(await byStatus(telemetry, "grpc.client.call.duration"))).to.deep.equal(["OK"]);
    });

  it("streaming calls with a retry policy: each attempt hears the requests replayed to it", async () => {
    let calls = 0;
    server = new Server({ interceptors: [createServerInterceptor(settings())], logger: null });
    server.add(Echo, {
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async *chat(requests: AsyncIterable<any>) {
        const first = calls++ === 0;
        for await (const request of requests) {
          if (first) throw new GrpcError(Code.Unavailable, "server: first attempt fails");
          yield { text: request.text };
        }
      },
    } as never);
    const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    channel = new Channel(`127.0.0.1:${port}`, { interceptors: [createClientInterceptor(settings())], serviceConfig: retryConfig() });
    const received: unknown[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
    for await (const response of (createClient(Echo, channel) as any).chat([{ text: "a" }, { text: "b" }])) received.push(response);
    expect(received).to.deep.equal([{ text: "a" }, { text: "b" }]);
    await until(async () => Object.keys(await byStatus(telemetry, "grpc.client.attempt.duration")).length === 2, "both attempts");
    const sent = await byStatus(telemetry, "grpc.client.attempt.sent_total_compressed_message_size");
    expect(sent.OK).to.deep.equal([1, bytesOf({ text: "a" }) + bytesOf({ text: "b" })]);
    expect(sent.UNAVAILABLE![0]).to.equal(1);
    expect(await byStatus(telemetry, "grpc.client.attempt.rcvd_total_compressed_message_size")).to.deep.include({
      OK: [1, bytesOf({ text: "a" }) + bytesOf({ text: "b" })],
    });
  });
});

describe("the attempt hook (ClientCallObserver.onAttemptStart)", function () {
  this.timeout(30_000);
  let scripted: ScriptedServer | undefined;
  let channel: Channel | undefined;

  afterEach(async () => {
    channel?.close();
    await scripted?.close();
  });

  it("reports each attempt's start, messages, metadata and end; the call-level methods hear the application's view once", async () => {
    scripted = await startScriptedServer((index) => (index < 2 ? { status: Code.Unavailable } : {}));
    channel = new Channel(`127.0.0.1:${scripted.port}`, { serviceConfig: retryConfig() });
    const log: string[] = [];
    let number = 0;
    const observer = {
      onMessageSent: (bytes: number) => log.push(`call sent ${bytes}`),
      onMessageReceived: (bytes: number) => log.push(`call received ${bytes}`),
      onAttemptStart(start: AttemptStart): AttemptObserver {
        const id = ++number;
        log.push(`attempt ${id} start previous=${start.previousAttempts} transparent=${start.transparent}`);
        return {
          metadata: new Metadata().set("x-attempt", String(id)),
          onMessageSent: (bytes) => log.push(`attempt ${id} sent ${bytes}`),
          onMessageReceived: (bytes) => log.push(`attempt ${id} received ${bytes}`),
          onAttemptEnd: (error) => log.push(`attempt ${id} end ${error === undefined ? 0 : error.code}`),
        };
      },
    };
    // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
    await (createClient(Echo, channel) as any).echo({ n: 1 }, { observer });
    const size = bytesOf({ n: 1 });
    expect(log).to.deep.equal([
      `call sent ${size}`,
      "attempt 1 start previous=0 transparent=false",
      `attempt 1 sent ${size}`,
      "attempt 1 end 14",
      "attempt 2 start previous=1 transparent=false",
      `attempt 2 sent ${size}`,
      "attempt 2 end 14",
      "attempt 3 start previous=2 transparent=false",
      `attempt 3 sent ${size}`,
      `call received ${size}`,
      `attempt 3 received ${size}`,
      "attempt 3 end 0",
    ]);
    // Each attempt's metadata went with its own request only.
    expect(scripted.attempts.map((seen) => seen.headers["x-attempt"])).to.deep.equal(["1", "2", "3"]);
  });
});

function portOf(channel: Channel): string {
  return channel.target.split(":").at(-1)!;
}
