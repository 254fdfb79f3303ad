// The core of every call kind, run by the Server with and without interceptors (src/server/dispatch.ts):
// the same table serves both paths, so each kind is checked both ways, with sync and async handlers,
// for success, handler failures, request failures and compressed requests.
import { expect } from "chai";
import { Code, GrpcError, type ServerContext, type ServerInterceptor, type ServiceImplementation } from "../../src/index.js";
import { runCore } from "../../src/server/dispatch.js";
import type { ServerOptions } from "../../src/server/index.js";
import type { ServerCall } from "../../src/server/server-call.js";
import { type RawResult, type Started, frame, rawCall, startServer, statusOf, unframe } from "../e2e/server-fixtures.js";

interface Probe {
  n?: number;
  fail?: number;
  throwPlain?: boolean;
  wrongShape?: boolean;
}

/** Marks the response so the test sees the handler ran with its own context (not the call). */
function mark(ctx: ServerContext, request: Probe | undefined): void {
  expect(ctx).not.to.have.property("stream");
  ctx.headers.set("x-kind", ctx.method.kind);
  ctx.trailers.set("x-trailer", "t");
  if (request?.throwPlain) throw new TypeError("a detail that must not leak");
}

function failIfAsked(request: Probe): void {
  if (request.fail !== undefined) throw new GrpcError(request.fail, "asked to fail");
}

/** Handlers that settle asynchronously: promises and async generators. */
const asyncHandlers: ServiceImplementation = {
  async echo(request: Probe, ctx: ServerContext) {
    mark(ctx, request);
    await Promise.resolve();
    failIfAsked(request);
    return { sum: request.n };
  },
  list(request: Probe, ctx: ServerContext) {
    mark(ctx, request);
    if (request.wrongShape) return 42 as never;
    return (async function* () {
      for (let i = 0; i < (request.n ?? 0); i++) yield { i };
      failIfAsked(request);
    })();
  },
  async collect(requests: AsyncIterable<Probe>, ctx: ServerContext) {
    mark(ctx, undefined);
    let sum = 0;
    for await (const request of requests) {
      if (request.throwPlain) throw new TypeError("a detail that must not leak");
      failIfAsked(request);
      sum += request.n ?? 0;
    }
    return { sum };
  },
  chat(requests: AsyncIterable<Probe>, ctx: ServerContext) {
    mark(ctx, undefined);
    return (async function* () {
      for await (const request of requests) {
        if (request.throwPlain) throw new TypeError("a detail that must not leak");
        failIfAsked(request);
        yield { n: request.n };
      }
    })();
  },
};

/** Handlers that answer synchronously where their kind allows: values and sync iterables. */
const syncHandlers: ServiceImplementation = {
  echo(request: Probe, ctx: ServerContext) {
    mark(ctx, request);
    failIfAsked(request);
    return { sum: request.n };
  },
  list(request: Probe, ctx: ServerContext) {
    mark(ctx, request);
    if (request.wrongShape) return 42 as never;
    failIfAsked(request);
    return Array.from({ length: request.n ?? 0 }, (_, i) => ({ i }));
  },
  collect(requests: AsyncIterable<Probe>, ctx: ServerContext) {
    mark(ctx, undefined);
    return asyncHandlers.collect!(requests, ctx);
  },
  chat(requests: AsyncIterable<Probe>, ctx: ServerContext) {
    mark(ctx, undefined);
    return asyncHandlers.chat!(requests, ctx);
  },
};

const KINDS = [
  { kind: "unary", path: "/test.Probe/Echo", name: "Echo", requests: [{ n: 3 }], responses: [{ sum: 3 }] },
  { kind: "server_streaming", path: "/test.Probe/List", name: "List", requests: [{ n: 2 }], responses: [{ i: 0 }, { i: 1 }] },
  { kind: "client_streaming", path: "/test.Probe/Collect", name: "Collect", requests: [{ n: 1 }, { n: 2 }], responses: [{ sum: 3 }] },
  { kind: "bidi_streaming", path: "/test.Probe/Chat", name: "Chat", requests: [{ n: 1 }, { n: 2 }], responses: [{ n: 1 }, { n: 2 }] },
] as const;

/** The responses of a raw call, decoded from JSON. */
function responsesOf(result: RawResult): unknown[] {
  return unframe(result.body).map((message) => JSON.parse(message.payload.toString()));
}

/** A header of the trailers (or of the trailers-only response). */
function trailer(result: RawResult, key: string): unknown {
  return (result.trailers ?? result.headers)[key];
}

/** Records what the interceptor saw; sets a trailer after next(), which must still go out. */
function observer(log: string[]): ServerInterceptor {
  return async (ctx, next) => {
    try {
      await next();
      log.push(`${ctx.method.name} ok`);
    } catch (error) {
      log.push(`${ctx.method.name} ${error instanceof GrpcError ? error.code : "foreign"}`);
      throw error;
    } finally {
      ctx.trailers.set("x-intercepted", "yes");
    }
  };
}

/** Swallows the core's error: the call must fail all the same. */
const swallow: ServerInterceptor = async (_ctx, next) => {
  await next().catch(() => undefined);
};

