// Faults end to end: the server shuts down (GOAWAY) while calls are in flight. Calls the server
// accepted finish within the grace period or end UNAVAILABLE; none is lost, and what the handlers
// did matches what the clients saw.
import { expect } from "chai";
import { Channel, Code, createClient, GrpcError, Server, type ServerContext } from "../../src/index.js";
import { waitUnlessAborted } from "../abortable-wait.js";
import { Probe } from "../e2e/server-fixtures.js";
import { readAll, rejection, until } from "./fault-fixtures.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the handlers saw: calls started, finished OK (the interceptor's next() resolved), and failed. */
interface Tally {
  started: number;
  ok: number;
  failed: number;
}

function startServer(tally: Tally): Server {
  const server = new Server({
    interceptors: [
      async (_ctx, next) => {
        tally.started++;
        try {
          await next();
          tally.ok++;
        } catch (error) {
          tally.failed++;
          throw error;
        }
      },
    ],
  });
  server.add(Probe, {
    async echo(request: { workMs?: number }, ctx: ServerContext) {
      await waitUnlessAborted(request.workMs ?? 0, ctx.signal);
      return { done: true };
    },
    async *list(request: { count: number; everyMs: number }, ctx: ServerContext) {
      for (let i = 0; i < request.count; i++) {
        await waitUnlessAborted(request.everyMs, ctx.signal);
        yield { i };
      }
    },
    async collect(requests: AsyncIterable<unknown>) {
      let count = 0;
      for await (const _ of requests) count++;
      return { count };
    },
    async *chat(requests: AsyncIterable<unknown>) {
      for await (const request of requests) yield request;
    },
  });
  return server;
}

async function* paced<T>(items: T[], everyMs: number): AsyncIterable<T> {
  for (const item of items) {
    await sleep(everyMs);
    yield item;
  }
}

