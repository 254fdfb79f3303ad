// The OpenTelemetry interceptors end to end: our client and our server over loopback, the SDK's
// in-memory exporters watching. Spans, parent links across a chain of calls, the A66 metrics.
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { expect } from "chai";
import {
  Channel,
  Code,
  GrpcError,
  Metadata,
  Server,
  createClient,
  gzip,
  type Client,
  type ClientCall,
  type Interceptor,
  type ServerContext,
} from "../../src/index.js";
import {
  LATENCY_BUCKETS_S,
  SIZE_BUCKETS_BYTES,
  createClientInterceptor,
  createServerInterceptor,
  type OpenTelemetryOptions,
} from "../../src/otel/index.js";
import { Echo, Telemetry, counterPoints, histogramPoints, useGlobalContext } from "./fixtures.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bytesOf = (message: unknown) => new TextEncoder().encode(JSON.stringify(message)).length;

async function* fromArray<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

/** An attempt's span (gRFC A72), a child of its call's span; test/otel/attempts.test.ts looks at them. */
const isAttempt = (span: ReadableSpan) => span.name.startsWith("Attempt.");

/** The finished call spans (client) and server spans, attempt spans left out. */
const callSpans = (telemetry: Telemetry) => telemetry.finishedSpans().filter((span) => !isAttempt(span));