describe("server dispatch: every call kind, with and without interceptors", () => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.server.forceShutdown();
    started = undefined;
  });

  for (const chain of ["none", "observer", "swallow"] as const)
    for (const [style, handlers] of [
      ["async", asyncHandlers],
      ["sync", syncHandlers],
    ] as const)
      describe(`interceptors: ${chain}; ${style} handlers`, () => {
        const log: string[] = [];
        const start = (options: ServerOptions = {}) => {
          log.length = 0;
          const interceptors = chain === "observer" ? [observer(log)] : chain === "swallow" ? [swallow] : [];
          return startServer(handlers, { ...options, interceptors });
        };
        const call = (path: string, requests: readonly Probe[], compressed = false) =>
          rawCall(started!.port, {
            path,
            headers: compressed ? { "grpc-encoding": "gzip" } : {},
            body: requests.map((request) => frame(request, compressed)),
          });
        const intercepted = (name: string, outcome: string | number) => {
          if (chain === "observer") expect(log).to.deep.equal([`${name} ${outcome}`]);
          else expect(log).to.deep.equal([]);
        };
        const interceptorTrailer = (result: RawResult) =>
          expect(trailer(result, "x-intercepted")).to.equal(chain === "observer" ? "yes" : undefined);

        for (const { kind, path, name, requests, responses } of KINDS) {
          it(`${kind}: answers with the handler's responses, headers and trailers`, async () => {
            started = await start();
            for (const compressed of [false, true]) {
              log.length = 0;
              const result = await call(path, requests, compressed);
              expect(statusOf(result).code).to.equal(Code.Ok);
              expect(responsesOf(result)).to.deep.equal(responses);
              expect(result.headers["x-kind"]).to.equal(kind);
              expect(trailer(result, "x-trailer")).to.equal("t");
              interceptorTrailer(result);
              intercepted(name, "ok");
            }
          });

          it(`${kind}: a GrpcError from the handler is the status, with the trailers set before it`, async () => {
            started = await start();
            const failing = requests.map((request, index) =>
              index === requests.length - 1 ? { ...request, fail: Code.DataLoss } : request,
            );
            const result = await call(path, failing);
            expect(statusOf(result)).to.deep.equal({ code: Code.DataLoss, message: "asked to fail" });
            expect(trailer(result, "x-trailer")).to.equal("t");
            interceptorTrailer(result);
            intercepted(name, Code.DataLoss);
          });

          it(`${kind}: anything else thrown is UNKNOWN with a generic message`, async () => {
            started = await start();
            const result = await call(path, [{ throwPlain: true }]);
            expect(statusOf(result)).to.deep.equal({ code: Code.Unknown, message: "server: the handler failed" });
            intercepted(name, "foreign");
          });

          it(`${kind}: a request message over maxReceiveMessageBytes is RESOURCE_EXHAUSTED`, async () => {
            started = await start({ maxReceiveMessageBytes: 64 });
            const result = await call(path, [{ n: 1, padding: "x".repeat(100) } as Probe]);
            expect(statusOf(result).code).to.equal(Code.ResourceExhausted);
            intercepted(name, Code.ResourceExhausted);
          });
        }

        for (const { kind, path, name } of KINDS.filter((entry) => entry.kind === "unary" || entry.kind === "server_streaming")) {
          it(`${kind}: no request message, or two, is UNIMPLEMENTED and the handler never runs`, async () => {
            started = await start();
            for (const requests of [[], [{ n: 1 }, { n: 2 }]]) {
              log.length = 0;
              const result = await call(path, requests);
              expect(statusOf(result).code).to.equal(Code.Unimplemented);
              expect(result.headers["x-kind"]).to.equal(undefined);
              intercepted(name, Code.Unimplemented);
            }
          });
        }

        it("server_streaming: a handler that returns no iterable fails the call with UNKNOWN", async () => {
          started = await start();
          const result = await call("/test.Probe/List", [{ wrongShape: true }]);
          expect(statusOf(result)).to.deep.equal({ code: Code.Unknown, message: "server: the handler failed" });
          intercepted("List", "foreign");
        });

        for (const { kind, path, name } of KINDS.filter((entry) => entry.kind === "client_streaming" || entry.kind === "bidi_streaming"))
          it(`${kind}: an empty request stream is served`, async () => {
            started = await start();
            const result = await call(path, []);
            expect(statusOf(result).code).to.equal(Code.Ok);
            expect(responsesOf(result)).to.deep.equal(kind === "client_streaming" ? [{ sum: 0 }] : []);
            intercepted(name, "ok");
          });
      });
});

describe("server/runCore", () => {
  it("reports a request that cannot even be opened as the outcome, once", () => {
    const broken = new Error("no reader");
    const failures: unknown[] = [];
    const call = {
      method: { kind: "unary" },
      readSingle() {
        throw broken;
      },
    } as unknown as ServerCall;
    runCore(call, () => ({}), { succeed: () => expect.fail("succeeded"), fail: (error) => failures.push(error) });
    expect(failures).to.deep.equal([broken]);
  });
});
