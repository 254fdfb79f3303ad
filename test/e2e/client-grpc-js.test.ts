import { expect } from "chai";
import type * as grpc from "@grpc/grpc-js";
import { Channel, createClient } from "../../src/client/index.js";
import { Metadata } from "../../src/metadata/index.js";
import { Code } from "../../src/status/index.js";
import { collect } from "../pipeline/helpers.js";
import { Echo, eventually, fromArray, rejection, startGrpcJsServer, stopGrpcJsServer } from "./client-fixtures.js";

describe("e2e: our client against a grpc-js server", () => {
  let server: grpc.Server;
  let port: number;
  let calls: { cancelled: number };
  let channel: Channel;
  let client: any;

  beforeEach(async () => {
    ({ server, port, calls } = await startGrpcJsServer());
    channel = new Channel(`127.0.0.1:${port}`);
    client = createClient(Echo, channel);
  });
  afterEach(() => {
    channel.close();
    stopGrpcJsServer(server);
  });

  it("makes a unary call", async () => {
    expect(await client.echo({ text: "hi" })).to.deep.equal({ text: "hi" });
  });

  it("multiplexes concurrent unary calls over one connection", async () => {
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => client.echo({ text: `m${i}` })));
    expect(replies.map((r: any) => r.text)).to.deep.equal(Array.from({ length: 50 }, (_, i) => `m${i}`));
  });

  it("reports a status with message and trailers", async () => {
    let trailers: Metadata | undefined;
    const error = await rejection(
      client.echo(
        { fail: Code.NotFound, text: "no such thing", trailers: { "x-why": "because" } },
        { onTrailers: (t: Metadata) => (trailers = t) },
      ),
    );
    expect(error.code).to.equal(Code.NotFound);
    expect(error.statusMessage).to.equal("no such thing");
    expect(error.metadata.get("x-why")).to.equal("because");
    expect(trailers?.get("x-why")).to.equal("because");
  });

  it("sends metadata and receives headers and trailers", async () => {
    let headers: Metadata | undefined;
    let trailers: Metadata | undefined;
    const reply = await client.echo(
      { echoMetadata: true, headers: { "x-head": "h" }, trailers: { "x-tail": "t" } },
      {
        metadata: new Metadata().set("x-user", "ada"),
        onHeaders: (m: Metadata) => (headers = m),
        onTrailers: (m: Metadata) => (trailers = m),
      },
    );
    expect(reply.metadata["x-user"]).to.equal("ada");
    expect(reply.metadata["user-agent"]).to.match(/grpc-node-tsgrpc\/\d/);
    expect(headers?.get("x-head")).to.equal("h");
    expect(trailers?.get("x-tail")).to.equal("t");
  });

  it("server streaming yields every response", async () => {
    const replies = await collect(client.list({ count: 5, text: "s" }));
    expect(replies).to.deep.equal([0, 1, 2, 3, 4].map((i) => ({ i, text: "s" })));
  });

  it("client streaming sends every request", async () => {
    expect(await client.collect(fromArray([{ text: "a" }, { text: "b" }, { text: "c" }], 2))).to.deep.equal({ text: "a,b,c" });
  });

  it("client streaming with no requests sends an empty END_STREAM", async () => {
    expect(await client.collect(fromArray([]))).to.deep.equal({ text: "" });
  });

  it("bidi streaming echoes in order", async () => {
    const replies = await collect(client.chat(fromArray([{ text: "1" }, { text: "2" }, { text: "3" }])));
    expect(replies).to.deep.equal([{ text: "1" }, { text: "2" }, { text: "3" }]);
  });

  it("a deadline is DEADLINE_EXCEEDED and sent as grpc-timeout", async () => {
    const error = await rejection(client.echo({ sleepMs: 500 }, { timeoutMs: 50 }));
    expect(error.code).to.equal(Code.DeadlineExceeded);
    const reply = await client.echo({ echoMetadata: true }, { timeoutMs: 5000 });
    expect(reply.timeout)
      .to.be.a("number")
      .within(Date.now(), Date.now() + 5000);
  });

  it("an AbortSignal cancels with CANCELLED and the server sees the cancel", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(client.echo({ sleepMs: 500 }, { signal: controller.signal }));
    expect(error.code).to.equal(Code.Cancelled);
    expect(await eventually(() => calls.cancelled === 1)).to.equal(true);
  });

  it("breaking out of a server stream cancels it", async () => {
    for await (const reply of client.list({ count: 1000, sleepMs: 5 })) {
      expect(reply.i).to.equal(0);
      break;
    }
    expect(await eventually(() => calls.cancelled === 1)).to.equal(true);
  });

  it("gzip and deflate requests, with per-message opt-out", async () => {
    expect(await client.echo({ text: "z".repeat(1000) }, { compression: "gzip" })).to.deep.equal({ text: "z".repeat(1000) });
    expect(await client.echo({ text: "d" }, { compression: "deflate" })).to.deep.equal({ text: "d" });
    const reply = await client.collect(fromArray([{ text: "a" }, { text: "b" }]), {
      compression: "gzip",
      compressMessage: (_: unknown, index: number) => index === 0,
    });
    expect(reply).to.deep.equal({ text: "a,b" });
  });

  it("a connection refused fails fast with UNAVAILABLE naming connect", async () => {
    const dead = new Channel("127.0.0.1:1");
    const error = await rejection(createClient(Echo, dead).echo({}) as Promise<unknown>);
    dead.close();
    expect(error.code).to.equal(Code.Unavailable);
    expect(error.statusMessage).to.match(/connect/);
  });
});
