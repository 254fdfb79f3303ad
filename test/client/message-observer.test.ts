// CallOptions.observer (MessageObserver) and ClientCall.channel: what a client interceptor can
// learn of a call without wrapping its messages.
import { expect } from "chai";
import { Channel, Server, createClient, gzip, type ClientCall, type MessageObserver } from "../../src/index.js";
import { Echo } from "../otel/fixtures.js";

const bytesOf = (message: unknown) => new TextEncoder().encode(JSON.stringify(message)).length;

async function* fromArray<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

type Heard = ["sent" | "received", number, boolean];

function recorder(log: Heard[]): MessageObserver {
  return {
    onMessageSent: (bytes, compressed) => void log.push(["sent", bytes, compressed]),
    onMessageReceived: (bytes, compressed) => void log.push(["received", bytes, compressed]),
  };
}

describe("client: CallOptions.observer", () => {
  let server: Server;
  let channel: Channel;
  // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
  let client: any;
  let target: string;

  beforeEach(async () => {
    server = new Server();
    server.add(Echo, {
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      echo: async (request: any) => request,
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async *list(request: any) {
        for (let i = 0; i < request.count; i++) yield { i };
      },
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async collect(requests: AsyncIterable<any>) {
        let count = 0;
        for await (const _ of requests) count++;
        return { count };
      },
      // biome-ignore lint/suspicious/noExplicitAny: JSON test messages
      async *chat(requests: AsyncIterable<any>) {
        for await (const request of requests) yield request;
      },
    } as never);
    const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    target = `127.0.0.1:${port}`;
    channel = new Channel(target);
    client = createClient(Echo, channel);
  });

  afterEach(async () => {
    channel.close();
    await server.forceShutdown();
  });

  it("unary: the request as sent and the response as received, without the 5-byte prefix", async () => {
    const log: Heard[] = [];
    await client.echo({ text: "hi" }, { observer: recorder(log) });
    expect(log).to.deep.equal([
      ["sent", bytesOf({ text: "hi" }), false],
      ["received", bytesOf({ text: "hi" }), false],
    ]);
  });

  it("compressed requests are heard at their compressed size, flagged", async () => {
    const log: Heard[] = [];
    const text = "y".repeat(4000);
    await client.echo({ text }, { observer: recorder(log), compression: gzip });
    expect(log[0]![2]).to.equal(true);
    expect(log[0]![1])
      .to.be.greaterThan(0)
      .and.lessThan(bytesOf({ text }) / 10);
  });

  it("server streaming: one sent, every response received", async () => {
    const log: Heard[] = [];
    for await (const _ of client.list({ count: 3 }, { observer: recorder(log) }));
    expect(log.map((entry) => entry[0])).to.deep.equal(["sent", "received", "received", "received"]);
  });

  it("client streaming and bidi: every request sent", async () => {
    const log: Heard[] = [];
    expect(await client.collect(fromArray([{}, {}, {}]), { observer: recorder(log) })).to.deep.equal({ count: 3 });
    expect(log.map((entry) => entry[0])).to.deep.equal(["sent", "sent", "sent", "received"]);
    const chatLog: Heard[] = [];
    for await (const _ of client.chat(fromArray([{ a: 1 }, { a: 2 }]), { observer: recorder(chatLog) }));
    expect(chatLog.filter((entry) => entry[0] === "sent")).to.deep.equal([
      ["sent", bytesOf({ a: 1 }), false],
      ["sent", bytesOf({ a: 2 }), false],
    ]);
    expect(chatLog.filter((entry) => entry[0] === "received")).to.have.length(2);
  });

  it("an interceptor sees the channel (and its target) the call is made on", async () => {
    const seen: ClientCall[] = [];
    const intercepted = new Channel(target, {
      interceptors: [
        (call, next) => {
          seen.push(call);
          return next(call);
        },
      ],
    });
    try {
      await createClient(Echo, intercepted).echo({});
      expect(seen[0]!.channel).to.equal(intercepted);
      expect(intercepted.target).to.equal(target);
    } finally {
      intercepted.close();
    }
  });
});
