// Call and connection lifecycle of the Server: client cancel, lost connections, graceful and
// forced shutdown, keepalive, ping strikes, idle and age limits (checklist 22, 23, 24; gRFC A8, A9).
import { expect } from "chai";
import http2 from "node:http2";
import { connect } from "node:net";
import { Code, GrpcError, type ServerContext } from "../../src/index.js";
import { type Started, frame, rawCall, sleep, startServer, statusOf } from "./server-fixtures.js";

/** Resolves with the signal's reason once the handler's signal aborts. */
function abortedReason(ctx: ServerContext): Promise<unknown> {
  return new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve(ctx.signal.reason)));
}

/** Waits until `check()` is true, for at most `ms`. */
async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const stopAt = Date.now() + ms;
  while (!check()) {
    if (Date.now() > stopAt) throw new Error("condition not met in time");
    await sleep(5);
  }
}

describe("e2e server: lifecycle", () => {
  let started: Started | undefined;
  const sessions: http2.ClientHttp2Session[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) session.destroy();
    await started?.server.forceShutdown();
    started = undefined;
  });

  function open(port: number): http2.ClientHttp2Session {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", () => {});
    sessions.push(session);
    return session;
  }

  function request(session: http2.ClientHttp2Session, path: string, body: Buffer, end = true): http2.ClientHttp2Stream {
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
    stream.on("error", () => {});
    stream.resume();
    stream.write(body);
    if (end) stream.end();
    return stream;
  }

  it("a client RST_STREAM(CANCEL) aborts the handler's signal and runs its generator's finally", async () => {
    let reason: unknown;
    let finallyRan = false;
    let yielded = 0;
    started = await startServer({
      async *list(_request: unknown, ctx: ServerContext) {
        void abortedReason(ctx).then((value) => (reason = value));
        try {
          for (;;) {
            yield { n: yielded++ };
            await sleep(5);
          }
        } finally {
          finallyRan = true;
        }
      },
    });
    const session = open(started.port);
    const stream = request(session, "/test.Probe/List", frame({}));
    await new Promise((resolve) => stream.once("data", resolve));
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await eventually(() => finallyRan);
    expect(reason).to.be.instanceOf(GrpcError).with.property("code", Code.Cancelled);
    const count = yielded;
    await sleep(30);
    expect(yielded).to.equal(count);
  });

  it("a lost connection cancels the server's calls (checklist 23)", async () => {
    let reason: unknown;
    started = await startServer({
      async echo(_request: unknown, ctx: ServerContext) {
        reason = await abortedReason(ctx);
        return {};
      },
    });
    const session = open(started.port);
    request(session, "/test.Probe/Echo", frame({}));
    await sleep(50);
    session.destroy();
    await eventually(() => reason !== undefined);
    expect(reason).to.be.instanceOf(GrpcError).with.property("code", Code.Cancelled);
  });

  it("losing connections with many calls in flight, mid-response, crashes nothing", async () => {
    let served = 0;
    started = await startServer({
      echo: (request: any) => new Promise((resolve) => setImmediate(() => resolve({ i: request.i }))).finally(() => served++),
      async *list() {
        for (let i = 0; i < 50; i++) yield { i };
      },
    });
    for (let round = 0; round < 6; round++) {
      const session = open(started.port);
      await new Promise((resolve) => session.once("connect", resolve));
      let received = 0;
      for (let i = 0; i < 60; i++) {
        const stream = request(session, i % 2 ? "/test.Probe/Echo" : "/test.Probe/List", frame({ i }));
        stream.on("data", () => ++received === 5 + round && session.destroy());
      }
      await sleep(20);
      session.destroy();
    }
    await sleep(50);
    expect(served).to.be.greaterThan(0);
    // The server still serves.
    const result = await rawCall(started.port, { body: [frame({ i: 1 })] });
    expect(statusOf(result).code).to.equal(Code.Ok);
  });

  it("shutdown sends GOAWAY, refuses new calls and lets calls in flight finish (checklist 22)", async () => {
    started = await startServer({
      async echo(request: any) {
        await sleep(request.sleepMs ?? 0);
        return { done: true };
      },
    });
    const session = open(started.port);
    const goaway = new Promise((resolve) => session.once("goaway", resolve));
    const slow = rawCallOn(session, frame({ sleepMs: 150 }));
    await sleep(30);
    const shutdown = started.server.shutdown({ graceMs: 5000 });
    await goaway;
    const result = await slow;
    expect(result.status).to.equal("0");
    await shutdown;
    // The listener is closed: a new connection is refused.
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(started!.port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(false)));
      socket.once("error", () => resolve(true));
    });
    expect(refused).to.equal(true);
  });

  it("shutdown cancels the calls still running when the grace period ends", async () => {
    let reason: unknown;
    started = await startServer({
      async echo(_request: unknown, ctx: ServerContext) {
        reason = await abortedReason(ctx);
        throw reason;
      },
    });
    const session = open(started.port);
    const stuck = rawCallOn(session, frame({}));
    await sleep(30);
    const begun = Date.now();
    await started.server.shutdown({ graceMs: 100 });
    expect(Date.now() - begun).to.be.lessThan(2000);
    const result = await stuck;
    // The call ends with a status saying why (issue 14), no longer a bare RST_STREAM(CANCEL).
    expect(result.status).to.equal(String(Code.Unavailable));
    expect(reason).to.be.instanceOf(GrpcError).with.property("code", Code.Unavailable);
  });

  it("forceShutdown cancels every call at once", async () => {
    let reason: unknown;
    started = await startServer({
      async echo(_request: unknown, ctx: ServerContext) {
        reason = await abortedReason(ctx);
        return {};
      },
    });
    const session = open(started.port);
    const stuck = rawCallOn(session, frame({}));
    await sleep(30);
    await started.server.forceShutdown();
    await stuck;
    expect(reason).to.be.instanceOf(GrpcError);
  });

  it("answers too many pings with GOAWAY ENHANCE_YOUR_CALM too_many_pings (checklist 24)", async () => {
    started = await startServer({}, { maxPingStrikes: 2 });
    const session = open(started.port);
    await new Promise((resolve) => session.once("connect", resolve));
    const goaway = new Promise<[number, number, Buffer]>((resolve) => session.once("goaway", (...args) => resolve(args as never)));
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => session.ping(resolve));
    }
    const [errorCode, , debug] = await goaway;
    expect(errorCode).to.equal(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    expect(debug.toString()).to.equal("too_many_pings");
  });

  it("does not count pings answered by a large response as strikes (grpc-go BDP pings)", async () => {
    started = await startServer({ echo: () => ({ text: "x".repeat(2_000_000) }) });
    const session = open(started.port);
    let goaway = false;
    session.on("goaway", () => (goaway = true));
    await new Promise((resolve) => session.once("connect", resolve));
    for (let call = 0; call < 3; call++) {
      const stream = request(session, "/test.Probe/Echo", frame({}));
      let pinging = false;
      let pings = 0;
      stream.on("data", () => {
        if (pinging) return;
        pinging = true;
        pings++;
        session.ping(() => (pinging = false));
      });
      await new Promise((resolve) => stream.on("close", resolve));
      expect(pings).to.be.greaterThan(3);
    }
    expect(goaway).to.equal(false);
  });

  it("tolerates pings within the strike limit, and pings while calls are open with permitKeepaliveWithoutCalls", async () => {
    started = await startServer({}, { maxPingStrikes: 2, permitKeepaliveWithoutCalls: true, minPingIntervalMs: 0 });
    const session = open(started.port);
    let wentAway = false;
    session.on("goaway", () => (wentAway = true));
    await new Promise((resolve) => session.once("connect", resolve));
    for (let i = 0; i < 6; i++) await new Promise((resolve) => session.ping(resolve));
    await sleep(50);
    expect(wentAway).to.equal(false);
  });

  it("sends keepalive pings every keepaliveTimeMs", async () => {
    started = await startServer({}, { keepaliveTimeMs: 30 });
    const session = open(started.port);
    let pings = 0;
    session.on("ping", () => pings++);
    await eventually(() => pings >= 2);
  });

  it("closes a connection whose keepalive ping is not answered within keepaliveTimeoutMs", async () => {
    started = await startServer({}, { keepaliveTimeMs: 50, keepaliveTimeoutMs: 50 });
    // A bare TCP peer that speaks the HTTP/2 preface and then never answers anything.
    const socket = connect(started.port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write(Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
    socket.resume();
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      socket.once("close", () => (clearTimeout(timer), resolve(true)));
    });
    socket.destroy();
    expect(closed).to.equal(true);
  });

  it("keeps a silent connection open when keepalive is off", async () => {
    started = await startServer({}, { keepaliveTimeMs: Infinity });
    const socket = connect(started.port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write(Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
    socket.resume();
    let closed = false;
    socket.once("close", () => (closed = true));
    await sleep(300);
    socket.destroy();
    expect(closed).to.equal(false);
  });

  it("sends GOAWAY to a connection idle for maxConnectionIdleMs (gRFC A9)", async () => {
    started = await startServer({ echo: () => ({}) }, { maxConnectionIdleMs: 50 });
    const session = open(started.port);
    let goawayAt = 0;
    session.once("goaway", () => (goawayAt = Date.now()));
    const result = await rawCallOn(session, frame({}));
    const finishedAt = Date.now();
    expect(result.status).to.equal("0");
    await eventually(() => goawayAt > 0);
    expect(goawayAt - finishedAt).to.be.greaterThan(20);
  });

  it("sends GOAWAY at maxConnectionAgeMs and ends calls UNAVAILABLE after the grace period (gRFC A9)", async () => {
    let reason: unknown;
    started = await startServer(
      {
        async echo(_request: unknown, ctx: ServerContext) {
          reason = await abortedReason(ctx);
          return {};
        },
      },
      { maxConnectionAgeMs: 50, maxConnectionAgeGraceMs: 50 },
    );
    const session = open(started.port);
    let wentAway = false;
    session.once("goaway", () => (wentAway = true));
    const result = await rawCallOn(session, frame({}));
    expect(wentAway).to.equal(true);
    // As a shutdown's grace period does: a status saying why, not a bare RST_STREAM(CANCEL).
    expect(result.status).to.equal(String(Code.Unavailable));
    expect(result.rstCode).to.be.oneOf([0, http2.constants.NGHTTP2_CANCEL]);
    expect(reason).to.be.instanceOf(GrpcError).with.property("code", Code.Unavailable);
  });

  it("refuses a call that arrives after GOAWAY on a new connection", async () => {
    started = await startServer({ echo: () => ({}) });
    const port = started.port;
    await started.server.shutdown({ graceMs: 0 });
    const failed = await rawCall(port, { body: [frame({})] }).then(
      () => false,
      () => true,
    );
    expect(failed).to.equal(true);
    started = undefined;
  });

  it("still answers unknown paths while calls with interceptors run (status via statusOf)", async () => {
    started = await startServer({ echo: () => ({}) }, { interceptors: [async (_ctx, next) => next()] });
    const result = await rawCall(started.port, { path: "/test.Probe/Missing", body: [frame({})] });
    expect(statusOf(result).code).to.equal(Code.Unimplemented);
  });

  /** A unary call on an existing session; resolves with grpc-status and the RST code. */
  function rawCallOn(session: http2.ClientHttp2Session, body: Buffer): Promise<{ status: string | undefined; rstCode: number }> {
    return new Promise((resolve) => {
      const stream = request(session, "/test.Probe/Echo", body);
      let status: string | undefined;
      stream.on("response", (headers) => (status ??= headers["grpc-status"] as string | undefined));
      stream.on("trailers", (trailers) => (status = trailers["grpc-status"] as string | undefined));
      stream.on("close", () => resolve({ status, rstCode: stream.rstCode ?? 0 }));
    });
  }
});
