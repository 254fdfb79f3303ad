// ServerContext.observer (ServerCallObserver): what an interceptor hears of a call's messages and
// its end, and the async context a handler runs in when interceptors are installed.
import { expect } from "chai";
import { AsyncLocalStorage } from "node:async_hooks";
import {
  Channel,
  Code,
  GrpcError,
  Metadata,
  Server,
  createClient,
  createServerContext,
  gzip,
  type ServerCallObserver,
} from "../../src/index.js";
import { Echo } from "../otel/fixtures.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bytesOf = (message: unknown) => new TextEncoder().encode(JSON.stringify(message)).length;

type Heard = ["sent" | "received", number, boolean] | ["end", Code | undefined];

/** An observer that writes down what it hears. */
function recorder(log: Heard[], ended?: () => void): ServerCallObserver {
  return {
    onMessageSent: (bytes, compressed) => void log.push(["sent", bytes, compressed]),
    onMessageReceived: (bytes, compressed) => void log.push(["received", bytes, compressed]),
    onEnd: (error) => {
      log.push(["end", error?.code]);
      ended?.();
    },
  };
}

describe("server: ServerContext.observer", () => {
  let server: Server;
  let channel: Channel;
  // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
  let client: any;
  let log: Heard[];
  let ended: Promise<void>;
  let handlerDone: Promise<void>;
  const storage = new AsyncLocalStorage<string>();
  let seenStore: string | undefined;

  beforeEach(async () => {
    log = [];
    let markEnded!: () => void;
    ended = new Promise((resolve) => (markEnded = resolve));
    let markHandlerDone!: () => void;
    handlerDone = new Promise((resolve) => (markHandlerDone = resolve));
    seenStore = undefined;
    server = new Server({
      interceptors: [
        (ctx, next) => {
          ctx.observer = recorder(log, markEnded);
          if (ctx.metadata.get("x-gzip") === "1") ctx.compression = "gzip";
          return storage.run("from the interceptor", next);
        },
      ],
    });
    server.add(Echo, {
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async echo(request: any) {
        seenStore = storage.getStore();
        try {
          if (request.sleepMs) await sleep(request.sleepMs);
          if (request.fail === "plain") throw new Error("boom");
          if (request.fail) throw new GrpcError(request.fail, "failed on purpose");
          return { text: request.text };
        } finally {
          markHandlerDone();
        }
      },
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async *list(request: any) {
        seenStore = storage.getStore();
        for (let i = 0; i < request.count; i++) yield { i };
      },
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async *chat(requests: AsyncIterable<any>) {
        seenStore = storage.getStore();
        for await (const request of requests) yield request;
      },
    } as never);
    const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    channel = new Channel(`127.0.0.1:${port}`);
    client = createClient(Echo, channel);
  });

  afterEach(async () => {
    channel.close();
    await server.forceShutdown();
  });

  it("a unary call: one message each way, then OK", async () => {
    await client.echo({ text: "hello" });
    await ended;
    expect(log).to.deep.equal([
      ["received", bytesOf({ text: "hello" }), false],
      ["sent", bytesOf({ text: "hello" }), false],
      ["end", undefined],
    ]);
  });

  it("a handler of every kind runs in the async context of the interceptor's next()", async () => {
    await client.echo({ text: "x" });
    expect(seenStore).to.equal("from the interceptor");
    seenStore = undefined;
    for await (const _ of client.list({ count: 1 }));
    expect(seenStore).to.equal("from the interceptor");
    seenStore = undefined;
    for await (const _ of client.chat([{ a: 1 }]));
    expect(seenStore).to.equal("from the interceptor");
  });

  it("compressed responses are heard at their compressed size, with the flag", async () => {
    const text = "z".repeat(5000);
    await client.echo({ text }, { metadata: new Metadata().set("x-gzip", "1"), compression: gzip });
    await ended;
    const [received, sent] = log;
    expect(received![2]).to.equal(true);
    expect(sent![2]).to.equal(true);
    expect(sent![1])
      .to.be.greaterThan(0)
      .and.lessThan(bytesOf({ text }) / 10);
  });

  it("streams: every message, then OK", async () => {
    for await (const _ of client.list({ count: 3 }));
    await ended;
    expect(log.map((entry) => entry[0])).to.deep.equal(["received", "sent", "sent", "sent", "end"]);
  });

  it("a failure: the status sent", async () => {
    await client.echo({ fail: Code.NotFound }).catch(() => undefined);
    await ended;
    expect(log.at(-1)).to.deep.equal(["end", Code.NotFound]);
  });

  it("a handler that throws a plain error ends UNKNOWN", async () => {
    await client.echo({ fail: "plain" }).catch(() => undefined);
    await ended;
    expect(log.at(-1)).to.deep.equal(["end", Code.Unknown]);
  });

  it("a client that cancels: CANCELLED, heard at the reset while the handler still runs, and once", async () => {
    const controller = new AbortController();
    let handlerFinished = false;
    void handlerDone.then(() => (handlerFinished = true));
    const call = client.echo({ sleepMs: 1_000 }, { signal: controller.signal }).catch((error: GrpcError) => error.code);
    await sleep(50);
    controller.abort();
    expect(await call).to.equal(Code.Cancelled);
    await ended;
    expect(handlerFinished).to.equal(false);
    expect(log.filter((entry) => entry[0] === "end")).to.deep.equal([["end", Code.Cancelled]]);
    await handlerDone;
    await sleep(20);
    expect(log.filter((entry) => entry[0] === "end")).to.deep.equal([["end", Code.Cancelled]]);
  });

  it("a server that shuts down under a running call: the status the shutdown gave it, heard at once", async () => {
    let handlerFinished = false;
    void handlerDone.then(() => (handlerFinished = true));
    const call = client.echo({ sleepMs: 1_000 }).catch((error: GrpcError) => error.code);
    await sleep(50);
    await server.forceShutdown();
    expect(await call).to.equal(Code.Unavailable);
    await ended;
    expect(handlerFinished).to.equal(false);
    await handlerDone;
    expect(log.filter((entry) => entry[0] === "end")).to.deep.equal([["end", Code.Unavailable]]);
  });

  it("a shutdown whose grace period runs out: the status the client reads, heard at once, never OK", async () => {
    let handlerFinished = false;
    void handlerDone.then(() => (handlerFinished = true));
    const call = client.echo({ sleepMs: 1_000, text: "late" }).catch((error: GrpcError) => error);
    await sleep(50);
    await server.shutdown({ graceMs: 30 });
    const error = await call;
    expect(error).to.be.instanceOf(GrpcError);
    await ended;
    expect(handlerFinished).to.equal(false);
    expect(log.filter((entry) => entry[0] === "end")).to.deep.equal([["end", error.code]]);
    await handlerDone;
    await sleep(20);
    expect(log.filter((entry) => entry[0] === "end")).to.deep.equal([["end", error.code]]);
  });

  it("createServerContext: the observer is a plain settable field, undefined at first", () => {
    const ctx = createServerContext();
    expect(ctx.observer).to.equal(undefined);
    const observer = recorder([]);
    ctx.observer = observer;
    expect(ctx.observer).to.equal(observer);
  });
});

describe("server: ServerContext.observer and the server's deadline", () => {
  it("ends DEADLINE_EXCEEDED at the deadline, before the handler returns", async () => {
    const log: Heard[] = [];
    let handlerReturned = false;
    const server = new Server({
      maxTimeoutMs: 50,
      interceptors: [
        (ctx, next) => {
          ctx.observer = recorder(log);
          return next();
        },
      ],
    });
    server.add(Echo, {
      async echo() {
        await sleep(300);
        handlerReturned = true;
        return {};
      },
    } as never);
    const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    const channel = new Channel(`127.0.0.1:${port}`);
    try {
      const code = await createClient(Echo, channel)
        .echo({})
        .catch((error: GrpcError) => error.code);
      expect(code).to.equal(Code.DeadlineExceeded);
      expect(log).to.deep.equal([
        ["received", 2, false],
        ["end", Code.DeadlineExceeded],
      ]);
      expect(handlerReturned).to.equal(false);
    } finally {
      channel.close();
      await server.forceShutdown();
    }
  });
});
