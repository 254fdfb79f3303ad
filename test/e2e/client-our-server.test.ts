// Our client against our own Server: the four kinds, interceptors, parent propagation, compression.
import { expect } from "chai";
import { Channel, createClient, type Interceptor } from "../../src/client/index.js";
import { Metadata } from "../../src/metadata/index.js";
import { Server } from "../../src/server/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { greet } from "../../examples/helloworld/client.js";
import { startServer } from "../../examples/helloworld/server.js";
import { collect } from "../pipeline/helpers.js";
import { Echo, fromArray, rejection } from "./client-fixtures.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("e2e: our client against our server", () => {
  let server: Server;
  let channel: Channel;
  let client: any;
  let port: number;
  const seen: { deadline?: number; aborted?: boolean; metadata?: Metadata } = {};

  beforeEach(async () => {
    server = new Server({ responseCompression: "gzip" });
    server.add(Echo, {
      async echo(request: any, ctx: any) {
        seen.deadline = ctx.deadline;
        seen.metadata = ctx.metadata;
        if (request.sleepMs) {
          await sleep(request.sleepMs);
          seen.aborted = ctx.signal.aborted;
        }
        if (request.fail) throw new GrpcError(request.fail, request.text ?? "", { metadata: new Metadata().set("x-why", "fail") });
        ctx.headers.set("x-head", "h");
        ctx.trailers.set("x-tail", "t");
        return { text: request.text, user: ctx.metadata.get("x-user") };
      },
      async *list(request: any) {
        for (let i = 0; i < (request.count ?? 0); i++) yield { i };
        if (request.fail) throw new GrpcError(request.fail, "list failed");
      },
      async collect(requests: AsyncIterable<any>) {
        const texts: string[] = [];
        for await (const request of requests) texts.push(request.text);
        return { text: texts.join(",") };
      },
      async *chat(requests: AsyncIterable<any>) {
        for await (const request of requests) {
          if (request.fail) throw new GrpcError(request.fail, "chat failed");
          yield { text: request.text };
        }
      },
    } as any);
    port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    channel = new Channel(`127.0.0.1:${port}`);
    client = createClient(Echo, channel);
  });

  afterEach(async () => {
    channel.close();
    await server.forceShutdown();
  });

  it("runs the four kinds of calls", async () => {
    expect(await client.echo({ text: "u" })).to.deep.equal({ text: "u" });
    expect(await collect(client.list({ count: 3 }))).to.deep.equal([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(await client.collect(fromArray([{ text: "a" }, { text: "b" }]))).to.deep.equal({ text: "a,b" });
    expect(await collect(client.chat(fromArray([{ text: "x" }, { text: "y" }])))).to.deep.equal([{ text: "x" }, { text: "y" }]);
  });

  it("reports headers and trailers of unary and streaming calls, and status metadata", async () => {
    const got: string[] = [];
    await client.echo(
      {},
      { onHeaders: (m: Metadata) => got.push(`h:${m.get("x-head")}`), onTrailers: (m: Metadata) => got.push(`t:${m.get("x-tail")}`) },
    );
    expect(got).to.deep.equal(["h:h", "t:t"]);
    const error = await rejection(client.echo({ fail: Code.Aborted, text: "nope" }));
    expect([error.code, error.statusMessage, error.metadata.get("x-why")]).to.deep.equal([Code.Aborted, "nope", "fail"]);
    const events: string[] = [];
    const options = { onHeaders: () => events.push("headers"), onTrailers: () => events.push("trailers") };
    await collect(client.list({ count: 1 }, options));
    expect(events).to.deep.equal(["headers", "trailers"]);
  });

  it("a unary call whose onHeaders or onTrailers throws fails with that error, and the process carries on", async () => {
    const boom = new Error("callback broke");
    const thrown = (promise: Promise<unknown>) =>
      promise.then(
        () => "resolved",
        (error: unknown) => error,
      );
    expect(
      await thrown(
        client.echo(
          {},
          {
            onHeaders: () => {
              throw boom;
            },
          },
        ),
      ),
    ).to.equal(boom);
    expect(
      await thrown(
        client.echo(
          {},
          {
            onTrailers: () => {
              throw boom;
            },
          },
        ),
      ),
    ).to.equal(boom);
    expect(await client.echo({ text: "still fine" })).to.deep.equal({ text: "still fine" });
  });

  it("streaming errors end the iteration with the status", async () => {
    const replies: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const reply of client.list({ count: 2, fail: Code.DataLoss })) replies.push(reply);
      })(),
    );
    expect(error.code).to.equal(Code.DataLoss);
    expect(replies).to.have.length(2);
    expect((await rejection(collect(client.chat(fromArray([{ text: "a" }, { fail: Code.OutOfRange }]))))).code).to.equal(Code.OutOfRange);
  });

  it("a request iterable that throws cancels the call", async () => {
    async function* broken() {
      yield { text: "a" };
      throw new Error("disk on fire");
    }
    const error = await rejection(client.collect(broken()));
    expect(error.code).to.equal(Code.Cancelled);
    expect(error.statusMessage).to.match(/disk on fire/);
  });

  it("deadlines and signals reach streaming calls", async () => {
    async function* slow() {
      yield { text: "a" };
      await sleep(1000);
    }
    expect((await rejection(collect(client.chat(slow(), { timeoutMs: 50 })))).code).to.equal(Code.DeadlineExceeded);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new GrpcError(Code.Aborted, "mine")), 30);
    const error = await rejection(collect(client.chat(slow(), { signal: controller.signal })));
    expect([error.code, error.statusMessage]).to.deep.equal([Code.Aborted, "mine"]);
  });

  it("an already expired deadline or aborted signal fails before sending", async () => {
    expect((await rejection(client.echo({}, { deadline: new Date(Date.now() - 10) }))).code).to.equal(Code.DeadlineExceeded);
    expect((await rejection(collect(client.list({}, { timeoutMs: -1 })))).code).to.equal(Code.DeadlineExceeded);
    expect((await rejection(client.echo({}, { signal: AbortSignal.abort() }))).code).to.equal(Code.Cancelled);
    expect(() => client.echo({}, { compression: "brotli" })).to.throw(TypeError);
  });

  it("a parent's deadline and cancellation propagate", async () => {
    const parentDeadline = Date.now() + 2000;
    await client.echo({}, { parent: { deadline: parentDeadline }, timeoutMs: 60_000 });
    // The server rebuilds the deadline from grpc-timeout (rounded up) on its own clock: allow some slack.
    expect(seen.deadline).to.be.within(parentDeadline - 100, parentDeadline + 100);
    const parent = new AbortController();
    setTimeout(() => parent.abort(), 30);
    const error = await rejection(client.echo({ sleepMs: 300 }, { parent: { signal: parent.signal } }));
    expect(error.code).to.equal(Code.Cancelled);
    expect((await rejection(client.echo({}, { parent: { signal: AbortSignal.abort() } }))).code).to.equal(Code.Cancelled);
  });

  it("compressed responses from our server are decoded, and compressed requests accepted", async () => {
    expect(await client.echo({ text: "z".repeat(5000) }, { compression: "gzip" })).to.deep.equal({ text: "z".repeat(5000) });
    expect(await collect(client.list({ count: 2 }))).to.deep.equal([{ i: 0 }, { i: 1 }]);
  });

  it("interceptors compose: channel ones outermost, then the client's; they see and change calls", async () => {
    const order: string[] = [];
    const tag =
      (name: string): Interceptor =>
      (call, next) => {
        order.push(`${name}:${call.method.name}`);
        return next(call);
      };
    const addUser: Interceptor = (call, next) =>
      next({ ...call, options: { ...call.options, metadata: (call.options.metadata ?? new Metadata()).clone().set("x-user", "ada") } });
    const upper: Interceptor = (call, next) => {
      const result = next(call);
      if (result instanceof Promise) return result.then((reply: any) => ({ ...reply, text: String(reply.text).toUpperCase() }));
      return (async function* () {
        for await (const reply of result) yield { ...reply, seen: true };
      })();
    };
    const intercepted = new Channel(`127.0.0.1:${port}`, { interceptors: [tag("channel")] });
    try {
      const c: any = createClient(Echo, intercepted, { interceptors: [tag("client"), addUser, upper] });
      expect(await c.echo({ text: "hi" })).to.deep.equal({ text: "HI", user: "ada" });
      expect(await collect(c.list({ count: 1 }))).to.deep.equal([{ i: 0, seen: true }]);
      expect(await c.collect(fromArray([{ text: "a" }]))).to.deep.equal({ text: "A" });
      expect(await collect(c.chat(fromArray([{ text: "b" }])))).to.deep.equal([{ text: "b", seen: true }]);
      expect(order).to.deep.equal([
        "channel:Echo",
        "client:Echo",
        "channel:List",
        "client:List",
        "channel:Collect",
        "client:Collect",
        "channel:Chat",
        "client:Chat",
      ]);
      const missing: Interceptor = (call, next) => next({ ...call, requests: undefined });
      const broken: any = createClient(Echo, intercepted, { interceptors: [missing] });
      expect(() => broken.collect(fromArray([]))).to.throw(TypeError);
    } finally {
      intercepted.close();
    }
  });

  it("the helloworld example greets through our server", async () => {
    const started = await startServer(0);
    try {
      expect(await greet(`127.0.0.1:${started.port}`, "ada")).to.equal("Hello ada");
    } finally {
      await started.server.forceShutdown();
    }
  });
});