/** Waits until `count` call and server spans have ended: a server span ends when the status is written, a moment after the client has it. */
async function spansEnded(telemetry: Telemetry, count: number): Promise<ReadableSpan[]> {
  for (let waited = 0; callSpans(telemetry).length < count && waited < 10_000; waited += 5) await sleep(5);
  return callSpans(telemetry);
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** The client call span a server span answers: the server's parent is an attempt span, whose parent is the call span. */
function callSpanOf(telemetry: Telemetry, serverSpan: ReadableSpan): string | undefined {
  const attempt = telemetry.finishedSpans().find((span) => isAttempt(span) && span.spanContext().spanId === parentOf(serverSpan));
  expect(attempt, "the server span's parent is an attempt span").not.to.equal(undefined);
  return parentOf(attempt!);
}

describe("otel: interceptors end to end", () => {
  useGlobalContext();
  let telemetry: Telemetry;
  let backend: Server;
  let frontend: Server;
  let backendChannel: Channel;
  let channel: Channel;
  // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
  let client: Client<typeof Echo> & Record<string, any>;
  let port: number;

  async function start(options: OpenTelemetryOptions = {}, maxTimeoutMs?: number): Promise<void> {
    const settings = { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider, ...options };
    const handlers = (name: string, relayTo?: () => Client<typeof Echo>) => ({
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async echo(request: any) {
        if (request.sleepMs) await sleep(request.sleepMs);
        if (request.fail) throw request.fail === "plain" ? new Error("boom") : new GrpcError(request.fail, `${name} failed`);
        return { text: request.text, by: name };
      },
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async *list(request: any) {
        for (let i = 0; i < (request.count ?? 0); i++) yield { i };
        if (request.fail) throw new GrpcError(request.fail, "list failed");
      },
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async collect(requests: AsyncIterable<any>) {
        const texts: string[] = [];
        for await (const request of requests) {
          if (request.fail) throw new GrpcError(request.fail, "collect failed");
          texts.push(request.text);
        }
        return { text: texts.join(",") };
      },
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async *chat(requests: AsyncIterable<any>) {
        for await (const request of requests) {
          if (request.fail) throw new GrpcError(request.fail, "chat failed");
          yield { text: request.text };
        }
      },
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async relay(request: any, ctx: any) {
        const reply = await relayTo!().echo({ text: request.text }, { parent: ctx });
        return { text: reply.text, via: name };
      },
    });
    backend = new Server({ interceptors: [createServerInterceptor(settings)] });
    backend.add(Echo, handlers("backend"));
    const backendPort = (await backend.listen({ host: "127.0.0.1", port: 0 })).port!;
    backendChannel = new Channel(`127.0.0.1:${backendPort}`, { interceptors: [createClientInterceptor(settings)] });
    const backendClient = createClient(Echo, backendChannel);
    frontend = new Server({ interceptors: [createServerInterceptor(settings)], maxTimeoutMs });
    frontend.add(
      Echo,
      handlers("frontend", () => backendClient),
    );
    port = (await frontend.listen({ host: "127.0.0.1", port: 0 })).port!;
    channel = new Channel(`127.0.0.1:${port}`, { interceptors: [createClientInterceptor(settings)] });
    client = createClient(Echo, channel);
  }

  beforeEach(() => {
    telemetry = new Telemetry();
  });

  afterEach(async () => {
    channel?.close();
    backendChannel?.close();
    await Promise.all([frontend?.forceShutdown(), backend?.forceShutdown()]);
    await telemetry.shutdown();
  });

  describe("spans", () => {
    beforeEach(function () {
      // The deadline test gives the server a deadline of its own, so that the client's does not race it.
      return start({}, this.currentTest?.title.includes("deadline") ? 50 : undefined);
    });

    it("a unary call: a CLIENT span and its SERVER child, with the RPC attributes", async () => {
      expect(await client.echo({ text: "hi" })).to.deep.equal({ text: "hi", by: "frontend" });
      const spans = await spansEnded(telemetry, 2);
      const clientSpan = spans.find((span) => span.kind === SpanKind.CLIENT)!;
      const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER)!;
      expect(clientSpan.name).to.equal("otel.test.Echo/Echo");
      expect(serverSpan.name).to.equal("otel.test.Echo/Echo");
      expect(clientSpan.attributes).to.include({
        "rpc.system": "grpc",
        "rpc.service": "otel.test.Echo",
        "rpc.method": "Echo",
        "rpc.grpc.status_code": 0,
        "server.address": "127.0.0.1",
        "server.port": port,
      });
      expect(serverSpan.attributes).to.include({
        "rpc.system": "grpc",
        "rpc.service": "otel.test.Echo",
        "rpc.method": "Echo",
        "rpc.grpc.status_code": 0,
        "network.peer.address": "127.0.0.1",
      });
      expect(serverSpan.attributes["network.peer.port"]).to.be.a("number");
      expect(serverSpan.spanContext().traceId).to.equal(clientSpan.spanContext().traceId);
      expect(callSpanOf(telemetry, serverSpan)).to.equal(clientSpan.spanContext().spanId);
      expect(clientSpan.status.code).to.equal(SpanStatusCode.UNSET);
      expect(serverSpan.status.code).to.equal(SpanStatusCode.UNSET);
      expect(serverSpan.instrumentationScope.name).to.equal("tsgrpc");
    });

    it("a call made inside another span is its child", async () => {
      const tracer = telemetry.tracerProvider.getTracer("test");
      const outer = tracer.startSpan("outer");
      await context.with(trace.setSpan(context.active(), outer), () => client.echo({ text: "x" }));
      outer.end();
      const spans = await spansEnded(telemetry, 3);
      const clientSpan = spans.find((span) => span.kind === SpanKind.CLIENT)!;
      expect(clientSpan.spanContext().traceId).to.equal(outer.spanContext().traceId);
      expect(parentOf(clientSpan)).to.equal(outer.spanContext().spanId);
    });

    it("a unary failure: ERROR on the client for any code; on the server only for the server's own failures", async () => {
      await client.echo({ fail: Code.NotFound }).then(
        () => expect.fail("resolved"),
        (error: GrpcError) => expect(error.code).to.equal(Code.NotFound),
      );
      await client.echo({ fail: "plain" }).catch(() => undefined);
      const spans = await spansEnded(telemetry, 4);
      const [notFoundClient, unknownClient] = spans.filter((span) => span.kind === SpanKind.CLIENT);
      const [notFoundServer, unknownServer] = spans.filter((span) => span.kind === SpanKind.SERVER);
      expect(notFoundClient!.attributes["rpc.grpc.status_code"]).to.equal(Code.NotFound);
      expect(notFoundClient!.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: "NOT_FOUND: frontend failed" });
      expect(notFoundServer!.attributes["rpc.grpc.status_code"]).to.equal(Code.NotFound);
      expect(notFoundServer!.status.code).to.equal(SpanStatusCode.UNSET);
      expect(unknownClient!.attributes["rpc.grpc.status_code"]).to.equal(Code.Unknown);
      expect(unknownClient!.status.code).to.equal(SpanStatusCode.ERROR);
      expect(unknownServer!.attributes["rpc.grpc.status_code"]).to.equal(Code.Unknown);
      expect(unknownServer!.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: "UNKNOWN: server: the handler failed" });
    });

    it("server streaming: OK, a failure after messages, and a client that stops reading (CANCELLED)", async () => {
      const received: unknown[] = [];
      for await (const response of client.list({ count: 3 })) received.push(response);
      expect(received).to.have.length(3);
      await (async () => {
        for await (const _ of client.list({ count: 2, fail: Code.Internal }));
      })().catch((error: GrpcError) => expect(error.code).to.equal(Code.Internal));
      for await (const _ of client.list({ count: 100 })) break;
      const spans = await spansEnded(telemetry, 6);
      const clients = spans.filter((span) => span.kind === SpanKind.CLIENT).map((span) => span.attributes["rpc.grpc.status_code"]);
      const servers = spans.filter((span) => span.kind === SpanKind.SERVER).map((span) => span.attributes["rpc.grpc.status_code"]);
      expect(clients).to.deep.equal([Code.Ok, Code.Internal, Code.Cancelled]);
      expect(servers.slice(0, 2)).to.deep.equal([Code.Ok, Code.Internal]);
      // The server sees the reset (CANCELLED), or had already written its last message and status.
      expect([Code.Ok, Code.Cancelled]).to.include(servers[2]);
      for (const span of spans) expect(span.name).to.equal("otel.test.Echo/List");
    });

    it("client streaming: OK and a failure", async () => {
      expect(await client.collect(fromArray([{ text: "a" }, { text: "b" }]))).to.deep.equal({ text: "a,b" });
      await client.collect(fromArray([{ text: "a" }, { fail: Code.Unavailable }])).catch(() => undefined);
      const spans = await spansEnded(telemetry, 4);
      const byKind = (kind: SpanKind) =>
        spans.filter((span) => span.kind === kind).map((span) => [span.name, span.attributes["rpc.grpc.status_code"]]);
      expect(byKind(SpanKind.CLIENT)).to.deep.equal([
        ["otel.test.Echo/Collect", Code.Ok],
        ["otel.test.Echo/Collect", Code.Unavailable],
      ]);
      expect(byKind(SpanKind.SERVER)).to.deep.equal([
        ["otel.test.Echo/Collect", Code.Ok],
        ["otel.test.Echo/Collect", Code.Unavailable],
      ]);
      const failedServer = spans.filter((span) => span.kind === SpanKind.SERVER)[1]!;
      expect(failedServer.status.code).to.equal(SpanStatusCode.ERROR);
    });

    it("bidi: OK and a failure", async () => {
      const texts: string[] = [];
      for await (const response of client.chat(fromArray([{ text: "a" }, { text: "b" }]))) texts.push(response.text);
      expect(texts).to.deep.equal(["a", "b"]);
      await (async () => {
        for await (const _ of client.chat(fromArray([{ text: "a" }, { fail: Code.PermissionDenied }])));
      })().catch((error: GrpcError) => expect(error.code).to.equal(Code.PermissionDenied));
      const spans = await spansEnded(telemetry, 4);
      const codes = spans.map((span) => [span.kind, span.attributes["rpc.grpc.status_code"]]);
      expect(codes).to.deep.include.members([
        [SpanKind.CLIENT, Code.Ok],
        [SpanKind.SERVER, Code.Ok],
        [SpanKind.CLIENT, Code.PermissionDenied],
        [SpanKind.SERVER, Code.PermissionDenied],
      ]);
    });

    it("client -> server -> child call -> second server is one trace with the right parent links", async () => {
      expect(await client.relay({ text: "chain" })).to.deep.equal({ text: "chain", via: "frontend" });
      const spans = await spansEnded(telemetry, 4);
      expect(spans).to.have.length(4);
      expect(telemetry.finishedSpans().filter(isAttempt)).to.have.length(2);
      const clientRelay = spans.find((span) => span.kind === SpanKind.CLIENT && span.name === "otel.test.Echo/Relay")!;
      const serverRelay = spans.find((span) => span.kind === SpanKind.SERVER && span.name === "otel.test.Echo/Relay")!;
      const clientEcho = spans.find((span) => span.kind === SpanKind.CLIENT && span.name === "otel.test.Echo/Echo")!;
      const serverEcho = spans.find((span) => span.kind === SpanKind.SERVER && span.name === "otel.test.Echo/Echo")!;
      const traceIds = new Set(telemetry.finishedSpans().map((span) => span.spanContext().traceId));
      expect(traceIds.size).to.equal(1);
      expect(parentOf(clientRelay)).to.equal(undefined);
      expect(callSpanOf(telemetry, serverRelay)).to.equal(clientRelay.spanContext().spanId);
      expect(parentOf(clientEcho)).to.equal(serverRelay.spanContext().spanId);
      expect(callSpanOf(telemetry, serverEcho)).to.equal(clientEcho.spanContext().spanId);
      expect(serverEcho.attributes["rpc.grpc.status_code"]).to.equal(Code.Ok);
    });

    it("the server's deadline ends its span DEADLINE_EXCEEDED (an error) while the handler still runs", async () => {
      await client.echo({ sleepMs: 300 }).catch((error: GrpcError) => expect(error.code).to.equal(Code.DeadlineExceeded));
      const spans = await spansEnded(telemetry, 2);
      const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER)!;
      expect(serverSpan.attributes["rpc.grpc.status_code"]).to.equal(Code.DeadlineExceeded);
      expect(serverSpan.status.code).to.equal(SpanStatusCode.ERROR);
      const clientSpan = spans.find((span) => span.kind === SpanKind.CLIENT)!;
      expect(clientSpan.attributes["rpc.grpc.status_code"]).to.equal(Code.DeadlineExceeded);
    });

    it("keeps the caller's metadata and adds traceparent to it without changing the caller's object", async () => {
      const metadata = new Metadata().set("x-user", "ada");
      let seen: string | undefined;
      let user: unknown;
      const probe = new Server({ interceptors: [createServerInterceptor({ tracerProvider: telemetry.tracerProvider })] });
      probe.add(Echo, {
        async echo(_request: unknown, ctx: ServerContext) {
          seen = ctx.metadata.get("traceparent") as string;
          user = ctx.metadata.get("x-user");
          return {};
        },
      } as never);
      const probePort = (await probe.listen({ host: "127.0.0.1", port: 0 })).port!;
      const probeChannel = new Channel(`127.0.0.1:${probePort}`, {
        interceptors: [createClientInterceptor({ tracerProvider: telemetry.tracerProvider })],
      });
      try {
        await createClient(Echo, probeChannel).echo({}, { metadata });
      } finally {
        probeChannel.close();
        await probe.forceShutdown();
      }
      expect(seen).to.match(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(user).to.equal("ada");
      expect(metadata.has("traceparent")).to.equal(false);
    });
  });

  describe("metrics (gRFC A66)", () => {
    it("records every instrument with its unit, buckets, attributes and counts", async () => {
      await start();
      const request = { text: "measure me" };
      await client.echo(request);
      await client.echo(request);
      await client.echo({ fail: Code.NotFound }).catch(() => undefined);
      await spansEnded(telemetry, 6);
      const metrics = await telemetry.metrics();
      const method = "otel.test.Echo/Echo";
      const target = `dns:///127.0.0.1:${port}`;
      const ok = { "grpc.method": method, "grpc.target": target, "grpc.status": "OK" };
      const notFound = { ...ok, "grpc.status": "NOT_FOUND" };

      expect(counterPoints(metrics.get("grpc.client.attempt.started"))).to.deep.equal([
        { attributes: { "grpc.method": method, "grpc.target": target }, value: 3 },
      ]);
      expect(counterPoints(metrics.get("grpc.server.call.started"))).to.deep.equal([{ attributes: { "grpc.method": method }, value: 3 }]);
      for (const name of ["grpc.client.attempt.duration", "grpc.client.call.duration"]) {
        const points = histogramPoints(metrics.get(name));
        expect(
          points.map((point) => [point.attributes, point.count]),
          name,
        ).to.deep.equal([
          [ok, 2],
          [notFound, 1],
        ]);
        expect(points[0]!.boundaries, name).to.deep.equal(LATENCY_BUCKETS_S);
        expect(points[0]!.sum, name).to.be.greaterThan(0).and.lessThan(60);
        expect(metrics.get(name)!.descriptor.unit).to.equal("s");
      }
      const serverDuration = histogramPoints(metrics.get("grpc.server.call.duration"));
      expect(serverDuration.map((point) => [point.attributes, point.count])).to.deep.equal([
        [{ "grpc.method": method, "grpc.status": "OK" }, 2],
        [{ "grpc.method": method, "grpc.status": "NOT_FOUND" }, 1],
      ]);
      const responseBytes = bytesOf({ text: "measure me", by: "frontend" });
      const sizes: [string, object, number][] = [
        ["grpc.client.attempt.sent_total_compressed_message_size", ok, 2 * bytesOf(request)],
        ["grpc.client.attempt.rcvd_total_compressed_message_size", ok, 2 * responseBytes],
        ["grpc.server.call.rcvd_total_compressed_message_size", { "grpc.method": method, "grpc.status": "OK" }, 2 * bytesOf(request)],
        ["grpc.server.call.sent_total_compressed_message_size", { "grpc.method": method, "grpc.status": "OK" }, 2 * responseBytes],
      ];
      for (const [name, attributes, sum] of sizes) {
        const point = histogramPoints(metrics.get(name)).find((candidate) => candidate.attributes["grpc.status"] === "OK")!;
        expect(point.attributes, name).to.deep.equal(attributes);
        expect([point.count, point.sum], name).to.deep.equal([2, sum]);
        expect(point.boundaries, name).to.deep.equal(SIZE_BUCKETS_BYTES);
        expect(metrics.get(name)!.descriptor.unit).to.equal("By");
      }
      expect(metrics.get("grpc.client.attempt.started")!.descriptor.unit).to.equal("{attempt}");
      expect(metrics.get("grpc.server.call.started")!.descriptor.unit).to.equal("{call}");
    });

    it("counts the messages of streaming calls, compressed sizes when compressed", async () => {
      await start();
      const requests = [{ text: "a".repeat(2000) }, { text: "b".repeat(2000) }, { text: "c" }];
      const texts: string[] = [];
      for await (const response of client.chat(fromArray(requests), { compression: gzip })) texts.push(response.text);
      expect(texts).to.have.length(3);
      await spansEnded(telemetry, 2);
      const metrics = await telemetry.metrics();
      const sent = histogramPoints(metrics.get("grpc.client.attempt.sent_total_compressed_message_size"))[0]!;
      const received = histogramPoints(metrics.get("grpc.server.call.rcvd_total_compressed_message_size"))[0]!;
      const uncompressed = requests.map(bytesOf).reduce((a, b) => a + b);
      expect(sent.count).to.equal(1);
      expect(sent.sum)
        .to.be.greaterThan(0)
        .and.lessThan(uncompressed / 4);
      expect(received.sum).to.equal(sent.sum);
      const serverSent = histogramPoints(metrics.get("grpc.server.call.sent_total_compressed_message_size"))[0]!;
      expect(serverSent.sum).to.equal(texts.map((text) => bytesOf({ text })).reduce((a, b) => a + b));
    });

    it("a filter turns method and target into 'other'", async () => {
      await start({ methodAttributeFilter: (method) => method.endsWith("/List"), targetAttributeFilter: () => false });
      await client.echo({});
      await spansEnded(telemetry, 2);
      const metrics = await telemetry.metrics();
      expect(counterPoints(metrics.get("grpc.client.attempt.started"))[0]!.attributes).to.deep.equal({
        "grpc.method": "other",
        "grpc.target": "other",
      });
      expect(counterPoints(metrics.get("grpc.server.call.started"))[0]!.attributes).to.deep.equal({ "grpc.method": "other" });
      // Spans keep the real names.
      expect(callSpans(telemetry).map((span) => span.name)).to.deep.equal(["otel.test.Echo/Echo", "otel.test.Echo/Echo"]);
    });

    it("without a meterProvider nothing is measured; with traces: false nothing is traced", async () => {
      await start({ meterProvider: undefined, traces: false });
      await client.echo({});
      await sleep(50);
      expect(telemetry.finishedSpans()).to.deep.equal([]);
      expect((await telemetry.metrics()).size).to.equal(0);
    });

    it("traces: false still records the metrics", async () => {
      await start({ traces: false });
      await client.echo({});
      for (let waited = 0; waited < 5000; waited += 10) {
        if ((await telemetry.metrics()).has("grpc.server.call.duration")) break;
        await sleep(10);
      }
      expect(telemetry.finishedSpans()).to.deep.equal([]);
      const metrics = await telemetry.metrics();
      expect(counterPoints(metrics.get("grpc.client.attempt.started"))[0]!.value).to.equal(1);
      expect(histogramPoints(metrics.get("grpc.server.call.duration"))[0]!.count).to.equal(1);
    });
  });

  describe("message events (opt-in)", () => {
    it("adds one 'message' event per message, numbered per direction", async () => {
      await start({ messageEvents: true });
      for await (const _ of client.list({ count: 2 }));
      await spansEnded(telemetry, 2);
      // gRFC A72: the messages are events of the attempt span, which is the one that sent them.
      const clientSpan = telemetry.finishedSpans().find(isAttempt)!;
      const serverSpan = telemetry.finishedSpans().find((span) => span.kind === SpanKind.SERVER)!;
      const eventsOf = (span: ReadableSpan) =>
        span.events.map((event) => [event.name, event.attributes?.["rpc.message.type"], event.attributes?.["rpc.message.id"]]);
      expect(eventsOf(clientSpan)).to.deep.equal([
        ["message", "SENT", 1],
        ["message", "RECEIVED", 1],
        ["message", "RECEIVED", 2],
      ]);
      expect(eventsOf(serverSpan)).to.deep.equal([
        ["message", "RECEIVED", 1],
        ["message", "SENT", 1],
        ["message", "SENT", 2],
      ]);
      expect(clientSpan.events[0]!.attributes?.["rpc.message.uncompressed_size"]).to.equal(bytesOf({ count: 2 }));
    });

    it("adds none by default", async () => {
      await start();
      await client.echo({});
      await spansEnded(telemetry, 2);
      for (const span of telemetry.finishedSpans()) expect(span.events).to.deep.equal([]);
    });
  });

  describe("several plugins on one call (gRFC A66)", () => {
    it("two interceptors with their own providers both trace and measure, and the caller's observer still hears", async () => {
      const second = new Telemetry();
      const first = { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider, messageEvents: true };
      const other = { tracerProvider: second.tracerProvider, meterProvider: second.meterProvider };
      backend = new Server({ interceptors: [createServerInterceptor(first), createServerInterceptor(other)] });
      backend.add(Echo, { echo: async () => ({ ok: true }) } as never);
      const backendPort = (await backend.listen({ host: "127.0.0.1", port: 0 })).port!;
      channel = new Channel(`127.0.0.1:${backendPort}`, { interceptors: [createClientInterceptor(first), createClientInterceptor(other)] });
      const heard: number[] = [];
      const observer = { onMessageSent: (bytes: number) => heard.push(bytes), onMessageReceived: (bytes: number) => heard.push(-bytes) };
      try {
        await createClient(Echo, channel).echo({ a: 1 }, { observer, compression: gzip });
        expect(heard).to.have.length(2);
        for (const pipeline of [telemetry, second]) {
          await spansEnded(pipeline, 2);
          const metrics = await pipeline.metrics();
          for (const name of [
            "grpc.client.attempt.sent_total_compressed_message_size",
            "grpc.server.call.rcvd_total_compressed_message_size",
          ])
            expect(histogramPoints(metrics.get(name))[0]!.sum, name).to.equal(heard[0]);
        }
        // The inner plugin's call span is a child of the outer one's call span (the context the
        // inner interceptor runs in); each plugin's attempt span is a child of its own call span.
        const [outerClient, innerClient] = [telemetry, second].map(
          (pipeline) => callSpans(pipeline).find((span) => span.kind === SpanKind.CLIENT)!,
        );
        const [outerAttempt, innerAttempt] = [telemetry, second].map((pipeline) => pipeline.finishedSpans().find(isAttempt)!);
        expect(parentOf(innerClient!)).to.equal(outerClient!.spanContext().spanId);
        expect(parentOf(outerAttempt!)).to.equal(outerClient!.spanContext().spanId);
        expect(parentOf(innerAttempt!)).to.equal(innerClient!.spanContext().spanId);
        const compressedEvent = outerAttempt!.events.find((event) => event.attributes?.["rpc.message.type"] === "SENT")!;
        expect(compressedEvent.attributes?.["rpc.message.compressed_size"]).to.equal(heard[0]);
      } finally {
        await second.shutdown();
      }
    });

    it("a call rebuilt without its channel by an earlier interceptor is still recorded, its target as 'other'", async () => {
      const settings = { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider };
      backend = new Server();
      backend.add(Echo, { echo: async () => ({}) } as never);
      const backendPort = (await backend.listen({ host: "127.0.0.1", port: 0 })).port!;
      const dropChannel: Interceptor = (call, next) =>
        next({ method: call.method, options: call.options, request: call.request } as ClientCall);
      channel = new Channel(`127.0.0.1:${backendPort}`, { interceptors: [dropChannel, createClientInterceptor(settings)] });
      await createClient(Echo, channel).echo({});
      const metrics = await telemetry.metrics();
      expect(counterPoints(metrics.get("grpc.client.attempt.started"))[0]!.attributes["grpc.target"]).to.equal("other");
      expect(callSpans(telemetry)[0]!.attributes["server.address"]).to.equal(undefined);
    });
  });

  describe("defaults", () => {
    it("uses the global tracer provider when none is given", async () => {
      trace.setGlobalTracerProvider(telemetry.tracerProvider);
      try {
        backend = new Server({ interceptors: [createServerInterceptor()] });
        backend.add(Echo, { echo: async () => ({}) } as never);
        const backendPort = (await backend.listen({ host: "127.0.0.1", port: 0 })).port!;
        channel = new Channel(`127.0.0.1:${backendPort}`, { interceptors: [createClientInterceptor()] });
        await createClient(Echo, channel).echo({});
        const spans = await spansEnded(telemetry, 2);
        expect(spans.map((span) => span.kind).sort()).to.deep.equal([SpanKind.SERVER, SpanKind.CLIENT].sort());
        expect(callSpanOf(telemetry, spans.find((span) => span.kind === SpanKind.SERVER)!)).to.equal(
          spans.find((span) => span.kind === SpanKind.CLIENT)!.spanContext().spanId,
        );
      } finally {
        trace.disable();
      }
    });
  });
});
