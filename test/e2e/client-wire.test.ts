// Wire-level behaviour of our client against raw node:http2 servers written in the test.
import { expect } from "chai";
import * as http2 from "node:http2";
import { Channel, createClient } from "../../src/client/index.js";
import { channelCore } from "../../src/client/channel.js";
import { Metadata } from "../../src/metadata/index.js";
import { Code, encodeStatusDetails } from "../../src/status/index.js";
import { Echo, eventually, fromArray, grpcFrame, rejection } from "./client-fixtures.js";

const { constants } = http2;
type Handler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number) => void;

const GRPC_HEADERS = { ":status": 200, "content-type": "application/grpc" };

/** Answers with one message and OK. */
const replyOk =
  (value: unknown = { text: "ok" }): Handler =>
  (stream) => {
    if (stream.destroyed) return;
    stream.respond(GRPC_HEADERS, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    stream.end(grpcFrame(value));
  };

async function rawServer(
  handler: Handler,
  settings: http2.Settings = {},
): Promise<{ server: http2.Http2Server; port: number; sessions: http2.ServerHttp2Session[] }> {
  const server = http2.createServer({ settings });
  const sessions: http2.ServerHttp2Session[] = [];
  server.on("session", (session) => sessions.push(session));
  server.on("stream", (stream, headers, flags) => {
    stream.on("error", () => undefined); // resets are part of these tests
    handler(stream, headers, flags);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port, sessions };
}

describe("e2e: client wire behaviour against raw node:http2 servers", () => {
  let server: http2.Http2Server | undefined;
  let sessions: http2.ServerHttp2Session[];
  let channel: Channel | undefined;
  let client: any;

  async function start(handler: Handler, settings: http2.Settings = {}, channelOptions = {}): Promise<number> {
    const started = await rawServer(handler, settings);
    server = started.server;
    sessions = started.sessions;
    channel = new Channel(`127.0.0.1:${started.port}`, channelOptions);
    client = createClient(Echo, channel);
    return started.port;
  }

  afterEach(() => {
    channel?.close();
    for (const session of sessions ?? []) session.destroy();
    server?.close();
    server = channel = undefined;
  });

  it("checklist 1: sends the request headers the spec lists", async () => {
    let seen: http2.IncomingHttpHeaders = {};
    const port = await start((stream, headers) => {
      seen = headers;
      replyOk()(stream, headers, 0);
    });
    await client.echo(
      {},
      { timeoutMs: 10_000, metadata: new Metadata().set("x-user", "ada").set("x-bin", new Uint8Array([1, 2])), compression: "gzip" },
    );
    expect(seen[":method"]).to.equal("POST");
    expect(seen[":scheme"]).to.equal("http");
    expect(seen[":path"]).to.equal("/test.Echo/Echo");
    expect(seen[":authority"]).to.equal(`127.0.0.1:${port}`);
    expect(seen["te"]).to.equal("trailers");
    expect(seen["content-type"]).to.equal("application/grpc");
    expect(seen["user-agent"]).to.match(/^grpc-node-tsgrpc\/\d+\.\d+\.\d+$/);
    expect(seen["grpc-timeout"]).to.match(/^\d{1,8}[HMSmun]$/);
    expect(seen["grpc-encoding"]).to.equal("gzip");
    expect(seen["grpc-accept-encoding"]).to.include("gzip");
    expect(seen["x-user"]).to.equal("ada");
    expect(seen["x-bin-bin"] ?? seen["x-bin"]).to.be.a("string");
  });

  it("checklist 3: with nothing left to send, an empty DATA frame carries END_STREAM (not HEADERS)", async () => {
    let headersFlags = -1;
    let bytes = -1;
    await start((stream, headers, flags) => {
      headersFlags = flags;
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        bytes = Buffer.concat(chunks).length;
        replyOk({ text: "" })(stream, headers, flags);
      });
    });
    expect(await client.collect(fromArray([]))).to.deep.equal({ text: "" });
    expect(headersFlags & constants.NGHTTP2_FLAG_END_STREAM).to.equal(0);
    expect(bytes).to.equal(0);
  });

  it("checklist 12: reads the status of a trailers-only response", async () => {
    await start((stream) =>
      stream.respond({ ...GRPC_HEADERS, "grpc-status": "5", "grpc-message": "no%20such", "x-t": "v" }, { endStream: true }),
    );
    let trailers: Metadata | undefined;
    const error = await rejection(client.echo({}, { onTrailers: (m: Metadata) => (trailers = m) }));
    expect(error.code).to.equal(Code.NotFound);
    expect(error.statusMessage).to.equal("no such");
    expect(trailers?.get("x-t")).to.equal("v");
  });

  it("decodes grpc-status-details-bin into the error's status details", async () => {
    const details = encodeStatusDetails({
      code: 3,
      message: "bad",
      details: [{ typeUrl: "type.googleapis.com/x.Y", value: new Uint8Array([1, 2]) }],
    });
    await start((stream) =>
      stream.respond(
        { ...GRPC_HEADERS, "grpc-status": "3", "grpc-message": "bad", "grpc-status-details-bin": Buffer.from(details).toString("base64") },
        { endStream: true },
      ),
    );
    const error = await rejection(client.echo({}));
    expect(error.code).to.equal(Code.InvalidArgument);
    expect(error.statusDetails?.details[0]?.typeUrl).to.equal("type.googleapis.com/x.Y");
  });

  for (const [httpStatus, code] of [
    [400, Code.Internal],
    [401, Code.Unauthenticated],
    [403, Code.PermissionDenied],
    [404, Code.Unimplemented],
    [429, Code.Unavailable],
    [431, Code.Internal],
    [502, Code.Unavailable],
    [503, Code.Unavailable],
    [504, Code.Unavailable],
    [500, Code.Unknown],
  ] as const)
    it(`checklist 14: HTTP ${httpStatus} without grpc-status is ${Code[code]}`, async () => {
      await start((stream) => stream.respond({ ":status": httpStatus }, { endStream: true }));
      expect((await rejection(client.echo({}))).code).to.equal(code);
    });

  it("checklist 14: 1xx header blocks are skipped", async () => {
    await start((stream, headers) => {
      stream.additionalHeaders({ ":status": 100 });
      replyOk()(stream, headers, 0);
    });
    expect(await client.echo({})).to.deep.equal({ text: "ok" });
  });

  it("checklist 14: a 200 with a non-gRPC content-type is an error", async () => {
    await start((stream) => {
      stream.respond({ ":status": 200, "content-type": "text/html" });
      stream.end("<html></html>");
    });
    const error = await rejection(client.echo({}));
    expect(error.code).to.equal(Code.Unknown);
    expect(error.statusMessage).to.match(/content-type/);
  });

  it("a 200 without grpc-status is UNKNOWN", async () => {
    await start((stream) => {
      stream.respond(GRPC_HEADERS);
      stream.end(grpcFrame({ text: "x" }));
    });
    expect((await rejection(client.echo({}))).code).to.equal(Code.Unknown);
  });

  const RST_CASES: [number, Code][] = [
    [constants.NGHTTP2_NO_ERROR, Code.Internal],
    [constants.NGHTTP2_PROTOCOL_ERROR, Code.Internal],
    [constants.NGHTTP2_INTERNAL_ERROR, Code.Internal],
    [constants.NGHTTP2_FLOW_CONTROL_ERROR, Code.Internal],
    [constants.NGHTTP2_SETTINGS_TIMEOUT, Code.Internal],
    [constants.NGHTTP2_FRAME_SIZE_ERROR, Code.Internal],
    [constants.NGHTTP2_REFUSED_STREAM, Code.Unavailable],
    [constants.NGHTTP2_CANCEL, Code.Cancelled],
    [constants.NGHTTP2_COMPRESSION_ERROR, Code.Internal],
    [constants.NGHTTP2_CONNECT_ERROR, Code.Internal],
    [constants.NGHTTP2_ENHANCE_YOUR_CALM, Code.ResourceExhausted],
    [constants.NGHTTP2_INADEQUATE_SECURITY, Code.PermissionDenied],
    [constants.NGHTTP2_STREAM_CLOSED, Code.Internal],
    [constants.NGHTTP2_HTTP_1_1_REQUIRED, Code.Internal],
  ];
  for (const [rstCode, code] of RST_CASES)
    it(`checklist 19: RST_STREAM ${rstCode} is ${Code[code]}`, async () => {
      await start((stream) => stream.close(rstCode));
      const error = await rejection(client.echo({}));
      expect(error.code).to.equal(code);
      if (rstCode !== constants.NGHTTP2_NO_ERROR) expect(error.statusMessage).to.match(/RST_STREAM/);
    });

  it("checklist 20: cancel sends RST_STREAM(CANCEL), never INTERNAL_ERROR", async () => {
    const rstCode = new Promise<number>((resolve) =>
      start((stream) => {
        stream.respond(GRPC_HEADERS);
        stream.on("close", () => resolve(stream.rstCode));
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const controller = new AbortController();
    const call = client.echo({}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect((await rejection(call)).code).to.equal(Code.Cancelled);
    expect(await rstCode).to.equal(constants.NGHTTP2_CANCEL);
  });

  it("checklist 20: a server CANCELLED racing our deadline is DEADLINE_EXCEEDED", async () => {
    await start((stream) => setTimeout(() => !stream.closed && stream.close(constants.NGHTTP2_CANCEL), 40));
    expect((await rejection(client.echo({}, { timeoutMs: 40 }))).code).to.equal(Code.DeadlineExceeded);
  });

  it("checklist 18: trailers before the client finished sending end the call; the client stops sending", async () => {
    await start((stream) => {
      stream.respond({ ...GRPC_HEADERS, "grpc-status": "9", "grpc-message": "early" }, { endStream: true });
    });
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield { text: "x" };
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    const error = await rejection(client.collect(endless()));
    expect(error.code).to.equal(Code.FailedPrecondition);
    const after = pulled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled - after).to.be.at.most(1);
  });

  it("cardinality: a unary response with two messages or none is UNIMPLEMENTED", async () => {
    let messages = 2;
    await start((stream) => {
      stream.respond(GRPC_HEADERS, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(Buffer.concat(Array.from({ length: messages }, () => grpcFrame({ text: "m" }))));
    });
    expect((await rejection(client.echo({}))).code).to.equal(Code.Unimplemented);
    messages = 0;
    expect((await rejection(client.echo({}))).code).to.equal(Code.Unimplemented);
    expect((await rejection(client.collect(fromArray([{}])))).code).to.equal(Code.Unimplemented);
  });

  it("max receive size: a larger message is RESOURCE_EXHAUSTED", async () => {
    await start(replyOk({ text: "x".repeat(2000) }), {}, { maxReceiveMessageBytes: 1000 });
    expect((await rejection(client.echo({}))).code).to.equal(Code.ResourceExhausted);
    expect(await client.echo({}, { maxReceiveMessageBytes: 10_000 })).to.have.property("text");
  });

  it("decodes gzip-compressed responses; an unknown response encoding is INTERNAL", async () => {
    let encoding = "gzip";
    await start((stream) => {
      stream.respond({ ...GRPC_HEADERS, "grpc-encoding": encoding }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(grpcFrame({ text: "zipped" }, true));
    });
    expect(await client.echo({})).to.deep.equal({ text: "zipped" });
    const replies: unknown[] = [];
    for await (const reply of client.list({})) replies.push(reply);
    expect(replies).to.deep.equal([{ text: "zipped" }]);
    encoding = "snappy";
    expect((await rejection(client.echo({}))).code).to.equal(Code.Internal);
  });

  it("streaming: an unknown response encoding is INTERNAL, an oversize message RESOURCE_EXHAUSTED, a refused call retried", async () => {
    let mode = "snappy";
    let calls = 0;
    await start(
      (stream) => {
        calls++;
        if (mode === "refuse" && calls === 1) return void stream.close(constants.NGHTTP2_REFUSED_STREAM);
        stream.respond({ ...GRPC_HEADERS, "grpc-encoding": mode === "snappy" ? "snappy" : "identity" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(grpcFrame({ text: "x".repeat(mode === "big" ? 5000 : 1) }));
      },
      {},
      { maxReceiveMessageBytes: 1000 },
    );
    const drain = async (iterable: AsyncIterable<unknown>) => {
      for await (const _ of iterable);
    };
    expect((await rejection(drain(client.list({})))).code).to.equal(Code.Internal);
    mode = "big";
    expect((await rejection(drain(client.list({})))).code).to.equal(Code.ResourceExhausted);
    mode = "refuse";
    calls = 0;
    const replies: unknown[] = [];
    for await (const reply of client.list({})) replies.push(reply);
    expect(replies).to.deep.equal([{ text: "x" }]);
    expect(calls).to.equal(2);
  });

  it("breaking out of a bidi loop resets the stream with CANCEL", async () => {
    const rstCode = new Promise<number>((resolve) =>
      start((stream) => {
        stream.respond(GRPC_HEADERS);
        stream.write(grpcFrame({ text: "first" }));
        stream.on("close", () => resolve(stream.rstCode));
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    async function* forever() {
      yield { text: "a" };
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    }
    for await (const reply of client.chat(forever())) {
      expect(reply).to.deep.equal({ text: "first" });
      break;
    }
    expect(await rstCode).to.equal(constants.NGHTTP2_CANCEL);
  });

  it("a per-message compression opt-out sends flag 0 under grpc-encoding gzip", async () => {
    const flags: number[] = [];
    await start((stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const body = Buffer.concat(chunks);
        for (let offset = 0; offset < body.length; offset += 5 + body.readUInt32BE(offset + 1)) flags.push(body[offset]!);
        replyOk()(stream, headers, 0);
      });
    });
    await client.collect(fromArray([{ text: "a" }, { text: "b" }, { text: "c" }]), {
      compression: "gzip",
      compressMessage: (_: unknown, i: number) => i !== 1,
    });
    expect(flags).to.deep.equal([1, 0, 1]);
  });

  it("reading is driven by the consumer: a slow for-await holds the server back", async () => {
    let written = 0;
    await start((stream) => {
      stream.respond(GRPC_HEADERS);
      const chunk = grpcFrame({ text: "y".repeat(64 * 1024) });
      const pump = (): void => {
        while (!stream.destroyed && written < 4000) {
          written++;
          if (!stream.write(chunk)) return void stream.once("drain", pump);
        }
      };
      pump();
    });
    const iterator = client.list({})[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // 4000 x 64 KiB = 250 MiB would be written without backpressure; flow control stops it at a few MiB.
    expect(written).to.be.below(200);
    await iterator.return();
  });

  it("checklist 22: after GOAWAY, the accepted call finishes and new calls use a new connection", async () => {
    let first = true;
    await start((stream, headers) => {
      if (first) {
        first = false;
        stream.session!.goaway(constants.NGHTTP2_NO_ERROR, stream.id);
        setTimeout(() => replyOk({ text: "finished" })(stream, headers, 0), 20);
      } else replyOk()(stream, headers, 0);
    });
    expect(await client.echo({})).to.deep.equal({ text: "finished" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await client.echo({})).to.deep.equal({ text: "ok" });
    expect(sessions.length).to.equal(2);
  });

  it("checklist 22: a call above GOAWAY's last stream id is retried on a new connection", async () => {
    let firstId = -1;
    await start((stream, headers) => {
      if (stream.session !== sessions[0]) return replyOk({ text: "later" })(stream, headers, 0);
      if (firstId < 0) {
        firstId = stream.id!;
        setTimeout(() => replyOk({ text: "first" })(stream, headers, 0), 60);
      } else {
        // Seen, but GOAWAY will name the first call as the last one processed: this one must be retried.
        stream.session!.goaway(constants.NGHTTP2_NO_ERROR, firstId);
      }
    });
    await channel!.connect();
    const first = client.echo({});
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = client.echo({});
    expect(await Promise.all([first, second])).to.deep.equal([{ text: "first" }, { text: "later" }]);
    expect(sessions.length).to.equal(2);
  });

  it("checklist 22: a call the server refused is retried once transparently", async () => {
    let count = 0;
    await start((stream, headers) => (count++ === 0 ? stream.close(constants.NGHTTP2_REFUSED_STREAM) : replyOk()(stream, headers, 0)));
    expect(await client.echo({})).to.deep.equal({ text: "ok" });
    expect(count).to.equal(2);
  });

  it("checklist 23: a lost connection fails the call UNAVAILABLE", async () => {
    await start((stream) => setTimeout(() => stream.session?.destroy(), 20));
    expect((await rejection(client.echo({}))).code).to.equal(Code.Unavailable);
  });

  it("opens another connection when the server's max concurrent streams is reached", async () => {
    await start((stream, headers) => setTimeout(() => replyOk()(stream, headers, 0), 30), { maxConcurrentStreams: 1 });
    await client.echo({}); // learn the server's SETTINGS first
    await Promise.all([client.echo({}), client.echo({}), client.echo({})]);
    expect(sessions.length).to.be.at.least(2);
  });

  it("checklist 24: keepalive is off by default: no PING during a long call", async () => {
    let pings = 0;
    await start((stream, headers) => setTimeout(() => replyOk()(stream, headers, 0), 300));
    server!.on("session", (session: http2.ServerHttp2Session) => session.on("ping", () => pings++));
    expect(await client.echo({})).to.deep.equal({ text: "ok" });
    expect(channelCore(channel!).balancer.keepaliveTimeMs()).to.equal(undefined);
    expect(pings).to.equal(0);
  });

  it("checklist 24: keepalive pings, and too_many_pings doubles the interval", async () => {
    let pings = 0;
    await start(replyOk(), {}, { keepaliveTimeMs: 30, keepalivePermitWithoutCalls: true });
    server!.on("session", (session: http2.ServerHttp2Session) => session.on("ping", () => pings++));
    await client.echo({});
    expect(await eventually(() => pings >= 2)).to.equal(true);
    sessions[0]!.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, Buffer.from("too_many_pings"));
    expect(await eventually(() => channelCore(channel!).balancer.keepaliveTimeMs() === 60)).to.equal(true);
  });
  it("a streaming response that cannot be decoded, arriving while the consumer waits, fails the call and cancels the stream", async () => {
    let rstCode: number | undefined;
    await start((stream) => {
      stream.respond(GRPC_HEADERS);
      stream.write(grpcFrame({ text: "first" }));
      stream.on("close", () => (rstCode = stream.rstCode));
      setTimeout(() => stream.write(Buffer.from([0, 0, 0, 0, 1, 0x7b])), 30);
    });
    const responses = client.list({ count: 2 })[Symbol.asyncIterator]();
    expect((await responses.next()).value).to.deep.equal({ text: "first" });
    // The test codec's own error (JSON.parse) is what arrives: codecs, not the call, name the failure.
    const error = await responses.next().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).to.be.instanceOf(Error);
    expect(await eventually(() => rstCode === constants.NGHTTP2_CANCEL)).to.equal(true);
  });

  it("an onTrailers that throws at the end of a streaming call rejects the waiting next()", async () => {
    await start((stream) => {
      stream.respond(GRPC_HEADERS, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.write(grpcFrame({ text: "only" }));
      setTimeout(() => stream.end(), 30);
    });
    const thrown = new Error("onTrailers failed");
    const responses = client
      .list(
        { count: 1 },
        {
          onTrailers: () => {
            throw thrown;
          },
        },
      )
      [Symbol.asyncIterator]();
    expect((await responses.next()).value).to.deep.equal({ text: "only" });
    expect(
      await responses.next().then(
        () => undefined,
        (error: unknown) => error,
      ),
    ).to.equal(thrown);
  });
});
