// A call the client cancels while its handler still runs (and ignores its signal): the server's
// span, its gRFC A66 metrics, its observer, its trace and its logger all see the call end at the
// client's RST_STREAM, CANCELLED, once; what the handler returns or throws later is dropped.
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { expect } from "chai";
import {
  Channel,
  Code,
  GrpcError,
  Server,
  createClient,
  type Logger,
  type ServerCallObserver,
  type ServerInterceptor,
  type TraceEvent,
} from "../../src/index.js";
import { createServerInterceptor } from "../../src/otel/index.js";
import { Echo, Telemetry, histogramPoints, useGlobalContext } from "./fixtures.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a handler keeps going after the client cancelled: far longer than the end may take. */
const HANDLER_MS = 1_500;

/** Waits until `done()` holds, polling. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A promise with its resolve function. */
function signalled(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** What a handler does once it has its request: how it ends after sleeping HANDLER_MS, ignoring its signal. */
type Ending = "return" | "throw" | "grpc-error" | "abort-error";

/** A logger that keeps every line by level. */
function recordingLogger(): Logger & { lines: Record<"error" | "warn" | "info" | "debug", unknown[][]> } {
  const lines = { error: [] as unknown[][], warn: [] as unknown[][], info: [] as unknown[][], debug: [] as unknown[][] };
  return {
    lines,
    error: (...args) => void lines.error.push(args),
    warn: (...args) => void lines.warn.push(args),
    info: (...args) => void lines.info.push(args),
    debug: (...args) => void lines.debug.push(args),
  };
}

describe("otel: a call the client cancels while its handler ignores the signal", function () {
  this.timeout(20_000);
  useGlobalContext();
  let telemetry: Telemetry;
  let server: Server | undefined;
  let channel: Channel | undefined;
  let logger: ReturnType<typeof recordingLogger>;
  let events: TraceEvent[];
  /** Resolves once the handler got its first request message. */
  let started: ReturnType<typeof signalled>;
  /** Resolves once the handler returned or threw. */
  let handlerDone: ReturnType<typeof signalled>;
  let handlerDoneAt: number;

  beforeEach(() => {
    telemetry = new Telemetry();
    logger = recordingLogger();
    events = [];
    started = signalled();
    handlerDone = signalled();
    handlerDoneAt = Number.POSITIVE_INFINITY;
  });

  afterEach(async () => {
    channel?.close();
    await server?.forceShutdown();
    server = channel = undefined;
    await telemetry.shutdown();
  });

  /** Sleeps HANDLER_MS whatever happens to the call, then ends as `ending` says. */
  async function slowly(ending: Ending): Promise<{ text: string }> {
    started.resolve();
    try {
      await sleep(HANDLER_MS);
      if (ending === "throw") throw new Error("a handler bug, after the client left");
      if (ending === "grpc-error") throw new GrpcError(Code.Internal, "server: failed on purpose");
      if (ending === "abort-error") throw new DOMException("The operation was aborted", "AbortError");
      return { text: "too late" };
    } finally {
      handlerDoneAt = performance.now();
      handlerDone.resolve();
    }
  }

  async function start(interceptors: ServerInterceptor[]): Promise<ReturnType<typeof createClient<typeof Echo>>> {
    server = new Server({ interceptors, logger, trace: (event) => void events.push(event) });
    server.add(Echo, {
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      echo: (request: any) => slowly(request.ending),
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async *chat(requests: AsyncIterable<any>) {
        for await (const request of requests) {
          yield { text: "first" };
          await slowly(request.ending);
          yield { text: "never read" };
        }
      },
    } as never);
    const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    channel = new Channel(`127.0.0.1:${port}`);
    return createClient(Echo, channel);
  }

  const otel = () => createServerInterceptor({ tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider });
  const serverSpans = () => telemetry.finishedSpans().filter((span) => span.kind === SpanKind.SERVER);

  /** A unary call cancelled once the handler runs; resolves at the cancel, with its time. */
  async function cancelUnary(client: ReturnType<typeof createClient<typeof Echo>>, ending: Ending): Promise<number> {
    const controller = new AbortController();
    // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
    const call = (client as any).echo({ ending }, { signal: controller.signal }).catch((error: GrpcError) => error);
    await started.promise;
    const cancelledAt = performance.now();
    controller.abort();
    expect((await call).code).to.equal(Code.Cancelled);
    return cancelledAt;
  }

  /** The server span and the duration metric, checked: one each, CANCELLED, ended before the handler. */
  async function expectEndedAtReset(cancelledAt: number): Promise<ReadableSpan> {
    await until(() => serverSpans().length === 1, "the server span");
    const [span] = serverSpans();
    const endedAt = span!.endTime[0] * 1e3 + span!.endTime[1] / 1e6;
    const startedAt = span!.startTime[0] * 1e3 + span!.startTime[1] / 1e6;
    expect(handlerDoneAt, "the span ended while the handler still ran").to.equal(Number.POSITIVE_INFINITY);
    expect(span!.attributes["rpc.grpc.status_code"]).to.equal(Code.Cancelled);
    // CANCELLED is the client's doing: not an error of the server's (OTel RPC conventions).
    expect(span!.status.code).to.equal(SpanStatusCode.UNSET);
    // Far less than the handler's HANDLER_MS: the span lasted about as long as the call did.
    expect(endedAt - startedAt).to.be.lessThan(HANDLER_MS / 2);
    expect(performance.now() - cancelledAt).to.be.lessThan(HANDLER_MS);
    const points = histogramPoints((await telemetry.metrics()).get("grpc.server.call.duration"));
    expect(points.map((point) => [point.attributes["grpc.status"], point.count])).to.deep.equal([["CANCELLED", 1]]);
    expect(points[0]!.sum).to.be.lessThan(HANDLER_MS / 2 / 1000);
    return span!;
  }

  /** After the handler is done: still one span, one measurement, one trace end. */
  async function expectNothingMoreAfterTheHandler(): Promise<void> {
    await handlerDone.promise;
    await sleep(50);
    expect(serverSpans()).to.have.length(1);
    const points = histogramPoints((await telemetry.metrics()).get("grpc.server.call.duration"));
    expect(points.map((point) => [point.attributes["grpc.status"], point.count])).to.deep.equal([["CANCELLED", 1]]);
    expect(events.filter((event) => event.side === "server" && event.name === "end")).to.have.length(1);
  }

  it("unary: the span ends CANCELLED at the reset, measured once; the late response is dropped", async () => {
    const client = await start([otel()]);
    const cancelledAt = await cancelUnary(client, "return");
    await expectEndedAtReset(cancelledAt);
    await expectNothingMoreAfterTheHandler();
    expect(logger.lines.error).to.deep.equal([]);
    expect(logger.lines.debug).to.deep.equal([]);
  });

  it("bidi: the span ends CANCELLED at the reset, though the handler goes on writing", async () => {
    const client = await start([otel()]);
    const controller = new AbortController();
    // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
    const call = (client as any).chat([{ ending: "return" }], { signal: controller.signal });
    const reading = (async () => {
      for await (const _ of call) {
      }
    })().catch((error: GrpcError) => error);
    await started.promise;
    const cancelledAt = performance.now();
    controller.abort();
    expect(((await reading) as GrpcError).code).to.equal(Code.Cancelled);
    await expectEndedAtReset(cancelledAt);
    await expectNothingMoreAfterTheHandler();
    expect(logger.lines.error).to.deep.equal([]);
  });

  it("a handler that throws a plain error after the client cancelled: no error line, one debug line", async () => {
    const client = await start([otel()]);
    await expectEndedAtReset(await cancelUnary(client, "throw"));
    await expectNothingMoreAfterTheHandler();
    expect(logger.lines.error).to.deep.equal([]);
    expect(logger.lines.debug).to.have.length(1);
    expect(logger.lines.debug[0]![0]).to.equal(
      "tsgrpc server: /otel.test.Echo/Echo failed after the call had ended (CANCELLED); the client did not get this failure:",
    );
    expect((logger.lines.debug[0]![1] as Error).message).to.equal("a handler bug, after the client left");
  });

  it("a GrpcError or an AbortError thrown after the client cancelled is expected: nothing logged", async () => {
    let client = await start([otel()]);
    await expectEndedAtReset(await cancelUnary(client, "grpc-error"));
    await expectNothingMoreAfterTheHandler();
    channel!.close();
    await server!.forceShutdown();
    started = signalled();
    handlerDone = signalled();
    handlerDoneAt = Number.POSITIVE_INFINITY;
    client = await start([]);
    await cancelUnary(client, "abort-error");
    await handlerDone.promise;
    await sleep(50);
    expect(logger.lines.error).to.deep.equal([]);
    expect(logger.lines.debug).to.deep.equal([]);
  });

  it("without interceptors: the late plain error is a debug line too, never an error line", async () => {
    const client = await start([]);
    await cancelUnary(client, "throw");
    await handlerDone.promise;
    await sleep(50);
    expect(logger.lines.error).to.deep.equal([]);
    expect(logger.lines.debug.map((line) => line[0])).to.deep.equal([
      "tsgrpc server: /otel.test.Echo/Echo failed after the call had ended (CANCELLED); the client did not get this failure:",
    ]);
  });

  it("a plain error thrown after the server's deadline passed: a debug line naming DEADLINE_EXCEEDED", async () => {
    server = new Server({ maxTimeoutMs: 50, logger });
    server.add(Echo, { echo: () => slowly("throw") } as never);
    const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    channel = new Channel(`127.0.0.1:${port}`);
    // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
    const error = await (createClient(Echo, channel) as any).echo({}).catch((failure: GrpcError) => failure);
    expect(error.code).to.equal(Code.DeadlineExceeded);
    await handlerDone.promise;
    await sleep(50);
    expect(logger.lines.error).to.deep.equal([]);
    expect(logger.lines.debug.map((line) => line[0])).to.deep.equal([
      "tsgrpc server: /otel.test.Echo/Echo failed after the call had ended (DEADLINE_EXCEEDED); the client did not get this failure:",
    ]);
  });

  it("the trace's server end event comes at the reset: once, CANCELLED, after the rst-received", async () => {
    const client = await start([otel()]);
    await cancelUnary(client, "return");
    await until(() => events.some((event) => event.side === "server" && event.name === "end"), "the server's end event");
    expect(handlerDoneAt).to.equal(Number.POSITIVE_INFINITY);
    const names = events.filter((event) => event.side === "server").map((event) => event.name);
    expect(names.slice(-2)).to.deep.equal(["rst-received", "end"]);
    const end = events.find((event) => event.side === "server" && event.name === "end")!;
    expect(end.data).to.include({ code: Code.Cancelled, codeName: "CANCELLED" });
    await expectNothingMoreAfterTheHandler();
  });

  it("an interceptor's observer hears the end at the reset and its next() settles when the handler is done", async () => {
    const heard: [string, Code | undefined, boolean][] = [];
    let nextSettled = false;
    const observer: ServerCallObserver = {
      onMessageSent() {},
      onMessageReceived() {},
      onEnd: (error) => void heard.push(["end", error?.code, nextSettled]),
    };
    const client = await start([
      async (ctx, next) => {
        ctx.observer = observer;
        try {
          await next();
        } finally {
          nextSettled = true;
        }
      },
    ]);
    await cancelUnary(client, "return");
    await until(() => heard.length === 1, "the observer's end");
    expect(heard).to.deep.equal([["end", Code.Cancelled, false]]);
    expect(handlerDoneAt).to.equal(Number.POSITIVE_INFINITY);
    await handlerDone.promise;
    await until(() => nextSettled, "next() to settle");
    expect(heard).to.have.length(1);
  });

  it("a streaming handler cut off by the reset: next() rejects with the reset's CANCELLED, as before", async () => {
    let outcome: unknown = "pending";
    const client = await start([
      otel(),
      async (_ctx, next) => {
        try {
          await next();
          outcome = "ok";
        } catch (error) {
          outcome = error;
          throw error;
        }
      },
    ]);
    const controller = new AbortController();
    // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
    const call = (client as any).chat([{ ending: "return" }], { signal: controller.signal });
    const reading = (async () => {
      for await (const _ of call) {
      }
    })().catch(() => undefined);
    await started.promise;
    controller.abort();
    await reading;
    await handlerDone.promise;
    await until(() => outcome !== "pending", "next() to settle");
    expect((outcome as GrpcError).code).to.equal(Code.Cancelled);
    expect(serverSpans()).to.have.length(1);
    expect(logger.lines.error).to.deep.equal([]);
  });
});