describe("faults: server shutdown with calls in flight", function () {
  this.timeout(60_000);

  it("GOAWAY while calls are in flight: every one completes, new calls are refused UNAVAILABLE", async () => {
    const tally: Tally = { started: 0, ok: 0, failed: 0 };
    const server = startServer(tally);
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const channel = new Channel(`127.0.0.1:${port}`);
    const client = createClient(Probe, channel);
    try {
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++) calls.push(client.echo!({ workMs: 300 }));
      calls.push(readAll((client.list!({ count: 5, everyMs: 60 }) as AsyncIterable<unknown>)[Symbol.asyncIterator]()));
      calls.push(client.collect!(paced([{}, {}, {}], 60)));
      calls.push(readAll((client.chat!(paced([{}, {}, {}], 60)) as AsyncIterable<unknown>)[Symbol.asyncIterator]()));
      await until(() => tally.started === 23, "the 23 calls to reach their handlers");
      const shutdown = server.shutdown({ graceMs: 20_000 });
      const results = await Promise.all(calls);
      expect(results.slice(0, 20)).to.deep.equal(Array(20).fill({ done: true }));
      expect(results.slice(20)).to.deep.equal([5, { count: 3 }, 3]);
      await shutdown;
      expect(tally).to.deep.equal({ started: 23, ok: 23, failed: 0 });
      const refused = await rejection(client.echo!({}));
      expect(refused.code).to.equal(Code.Unavailable);
    } finally {
      channel.close();
      await server.forceShutdown();
    }
  });

  it("a streaming call cut by the grace period: the handler's signal aborts and next() rejects with the client's status", async () => {
    let nextError: unknown;
    let handlerSignal: AbortSignal | undefined;
    const server = new Server({
      interceptors: [
        async (_ctx, next) => {
          try {
            await next();
          } catch (error) {
            nextError = error;
            throw error;
          }
        },
      ],
    });
    server.add(Probe, {
      async *list(_request: unknown, ctx: ServerContext) {
        handlerSignal = ctx.signal;
        for (let i = 0; ; i++) {
          yield { i };
          await sleep(10);
        }
      },
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const channel = new Channel(`127.0.0.1:${port}`);
    try {
      const list = (createClient(Probe, channel).list!({}) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      await list.next();
      await server.shutdown({ graceMs: 50 });
      const error = await rejection(readAll(list));
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.equal("server: shutting down, the call did not finish within the 50 ms grace period");
      await until(() => nextError !== undefined, "the interceptor's next() to settle");
      expect(nextError).to.be.instanceOf(GrpcError).with.property("statusMessage", error.statusMessage);
      expect(handlerSignal!.aborted).to.equal(true);
      expect(handlerSignal!.reason).to.equal(nextError);
    } finally {
      channel.close();
      await server.forceShutdown();
    }
  });

  it("a call still running when maxConnectionAgeGraceMs ends fails UNAVAILABLE (safe to retry), not CANCELLED", async () => {
    let handlerSignal: AbortSignal | undefined;
    const server = new Server({ maxConnectionAgeMs: 100, maxConnectionAgeGraceMs: 150 });
    server.add(Probe, {
      async *list(_request: unknown, ctx: ServerContext) {
        handlerSignal = ctx.signal;
        for (let i = 0; ; i++) {
          yield { i };
          await sleep(10);
        }
      },
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const channel = new Channel(`127.0.0.1:${port}`);
    try {
      const error = await rejection(readAll((createClient(Probe, channel).list!({}) as AsyncIterable<unknown>)[Symbol.asyncIterator]()));
      expect(error.code, error.message).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.equal("http2: connection reached its maximum age and its grace period");
      expect(handlerSignal!.aborted).to.equal(true);
    } finally {
      channel.close();
      await server.forceShutdown();
    }
  });

  it("shutdown with a grace period under load: no accepted call is lost, and the handlers' counts match the clients'", async () => {
    const tally: Tally = { started: 0, ok: 0, failed: 0 };
    const server = startServer(tally);
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const channels = Array.from({ length: 4 }, () => new Channel(`127.0.0.1:${port}`));
    const outcomes = new Map<string, number>();
    const messages = new Set<string>();
    let issued = 0;
    let stopping = false;
    const record = async (call: () => Promise<unknown>): Promise<void> => {
      issued++;
      let code = "OK";
      try {
        await call();
      } catch (error) {
        code = error instanceof GrpcError ? `${error.code}` : `not a GrpcError: ${String(error)}`;
        if (error instanceof GrpcError) messages.add(error.statusMessage.replace(/\d+/g, "N"));
        // Once the server is gone calls fail at once, as promises only: back off so timers still run.
        await sleep(5);
      }
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
    };
    /** One client loop: keeps a mix of every kind of call going until the test stops it. */
    const loop = async (channel: Channel, seed: number): Promise<void> => {
      const client = createClient(Probe, channel);
      for (let i = seed; !stopping; i++) {
        const kind = i % 4;
        if (kind === 0) await record(() => client.echo!({ workMs: (i * 37) % 250 }));
        else if (kind === 1)
          await record(() => readAll((client.list!({ count: 4, everyMs: 40 }) as AsyncIterable<unknown>)[Symbol.asyncIterator]()));
        else if (kind === 2) await record(() => client.collect!(paced([{}, {}, {}], 30)));
        else await record(() => readAll((client.chat!(paced([{}, {}], 40)) as AsyncIterable<unknown>)[Symbol.asyncIterator]()));
      }
    };
    const loops: Promise<void>[] = [];
    for (const [index, channel] of channels.entries()) for (let lane = 0; lane < 8; lane++) loops.push(loop(channel, index * 8 + lane));
    try {
      await sleep(1_000);
      await server.shutdown({ graceMs: 100 });
      await sleep(200);
      stopping = true;
      await Promise.all(loops);
    } finally {
      for (const channel of channels) channel.close();
      await server.forceShutdown();
    }
    const ok = outcomes.get("OK") ?? 0;
    const unavailable = outcomes.get(`${Code.Unavailable}`) ?? 0;
    // Only two outcomes: done, or UNAVAILABLE (safe to retry); never CANCELLED, UNKNOWN or INTERNAL.
    expect([...outcomes.keys()].sort(), [...messages].join(" | ")).to.deep.equal(["14", "OK"]);
    expect(ok + unavailable).to.equal(issued);
    expect(ok, "calls done before and during the grace period").to.be.above(50);
    // Every call a handler started either finished OK there or failed there; an OK at the server
    // is an OK at the client, and the calls cut by the grace period failed at both ends.
    expect(tally.ok + tally.failed).to.equal(tally.started);
    expect(tally.ok).to.equal(ok);
    expect(tally.failed).to.be.at.most(unavailable);
    expect(tally.failed, "some calls were cut by the grace period").to.be.above(0);
  });
});
