// Hostile input from raw node:http2 peers, against our Server and against our client. Each case
// must end the call with the spec's status code and a message naming the layer (and the limit
// where there is one); the peer that survives must go on serving: no crash, no hang.
import { expect } from "chai";
import http2 from "node:http2";
import { gzipSync } from "node:zlib";
import { Channel, Code, createClient, Metadata, type ServerContext, type ServiceImplementation } from "../../src/index.js";
import { Echo, grpcFrame, rejection } from "./client-fixtures.js";
import { Probe, type Started, frame, rawCall, startServer, statusOf, unframe } from "./server-fixtures.js";

const { constants } = http2;

/** A 5-byte message header with any flag byte and announced length. */
function messageHeader(flag: number, length: number): Buffer {
  const header = Buffer.alloc(5);
  header[0] = flag;
  header.writeUInt32BE(length, 1);
  return header;
}

let calls = 0;
const echo: ServiceImplementation = {
  async echo(request: any, ctx: ServerContext) {
    calls++;
    return { text: request.text, bin: ctx.metadata.getAll("x-bin").map((value) => [...(value as Uint8Array)]) };
  },
  async *chat(requests: AsyncIterable<any>) {
    for await (const request of requests) yield request;
  },
};

describe("e2e: hostile input", () => {
  describe("against our Server (raw node:http2 client)", () => {
    let started: Started;
    beforeEach(async () => (started = await startServer(echo, { maxHeaderListBytes: 4096 })));
    afterEach(async () => {
      // The server survived the case: a well-formed call still succeeds on a new connection.
      const healthy = await rawCall(started.port, { body: [frame({ text: "still up" })] });
      expect(statusOf(healthy).code).to.equal(Code.Ok);
      expect(JSON.parse(unframe(healthy.body)[0]!.payload.toString())).to.deep.equal({ text: "still up", bin: [] });
      await started.server.forceShutdown();
    });

    // The prefix alone must fail the call, on a request whose stream stays open (no END_STREAM
    // to wait for), whether the 5 bytes come in one DATA frame or one byte at a time.
    const PREFIX_CASES: [string, Buffer, Code, RegExp][] = [
      [
        "a header announcing 2^32-1 bytes is RESOURCE_EXHAUSTED",
        messageHeader(0, 0xffffffff),
        Code.ResourceExhausted,
        /^server: request of 4294967295 .*maxReceiveMessageBytes 4194304/,
      ],
      [
        "a header announcing limit + 1 bytes is RESOURCE_EXHAUSTED",
        messageHeader(0, 4194305),
        Code.ResourceExhausted,
        /^server: request of 4194305 .*maxReceiveMessageBytes 4194304/,
      ],
      ["a flag byte of 7 is INTERNAL", messageHeader(7, 2), Code.Internal, /framing: .*flag.*7/i],
      ["a flag byte of 2 is INTERNAL", messageHeader(2, 0), Code.Internal, /framing: .*flag.*2/i],
    ];
    for (const [name, prefix, code, message] of PREFIX_CASES)
      for (const [how, path] of [
        ["unary", "/test.Probe/Echo"],
        ["bidi", "/test.Probe/Chat"],
      ])
        for (const split of [false, true])
          it(`${name} at once, on an open ${how} stream${split ? ", prefix sent byte by byte" : ""}`, async () => {
            const body = split ? [...prefix].map((byte) => Buffer.from([byte])) : [prefix];
            const result = await rawCall(started.port, { path, body, keepOpen: true });
            const status = statusOf(result);
            expect(status.code, status.message).to.equal(code);
            expect(status.message).to.match(message);
          });

    it("a truncated message then END_STREAM is INTERNAL, naming the missing bytes", async () => {
      const whole = frame({ text: "truncated" });
      const result = await rawCall(started.port, { body: [whole.subarray(0, whole.length - 3)] });
      const status = statusOf(result);
      expect(status.code).to.equal(Code.Internal);
      expect(status.message).to.match(/^framing: stream ended inside a message/);
    });

    it("a header list beyond maxHeaderListBytes resets the stream, and no handler runs", async () => {
      calls = 0;
      const session = http2.connect(`http://127.0.0.1:${started.port}`);
      try {
        // The limit binds once our SETTINGS are acknowledged: a PING round trip after them proves it.
        await new Promise((resolve) => session.once("remoteSettings", resolve));
        await new Promise((resolve) => session.ping(resolve));
        expect(session.remoteSettings.maxHeaderListSize).to.equal(4096);
        const stream = session.request({
          ":method": "POST",
          ":path": "/test.Probe/Echo",
          "content-type": "application/grpc",
          te: "trailers",
          "x-big": "a".repeat(8000),
        });
        stream.on("error", () => undefined);
        stream.end(frame({ text: "big" }));
        await new Promise((resolve) => stream.on("close", resolve));
        expect(stream.rstCode).to.equal(constants.NGHTTP2_ENHANCE_YOUR_CALM);
        expect(calls).to.equal(0);
      } finally {
        session.close();
      }
    });

    for (const timeout of ["1x", "123456789S", "99999999999H", "1 S", "S1", "0x10S"])
      it(`grpc-timeout ${JSON.stringify(timeout)} is INTERNAL, naming the header`, async () => {
        const result = await rawCall(started.port, { headers: { "grpc-timeout": timeout }, body: [frame({})] });
        const status = statusOf(result);
        expect(status.code).to.equal(Code.Internal);
        expect(status.message).to.match(/^deadline: malformed grpc-timeout/);
      });

    it("reserved request headers never reach the handler as metadata (checklist 6)", async () => {
      let keys: string[] = [];
      const reserved = await startServer({
        async echo(_request: unknown, ctx: ServerContext) {
          keys = [...ctx.metadata.keys()].sort();
          return {};
        },
      });
      try {
        const headers = {
          "grpc-timeout": "10S",
          "grpc-encoding": "identity",
          "grpc-accept-encoding": "gzip",
          "grpc-status": "5",
          "grpc-message": "spoofed",
          "grpc-status-details-bin": "CAk",
          "x-custom": "kept",
        };
        const result = await rawCall(reserved.port, { headers, body: [frame({})] });
        expect(statusOf(result).code).to.equal(Code.Ok);
        expect(keys.filter((key) => key !== "user-agent")).to.deep.equal(["x-custom"]);
      } finally {
        await reserved.server.forceShutdown();
      }
    });

    // A -bin value that is not base64 is dropped (documented in src/http2/metadata-headers.ts):
    // optional metadata never fails a call, like an obs-text ASCII value (checklist 4).
    const BIN_CASES: [string, number[][]][] = [
      ["!!!not base64!!!", []],
      ["ab=c", []],
      ["a", []],
      ["====", []],
      ["AQID,@@", [[1, 2, 3]]],
      ["@@, AQID", [[1, 2, 3]]],
    ];
    for (const [value, kept] of BIN_CASES)
      it(`a -bin header ${JSON.stringify(value)} keeps only its base64 values, and the call succeeds`, async () => {
        const result = await rawCall(started.port, { headers: { "x-bin": value }, body: [frame({ text: "bin" })] });
        expect(statusOf(result).code).to.equal(Code.Ok);
        expect(JSON.parse(unframe(result.body)[0]!.payload.toString())).to.deep.equal({ text: "bin", bin: kept });
      });
  });

  describe("against our client (raw node:http2 server)", () => {
    type Handler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void;
    let server: http2.Http2Server | undefined;
    let sessions: http2.ServerHttp2Session[] = [];
    let channel: Channel | undefined;
    let client: any;
    let handler: Handler;

    beforeEach(async () => {
      server = http2.createServer();
      sessions = [];
      server.on("session", (session) => sessions.push(session));
      server.on("stream", (stream, headers) => {
        stream.on("error", () => undefined);
        handler(stream, headers);
      });
      await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
      channel = new Channel(`127.0.0.1:${(server.address() as { port: number }).port}`);
      client = createClient(Echo, channel);
    });

    afterEach(async () => {
      // The client survived the case: the same channel completes a well-formed call.
      handler = (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(grpcFrame({ text: "still up" }));
      };
      expect(await client.echo({}, { timeoutMs: 5000 })).to.deep.equal({ text: "still up" });
      channel?.close();
      for (const session of sessions) session.destroy();
      server?.close();
    });

    /** Answers with a trailers-only response made of `headers`. */
    const trailersOnly =
      (headers: http2.OutgoingHttpHeaders): Handler =>
      (stream) =>
        stream.respond({ ":status": 200, "content-type": "application/grpc", ...headers }, { endStream: true });

    for (const status of ["abc", "007", "-1", "1.0", "+1", "1e1", "0x1", "17", "4294967296", ""])
      it(`grpc-status ${JSON.stringify(status)} is UNKNOWN, naming the header and the value`, async () => {
        handler = trailersOnly({ "grpc-status": status, "grpc-message": "from the server" });
        const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
        expect(error.code).to.equal(Code.Unknown);
        expect(error.statusMessage)
          .to.match(/^http: /)
          .and.include("grpc-status")
          .and.include(JSON.stringify(status));
      });

    it("a content-type text/html with :status 200 is an error naming the content-type", async () => {
      handler = (stream) => {
        stream.respond({ ":status": 200, "content-type": "text/html" });
        stream.end("<html>hello</html>");
      };
      const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
      expect(error.code).to.equal(Code.Unknown);
      expect(error.statusMessage)
        .to.match(/^protocol: /)
        .and.include("content-type")
        .and.include("text/html");
    });

    it("a response message announcing 2^32-1 bytes is RESOURCE_EXHAUSTED, naming the limit", async () => {
      handler = (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" });
        stream.write(messageHeader(0, 0xffffffff));
      };
      const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
      expect(error.code).to.equal(Code.ResourceExhausted);
      expect(error.statusMessage)
        .to.match(/^client: response of .*maxReceiveMessageBytes/)
        .and.include("4294967295")
        .and.include("4194304");
    });

    it("a response flag byte of 7 is INTERNAL, naming the flag", async () => {
      handler = (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(Buffer.concat([messageHeader(7, 2), Buffer.from("{}")]));
      };
      const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
      expect(error.code).to.equal(Code.Internal);
      expect(error.statusMessage).to.match(/^framing: .*flag.*7/i);
    });

    it("a truncated response message then OK trailers is INTERNAL", async () => {
      handler = (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        const whole = grpcFrame({ text: "truncated" });
        stream.end(whole.subarray(0, whole.length - 3));
      };
      const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
      expect(error.code).to.equal(Code.Internal);
      expect(error.statusMessage).to.match(/^framing: stream ended inside a message/);
    });

    it("a compressed flag without grpc-encoding is INTERNAL (checklist 9)", async () => {
      handler = (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(grpcFrame({ text: "zipped" }, true));
      };
      const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
      expect(error.code, error.statusMessage).to.equal(Code.Internal);
      expect(error.statusMessage)
        .to.match(/^pipeline: compressed flag/)
        .and.match(/grpc-encoding/);
    });

    it("a gzip bomb (small on the wire, over the limit inflated) is RESOURCE_EXHAUSTED, naming the limit (checklist 27)", async () => {
      const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
      expect(bomb.length).to.be.lessThan(256 * 1024);
      handler = (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-encoding": "gzip" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(Buffer.concat([messageHeader(1, bomb.length), bomb]));
      };
      const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
      expect(error.code, error.statusMessage).to.equal(Code.ResourceExhausted);
      expect(error.statusMessage)
        .to.match(/^(compression|pipeline): /)
        .and.include("4194304");
    });

    it("a -bin trailer with garbage base64 does not fail the call", async () => {
      let trailers: Metadata | undefined;
      handler = (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "x-bin": "!!!garbage!!!", "x-ok": "yes" }));
        stream.end(grpcFrame({ text: "ok" }));
      };
      expect(await client.echo({}, { timeoutMs: 5000, onTrailers: (m: Metadata) => (trailers = m) })).to.deep.equal({ text: "ok" });
      expect(trailers?.get("x-ok")).to.equal("yes");
    });

    for (const where of ["headers", "trailers"])
      it(`response ${where} over node's 64 KiB header list limit fail the call, not the channel`, async () => {
        const big = { "x-big": "a".repeat(100_000) };
        handler = (stream) => {
          stream.respond(
            { ":status": 200, "content-type": "application/grpc", ...(where === "headers" ? big : {}) },
            { waitForTrailers: true },
          );
          stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", ...(where === "trailers" ? big : {}) }));
          stream.end(grpcFrame({ text: "ok" }));
        };
        const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
        // node drops the block (trailers: no grpc-status, UNKNOWN) or resets the stream (headers: INTERNAL).
        expect([Code.Unknown, Code.Internal], error.statusMessage).to.include(error.code);
      });

    it("a server that never answers: the client's deadline fires", async () => {
      handler = () => undefined;
      const started = Date.now();
      const error = await rejection(client.echo({}, { timeoutMs: 150 }));
      expect(error.code).to.equal(Code.DeadlineExceeded);
      expect(error.statusMessage).to.match(/^deadline: exceeded/);
      expect(Date.now() - started).to.be.lessThan(2000);
    });

    it("a server that sends headers and then nothing: the client's deadline fires", async () => {
      handler = (stream) => stream.respond({ ":status": 200, "content-type": "application/grpc" });
      const error = await rejection(client.echo({}, { timeoutMs: 150 }));
      expect(error.code).to.equal(Code.DeadlineExceeded);
    });

    // NO_ERROR is left out: node:http2 sends END_STREAM before it, so the call ends without
    // grpc-status (UNKNOWN, tested in client-wire); a RST_STREAM(NO_ERROR) alone is tested there too.
    const RST: [string, Code][] = [
      ...[
        "PROTOCOL_ERROR",
        "INTERNAL_ERROR",
        "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT",
        "STREAM_CLOSED",
        "FRAME_SIZE_ERROR",
        "COMPRESSION_ERROR",
        "CONNECT_ERROR",
        "HTTP_1_1_REQUIRED",
      ].map((name): [string, Code] => [name, Code.Internal]),
      ["REFUSED_STREAM", Code.Unavailable],
      ["CANCEL", Code.Cancelled],
      ["ENHANCE_YOUR_CALM", Code.ResourceExhausted],
      ["INADEQUATE_SECURITY", Code.PermissionDenied],
    ];
    for (const [name, code] of RST)
      it(`RST_STREAM ${name} in the middle of a response message is ${Code[code]}, naming the RST code`, async () => {
        handler = (stream) => {
          stream.respond({ ":status": 200, "content-type": "application/grpc" });
          // node:http2 sends END_STREAM before RST_STREAM when a stream still writable is closed;
          // the client keeps its side open (bidi), so the RST_STREAM is what ends the call.
          stream.write(Buffer.concat([grpcFrame({ text: "whole" }), grpcFrame({ text: "partial" }).subarray(0, 3)]), () =>
            stream.close((constants as unknown as Record<string, number>)[`NGHTTP2_${name}`]!),
          );
        };
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        async function* requests() {
          yield { text: "a" };
          await held;
        }
        const replies: unknown[] = [];
        const error = await rejection(
          (async () => {
            for await (const reply of client.chat(requests(), { timeoutMs: 5000 })) replies.push(reply);
          })(),
        );
        release();
        expect(replies).to.deep.equal([{ text: "whole" }]);
        expect(error.code, error.statusMessage).to.equal(code);
        expect(error.statusMessage)
          .to.match(/^http2: /)
          .and.include("RST_STREAM")
          .and.include(name);
      });
  });

  describe("our client against our Server", () => {
    it("metadata beyond the server's header list limit is a clear error, and the channel carries on (checklist 7)", async () => {
      const started = await startServer(echo, { maxHeaderListBytes: 4096 });
      const channel = new Channel(`127.0.0.1:${started.port}`);
      const client: any = createClient(Probe, channel);
      try {
        // The first call lets the server's SETTINGS arrive; the limit binds from then on.
        expect(await client.echo({ text: "small" }, { timeoutMs: 5000 })).to.deep.equal({ text: "small", bin: [] });
        const error = await rejection(client.echo({}, { timeoutMs: 5000, metadata: new Metadata().set("x-big", "a".repeat(8000)) }));
        expect(error.code, error.statusMessage).to.equal(Code.ResourceExhausted);
        expect(error.statusMessage).to.match(/^metadata: .* \d+ bytes, over the server's header list limit of 4096 bytes/);
        expect(await client.echo({ text: "after" }, { timeoutMs: 5000 })).to.deep.equal({ text: "after", bin: [] });
      } finally {
        channel.close();
        await started.server.forceShutdown();
      }
    });
  });
});
