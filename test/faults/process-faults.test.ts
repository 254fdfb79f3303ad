// Faults end to end, our client and our server in separate processes: a server killed or stopped
// mid-stream, a client killed mid-stream. Every call ends with the spec's status, none hangs, and
// the survivor frees what the dead peer held.
import { expect } from "chai";
import { Channel, Code, createClient, Server, type ServerContext } from "../../src/index.js";
import { Probe } from "../e2e/server-fixtures.js";
import { activeResources, type Child, endless, killChild, readAll, rejection, spawnChild, spawnServer, until } from "./fault-fixtures.js";

describe("faults: a peer process dies or goes silent", function () {
  this.timeout(60_000);
  let child: Child | undefined;
  let channel: Channel | undefined;

  afterEach(async () => {
    channel?.close();
    channel = undefined;
    await killChild(child);
    child = undefined;
  });

  it("server killed mid-stream: every kind of call ends UNAVAILABLE at once, and the next fails fast", async () => {
    const started = await spawnServer();
    child = started.child;
    channel = new Channel(`127.0.0.1:${started.port}`);
    const client = createClient(Probe, channel);
    const stop = new AbortController();
    const list = (client.list!({ everyMs: 10 }) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const chat = (client.chat!(endless({ text: "hi" }, stop.signal)) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    expect((await list.next()).done).to.equal(false);
    expect((await chat.next()).done).to.equal(false);
    const calls = {
      unary: rejection(client.echo!({ sleepMs: 600_000 })),
      clientStreaming: rejection(client.collect!(endless({ text: "x" }, stop.signal))),
      serverStreaming: rejection(readAll(list)),
      bidi: rejection(readAll(chat)),
    };
    // Let the unary and client-streaming calls reach the server.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const killedAt = Date.now();
    child.process.kill("SIGKILL");
    for (const [kind, pending] of Object.entries(calls)) {
      const error = await pending;
      expect(error.code, `${kind}: ${error.message}`).to.equal(Code.Unavailable);
      expect(error.statusMessage, kind).to.match(/^(http2|transport|connect): /);
    }
    expect(Date.now() - killedAt, "the calls end when the connection does, no timer involved").to.be.below(5_000);
    stop.abort();
    // Fail-fast: the channel is in TRANSIENT_FAILURE, the call reports the last connection error.
    const nextAt = Date.now();
    const next = await rejection(client.echo!({}));
    expect(next.code).to.equal(Code.Unavailable);
    expect(next.statusMessage).to.match(/^(connect|transport|http2|read): /);
    expect(Date.now() - nextAt).to.be.below(5_000);
  });

  it("client killed mid-stream: every handler's signal aborts and the server frees the connection", async () => {
    const handlers = { started: 0, aborted: 0, finished: 0 };
    const track = (ctx: ServerContext): void => {
      handlers.started++;
      ctx.signal.addEventListener("abort", () => handlers.aborted++);
    };
    const server = new Server();
    server.add(Probe, {
      async echo(_request: unknown, ctx: ServerContext) {
        track(ctx);
        try {
          await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
        } finally {
          handlers.finished++;
        }
      },
      async *list(_request: unknown, ctx: ServerContext) {
        track(ctx);
        try {
          for (let i = 0; !ctx.signal.aborted; i++) {
            yield { i };
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        } finally {
          handlers.finished++;
        }
      },
      async collect(requests: AsyncIterable<unknown>, ctx: ServerContext) {
        track(ctx);
        try {
          for await (const _ of requests);
          return {};
        } finally {
          handlers.finished++;
        }
      },
      async *chat(requests: AsyncIterable<unknown>, ctx: ServerContext) {
        track(ctx);
        try {
          for await (const request of requests) yield request;
        } finally {
          handlers.finished++;
        }
      },
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    try {
      const baseline = activeResources();
      child = await spawnChild("child-client", [String(port)]);
      expect(child.firstLine).to.equal("started");
      await until(() => handlers.started === 4, "the four handlers to start");
      child.process.kill("SIGKILL");
      await child.exited;
      await until(() => handlers.aborted === 4 && handlers.finished === 4, "every handler to see the abort and end");
      // The dead client's socket, the child's pipes and every call's timer are gone again.
      await until(() => {
        const now = activeResources();
        return (now.TCPSocketWrap ?? 0) <= (baseline.TCPSocketWrap ?? 0) && (now.PipeWrap ?? 0) <= (baseline.PipeWrap ?? 0);
      }, "the server's sockets to return to the baseline");
      expect(activeResources().Timeout ?? 0).to.be.at.most((baseline.Timeout ?? 0) + 1);
      // The server carries on.
      channel = new Channel(`127.0.0.1:${port}`);
      expect(await createClient(Probe, channel).collect!([{}])).to.deep.equal({});
    } finally {
      await server.forceShutdown();
    }
  });

  it("a server that goes silent (SIGSTOP): keepalive ends the calls UNAVAILABLE within keepaliveTimeMs + keepaliveTimeoutMs", async () => {
    const started = await spawnServer({ minPingIntervalMs: 50, permitKeepaliveWithoutCalls: true });
    child = started.child;
    const keepaliveTimeMs = 300;
    const keepaliveTimeoutMs = 700;
    channel = new Channel(`127.0.0.1:${started.port}`, { keepaliveTimeMs, keepaliveTimeoutMs });
    const client = createClient(Probe, channel);
    const list = (client.list!({ everyMs: 20 }) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    expect((await list.next()).done).to.equal(false);
    const unary = rejection(client.echo!({ sleepMs: 600_000 }));
    const streaming = rejection(readAll(list));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stoppedAt = Date.now();
    child.process.kill("SIGSTOP");
    const [streamError, unaryError] = await Promise.all([streaming, unary]);
    const detectedMs = Date.now() - stoppedAt;
    for (const error of [streamError, unaryError]) {
      expect(error.code, error.message).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.equal(`keepalive: no PING ack within ${keepaliveTimeoutMs} ms`);
    }
    // Detection takes about the ping timeout (less when a ping was already out at the stop) and
    // at most one period plus the timeout; the slack covers a loaded machine's timers.
    expect(detectedMs).to.be.at.least(keepaliveTimeoutMs / 2);
    expect(detectedMs).to.be.below(keepaliveTimeMs + keepaliveTimeoutMs + 2_500);
    // Woken again, the server answers a new connection.
    child.process.kill("SIGCONT");
    expect(await createClient(Probe, channel).echo!({ text: "back" }, { waitForReady: true, timeoutMs: 10_000 })).to.include({
      text: "back",
    });
  });
});
