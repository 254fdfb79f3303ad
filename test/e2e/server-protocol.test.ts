// Protocol-level checks of the Server, driven with raw node:http2 requests (checklist items 11,
// 12, 15-18, 21 and the compression and limit rules of issue 3).
import { expect } from "chai";
import http2 from "node:http2";
import { gunzipSync } from "node:zlib";
import { Code, GrpcError, type ServerContext, type ServiceImplementation } from "../../src/index.js";
import { type Started, frame, rawCall, sleep, startServer, statusOf, unframe } from "./server-fixtures.js";

const echo: ServiceImplementation = {
  async echo(request: any, ctx: ServerContext) {
    if (request.fail !== undefined) throw new GrpcError(request.fail, request.text ?? "");
    if (request.throwPlain) throw new Error("secret stack detail");
    if (request.compression !== undefined) ctx.compression = request.compression;
    if (request.plain) ctx.compressMessages = false;
    return { text: request.text, size: request.size ? "x".repeat(request.size) : undefined };
  },
  async *list(request: any, ctx: ServerContext) {
    for (let i = 0; i < (request.count ?? 0); i++) {
      ctx.compressMessages = i % 2 === 0;
      yield { i };
    }
  },
  async collect() {
    return { done: true };
  },
};

describe("e2e server: protocol", () => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.server.forceShutdown();
    started = undefined;
  });

  describe("request validation (checklist 15)", () => {
    beforeEach(async () => (started = await startServer(echo)));

    it("answers a method other than POST with HTTP 405", async () => {
      const result = await rawCall(started!.port, { headers: { ":method": "GET" } });
      expect(result.headers[":status"]).to.equal(405);
      expect(result.headers.allow).to.equal("POST");
    });

    for (const contentType of ["text/plain", "application/json", "application/grpcx", ""])
      it(`answers content-type ${JSON.stringify(contentType)} with HTTP 415`, async () => {
        const result = await rawCall(started!.port, { headers: { "content-type": contentType }, body: [frame({})] });
        expect(result.headers[":status"]).to.equal(415);
        expect(result.headers["grpc-status"]).to.equal(undefined);
      });

    for (const contentType of ["application/grpc", "application/grpc+proto", "application/grpc+json", "Application/GRPC"])
      it(`accepts content-type ${contentType}`, async () => {
        const result = await rawCall(started!.port, { headers: { "content-type": contentType }, body: [frame({ text: "a" })] });
        expect(statusOf(result).code).to.equal(Code.Ok);
      });

    for (const path of ["/test.Probe/Nope", "/test.Nope/Echo", "/nonsense", "/test.probe/Echo"])
      it(`answers ${path} with a trailers-only UNIMPLEMENTED`, async () => {
        const result = await rawCall(started!.port, { path, body: [frame({})] });
        expect(result.headers[":status"]).to.equal(200);
        expect(result.trailersOnly).to.equal(true);
        expect(result.headers["content-type"]).to.equal("application/grpc");
        expect(Number(result.headers["grpc-status"])).to.equal(Code.Unimplemented);
      });

    for (const timeout of ["123456789m", "1x", "-1S", "1.5S", "m", ""])
      it(`answers a malformed grpc-timeout ${JSON.stringify(timeout)} with INTERNAL`, async () => {
        const result = await rawCall(started!.port, { headers: { "grpc-timeout": timeout }, body: [frame({})] });
        expect(result.trailersOnly).to.equal(true);
        expect(Number(result.headers["grpc-status"])).to.equal(Code.Internal);
        expect(result.headers["grpc-message"]).to.match(/timeout/i);
      });
  });

  describe("responses and status (checklist 11, 12, 16, 17, 18)", () => {
    beforeEach(async () => (started = await startServer(echo)));

    it("sends headers, one message, then trailers with grpc-status 0 (checklist 11)", async () => {
      const result = await rawCall(started!.port, { body: [frame({ text: "hi" })] });
      expect(result.headers[":status"]).to.equal(200);
      expect(result.headers["content-type"]).to.equal("application/grpc");
      expect(result.trailersOnly).to.equal(false);
      expect(unframe(result.body).map((f) => JSON.parse(f.payload.toString()))).to.deep.equal([{ text: "hi" }]);
      expect(result.trailers?.["grpc-status"]).to.equal("0");
    });

    it("sends no date header, in a response or a trailers-only one (gRPC servers do not; node would add one)", async () => {
      const result = await rawCall(started!.port, { body: [frame({ text: "hi" })] });
      expect(result.headers).to.not.have.property("date");
      const trailersOnly = await rawCall(started!.port, { path: "/test.Probe/Nope", body: [frame({})] });
      expect(trailersOnly.trailersOnly).to.equal(true);
      expect(trailersOnly.headers).to.not.have.property("date");
    });

    it("decodes a request split into one-byte DATA frames", async () => {
      const bytes = frame({ text: "split" });
      const body = [...bytes].map((byte) => Buffer.from([byte]));
      const result = await rawCall(started!.port, { body });
      expect(JSON.parse(unframe(result.body)[0]!.payload.toString())).to.deep.equal({ text: "split" });
    });

    it("answers an error before any message as trailers-only, keeping code and message (checklist 12)", async () => {
      const result = await rawCall(started!.port, { body: [frame({ fail: Code.NotFound, text: "no such thing: 100%" })] });
      expect(result.trailersOnly).to.equal(true);
      expect(result.trailers).to.equal(undefined);
      expect(result.headers["content-type"]).to.equal("application/grpc");
      expect(statusOf(result)).to.deep.equal({ code: Code.NotFound, message: "no such thing: 100%25" });
    });

    it("answers a thrown non-status error with UNKNOWN and a generic message (checklist 17)", async () => {
      const result = await rawCall(started!.port, { body: [frame({ throwPlain: true })] });
      const status = statusOf(result);
      expect(status.code).to.equal(Code.Unknown);
      expect(status.message ?? "").not.to.include("secret");
    });

    it("answers a unary call with no request message with UNIMPLEMENTED (checklist 16)", async () => {
      const result = await rawCall(started!.port, { body: [] });
      expect(statusOf(result).code).to.equal(Code.Unimplemented);
    });

    it("answers a unary call with two request messages with UNIMPLEMENTED (checklist 16)", async () => {
      const result = await rawCall(started!.port, { body: [frame({ text: "a" }), frame({ text: "b" })] });
      expect(statusOf(result).code).to.equal(Code.Unimplemented);
    });

    it("answers a server-streaming call with two request messages with UNIMPLEMENTED (checklist 16)", async () => {
      const result = await rawCall(started!.port, { path: "/test.Probe/List", body: [frame({ count: 1 }), frame({ count: 1 })] });
      expect(statusOf(result).code).to.equal(Code.Unimplemented);
    });

    it("follows trailers sent before the client half-closed with RST_STREAM(NO_ERROR) (checklist 18)", async () => {
      // The client never ends its side: only the server's RST_STREAM can close the stream.
      const result = await rawCall(started!.port, { path: "/test.Probe/Collect", body: [frame({})], keepOpen: true });
      expect(result.trailers?.["grpc-status"]).to.equal("0");
      expect(result.rstCode).to.equal(http2.constants.NGHTTP2_NO_ERROR);
    });

    for (const [what, path, body] of [
      ["an unknown method", "/test.Probe/Nope", [frame({})]],
      ["a request with no body yet", "/test.Probe/Nope", []],
    ] as const)
      it(`follows a trailers-only response for ${what} with RST_STREAM(NO_ERROR) when the client is still sending (checklist 18)`, async () => {
        const result = await rawCall(started!.port, { path, body: [...body], keepOpen: true });
        expect(result.trailersOnly).to.equal(true);
        expect(result.rstCode).to.equal(http2.constants.NGHTTP2_NO_ERROR);
      });

    it("answers a unary request whose prefix is over the limit at once, without waiting for END_STREAM (checklist 10)", async () => {
      const prefix = Buffer.from([0, 0xff, 0xff, 0xff, 0xff]);
      const result = await rawCall(started!.port, { body: [prefix], keepOpen: true });
      expect(statusOf(result)).to.deep.equal({
        code: Code.ResourceExhausted,
        message: "server: request of 4294967295 bytes (4 GiB) exceeds maxReceiveMessageBytes 4194304 bytes (4 MiB)",
      });
    });

    it("answers a unary request with a compressed flag of 3 at once, even split byte by byte (checklist 8)", async () => {
      const prefix = [3, 0, 0, 0, 2].map((byte) => Buffer.from([byte]));
      const result = await rawCall(started!.port, { body: prefix, keepOpen: true });
      expect(statusOf(result).code).to.equal(Code.Internal);
      expect(statusOf(result).message).to.match(/^framing: .*flag.*3/);
    });

    it("rejects a truncated request message with INTERNAL", async () => {
      const result = await rawCall(started!.port, { body: [frame({ text: "cut" }).subarray(0, 8)] });
      expect(statusOf(result).code).to.equal(Code.Internal);
    });

    it("rejects a compressed flag of 2 with INTERNAL", async () => {
      const bytes = frame({});
      bytes[0] = 2;
      const result = await rawCall(started!.port, { body: [bytes] });
      expect(statusOf(result).code).to.equal(Code.Internal);
    });
  });

  describe("deadlines (checklist 21)", () => {
    it("answers DEADLINE_EXCEEDED and resets the stream with CANCEL", async () => {
      started = await startServer(echo);
      // The client never half-closes, so the request never completes and the deadline fires;
      // only the RST_STREAM can then close the stream on the client's side.
      const result = await rawCall(started.port, { headers: { "grpc-timeout": "50m" }, body: [frame({})], keepOpen: true });
      expect(statusOf(result).code).to.equal(Code.DeadlineExceeded);
      expect(result.rstCode).to.equal(http2.constants.NGHTTP2_CANCEL);
    });

    it("aborts the handler's signal with DEADLINE_EXCEEDED", async () => {
      let reason: unknown;
      started = await startServer({
        async echo(_request: unknown, ctx: ServerContext) {
          await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
          reason = ctx.signal.reason;
          return {};
        },
      });
      const result = await rawCall(started.port, { headers: { "grpc-timeout": "50m" }, body: [frame({})] });
      expect(statusOf(result).code).to.equal(Code.DeadlineExceeded);
      await sleep(10);
      expect(reason).to.be.instanceOf(GrpcError).with.property("code", Code.DeadlineExceeded);
    });

    it("caps the client's deadline with maxTimeoutMs", async () => {
      started = await startServer(
        {
          async echo(_request: unknown, ctx: ServerContext) {
            await sleep(500);
            return { deadline: ctx.deadline };
          },
        },
        { maxTimeoutMs: 30 },
      );
      const result = await rawCall(started.port, { headers: { "grpc-timeout": "10S" }, body: [frame({})] });
      expect(statusOf(result).code).to.equal(Code.DeadlineExceeded);
    });

    it("ends a streaming call whose deadline passes mid-stream with DEADLINE_EXCEEDED, then CANCEL", async () => {
      let finallyRan = false;
      started = await startServer({
        async *chat(_requests: unknown, ctx: ServerContext) {
          try {
            for (let i = 0; ; i++) {
              yield { i };
              await sleep(10);
              if (ctx.signal.aborted) return;
            }
          } finally {
            finallyRan = true;
          }
        },
      });
      const result = await rawCall(started.port, {
        path: "/test.Probe/Chat",
        headers: { "grpc-timeout": "80m" },
        body: [frame({})],
        keepOpen: true,
      });
      expect(unframe(result.body).length).to.be.greaterThan(0);
      expect(statusOf(result).code).to.equal(Code.DeadlineExceeded);
      expect(result.rstCode).to.equal(http2.constants.NGHTTP2_CANCEL);
      await sleep(50);
      expect(finallyRan).to.equal(true);
    });
  });

  describe("compression", () => {
    it("decodes a gzip request", async () => {
      started = await startServer(echo);
      const result = await rawCall(started.port, { headers: { "grpc-encoding": "gzip" }, body: [frame({ text: "zipped" }, true)] });
      expect(JSON.parse(unframe(result.body)[0]!.payload.toString())).to.deep.equal({ text: "zipped" });
    });

    it("answers an unknown grpc-encoding with UNIMPLEMENTED and grpc-accept-encoding", async () => {
      started = await startServer(echo);
      const result = await rawCall(started.port, { headers: { "grpc-encoding": "snappy" }, body: [frame({}, true)] });
      expect(statusOf(result).code).to.equal(Code.Unimplemented);
      expect(result.headers["grpc-accept-encoding"]).to.include("gzip");
    });

    it("answers a compressed flag without grpc-encoding with INTERNAL (checklist 9)", async () => {
      started = await startServer(echo);
      const result = await rawCall(started.port, { body: [frame({}, true)] });
      expect(statusOf(result).code).to.equal(Code.Internal);
    });

    it("compresses responses when the server asks and the client accepts gzip", async () => {
      started = await startServer(echo, { responseCompression: "gzip" });
      const result = await rawCall(started.port, { headers: { "grpc-accept-encoding": "identity,gzip" }, body: [frame({ text: "z" })] });
      expect(result.headers["grpc-encoding"]).to.equal("gzip");
      const [message] = unframe(result.body);
      expect(message!.compressed).to.equal(true);
      expect(JSON.parse(gunzipSync(message!.payload).toString())).to.deep.equal({ text: "z" });
    });

    it("never compresses with an algorithm the client did not list", async () => {
      started = await startServer(echo, { responseCompression: "gzip" });
      const result = await rawCall(started.port, { headers: { "grpc-accept-encoding": "identity,deflate" }, body: [frame({ text: "z" })] });
      expect(result.headers["grpc-encoding"]).to.equal(undefined);
      expect(unframe(result.body)[0]!.compressed).to.equal(false);
    });

    it("lets a call choose its compression (ctx.compression)", async () => {
      started = await startServer(echo);
      const result = await rawCall(started.port, {
        headers: { "grpc-accept-encoding": "gzip,deflate" },
        body: [frame({ text: "d", compression: "deflate" })],
      });
      expect(result.headers["grpc-encoding"]).to.equal("deflate");
      expect(unframe(result.body)[0]!.compressed).to.equal(true);
    });

    it("honours a per-message opt-out (ctx.compressMessages = false)", async () => {
      started = await startServer(echo, { responseCompression: "gzip" });
      const unary = await rawCall(started.port, { headers: { "grpc-accept-encoding": "gzip" }, body: [frame({ text: "p", plain: true })] });
      expect(unframe(unary.body)[0]!.compressed).to.equal(false);
      const stream = await rawCall(started.port, {
        path: "/test.Probe/List",
        headers: { "grpc-accept-encoding": "gzip" },
        body: [frame({ count: 4 })],
      });
      expect(unframe(stream.body).map((f) => f.compressed)).to.deep.equal([true, false, true, false]);
    });
  });

  describe("limits", () => {
    it("answers a request over maxReceiveMessageBytes with RESOURCE_EXHAUSTED", async () => {
      started = await startServer(echo, { maxReceiveMessageBytes: 100 });
      const result = await rawCall(started.port, { body: [frame({ text: "x".repeat(200) })] });
      expect(statusOf(result).code).to.equal(Code.ResourceExhausted);
    });

    it("answers a gzip request that inflates over the limit with RESOURCE_EXHAUSTED", async () => {
      started = await startServer(echo, { maxReceiveMessageBytes: 1000 });
      const result = await rawCall(started.port, {
        headers: { "grpc-encoding": "gzip" },
        body: [frame({ text: "x".repeat(100_000) }, true)],
      });
      expect(statusOf(result).code).to.equal(Code.ResourceExhausted);
    });

    it("fails a response over maxSendMessageBytes with RESOURCE_EXHAUSTED", async () => {
      started = await startServer(echo, { maxSendMessageBytes: 100 });
      const result = await rawCall(started.port, { body: [frame({ size: 500 })] });
      expect(statusOf(result).code).to.equal(Code.ResourceExhausted);
    });

    it("announces maxConcurrentStreams in SETTINGS", async () => {
      started = await startServer(echo, { maxConcurrentStreams: 7 });
      const session = http2.connect(`http://127.0.0.1:${started.port}`);
      const settings = await new Promise<http2.Settings>((resolve) => session.once("remoteSettings", resolve));
      session.close();
      expect(settings.maxConcurrentStreams).to.equal(7);
    });
  });

  describe("streaming requests", () => {
    it("paces a fast client to a slow handler and loses no message", async () => {
      started = await startServer({
        async collect(requests: AsyncIterable<any>) {
          let sum = 0;
          let count = 0;
          for await (const request of requests) {
            sum += request.n;
            if (++count % 10 === 0) await sleep(2);
          }
          return { sum, count };
        },
      });
      const body = Array.from({ length: 200 }, (_, n) => frame({ n }));
      const result = await rawCall(started.port, { path: "/test.Probe/Collect", body: [Buffer.concat(body)] });
      expect(JSON.parse(unframe(result.body)[0]!.payload.toString())).to.deep.equal({ sum: 19900, count: 200 });
    });

    it("lets a bidi handler stop reading early (break) and still answer", async () => {
      started = await startServer({
        async *chat(requests: AsyncIterable<any>) {
          for await (const request of requests) {
            yield { got: request.n };
            break;
          }
          yield { done: true };
        },
      });
      const result = await rawCall(started.port, { path: "/test.Probe/Chat", body: [frame({ n: 1 }), frame({ n: 2 })] });
      expect(unframe(result.body).map((f) => JSON.parse(f.payload.toString()))).to.deep.equal([{ got: 1 }, { done: true }]);
      expect(statusOf(result).code).to.equal(Code.Ok);
    });

    it("fails a streaming request cut inside a message with INTERNAL", async () => {
      started = await startServer({
        async collect(requests: AsyncIterable<any>) {
          for await (const _request of requests);
          return {};
        },
      });
      const result = await rawCall(started.port, { path: "/test.Probe/Collect", body: [frame({ n: 1 }), frame({ n: 2 }).subarray(0, 7)] });
      expect(statusOf(result).code).to.equal(Code.Internal);
    });
  });

  describe("response headers", () => {
    it("ctx.sendHeaders() sends them at once; changes after that are not sent", async () => {
      let sentFirst = false;
      started = await startServer({
        async *list(_request: unknown, ctx: ServerContext) {
          ctx.headers.set("x-early", "1");
          ctx.sendHeaders();
          sentFirst = ctx.headersSent;
          ctx.headers.set("x-late", "2");
          ctx.sendHeaders();
          yield { i: 0 };
        },
      });
      const result = await rawCall(started.port, { path: "/test.Probe/List", body: [frame({})] });
      expect(sentFirst).to.equal(true);
      expect(result.headers["x-early"]).to.equal("1");
      expect(result.headers["x-late"]).to.equal(undefined);
      expect(statusOf(result).code).to.equal(Code.Ok);
    });

    it("sends headers set by a failing handler with the trailers-only status", async () => {
      started = await startServer({
        async echo(_request: unknown, ctx: ServerContext) {
          ctx.headers.set("x-head", "h");
          throw new GrpcError(Code.Aborted, "no");
        },
      });
      const result = await rawCall(started.port, { body: [frame({})] });
      expect(result.trailersOnly).to.equal(true);
      expect(result.headers["x-head"]).to.equal("h");
    });

    it("rejects a streaming handler that returns no iterable with UNKNOWN", async () => {
      started = await startServer({ list: (() => 42) as never });
      const result = await rawCall(started.port, { path: "/test.Probe/List", body: [frame({})] });
      expect(statusOf(result).code).to.equal(Code.Unknown);
    });
  });

  describe("metadata", () => {
    it("hands request metadata to the handler and sends headers and trailers, -bin included", async () => {
      started = await startServer({
        async echo(_request: unknown, ctx: ServerContext) {
          ctx.headers.set("x-head", "h").set("x-head-bin", new Uint8Array([0, 1, 2]));
          ctx.trailers.set("x-trail", "t").set("x-trail-bin", new Uint8Array([255]));
          return {
            user: ctx.metadata.get("x-user"),
            bin: [...(ctx.metadata.getAll("x-data-bin") as Uint8Array[])].map((v) => [...v]),
            latin: ctx.metadata.get("x-latin"),
            reserved: ctx.metadata.has("grpc-timeout") || ctx.metadata.has("content-type") || ctx.metadata.has("te"),
          };
        },
      });
      const result = await rawCall(started.port, {
        headers: { "x-user": "ada", "x-data-bin": "AAE, AgM=", "x-latin": "caf\xe9", "grpc-timeout": "10S" },
        body: [frame({})],
      });
      expect(JSON.parse(unframe(result.body)[0]!.payload.toString())).to.deep.equal({
        user: "ada",
        bin: [
          [0, 1],
          [2, 3],
        ],
        latin: "caf\xe9",
        reserved: false,
      });
      expect(result.headers["x-head"]).to.equal("h");
      expect(result.headers["x-head-bin"]).to.equal("AAEC");
      expect(result.trailers?.["x-trail"]).to.equal("t");
      expect(result.trailers?.["x-trail-bin"]).to.equal("/w");
    });

    it("sends trailers and status details with a thrown error, in the trailers-only response", async () => {
      started = await startServer({
        async echo(_request: unknown, ctx: ServerContext) {
          ctx.trailers.set("x-from-ctx", "1");
          throw new GrpcError(Code.FailedPrecondition, "nope", {
            metadata: new (await import("../../src/index.js")).Metadata().set("x-from-error", "2"),
            details: new Uint8Array([8, 9]),
          });
        },
      });
      const result = await rawCall(started.port, { body: [frame({})] });
      expect(result.trailersOnly).to.equal(true);
      expect(result.headers["x-from-ctx"]).to.equal("1");
      expect(result.headers["x-from-error"]).to.equal("2");
      expect(result.headers["grpc-status-details-bin"]).to.equal("CAk");
    });
  });
});
