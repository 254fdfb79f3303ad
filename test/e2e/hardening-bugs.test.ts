// Bugs found when tsgrpc was tried as a new user would (issue 14): each one's fix, end to end.
import { expect } from "chai";
import * as http2 from "node:http2";
import { createServer as createNetServer } from "node:net";
import { Channel, createClient } from "../../src/client/index.js";
import type { ServerContext } from "../../src/index.js";
import { Metadata } from "../../src/metadata/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { Echo, fromArray, rejection } from "./client-fixtures.js";
import { Probe, frame, rawCall, sleep, startServer, unframe, type Started } from "./server-fixtures.js";

type PageHandler = (stream: http2.ServerHttp2Stream) => void;

/** A raw node:http2 server answering every stream with `handler` (a proxy's error page, say). */
async function pageServer(handler: PageHandler): Promise<{ server: http2.Http2Server; port: number }> {
  const server = http2.createServer();
  server.on("stream", (stream) => {
    stream.on("error", () => undefined);
    handler(stream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

/** Bytes that would read as a compressed-flag error if parsed as gRPC frames. */
const HTML_PAGE = "<html><body><h1>502 Bad Gateway</h1></body></html>\n".repeat(20);

describe("e2e: hardening, bugs a new user hit (issue 14)", () => {
  describe("a non-200 response that is not gRPC fails with the HTTP status's code, its body never parsed", () => {
    let server: http2.Http2Server | undefined;
    let channel: Channel | undefined;
    afterEach(() => {
      channel?.close();
      server?.close();
      server = channel = undefined;
    });

    const cases = [
      [503, "text/plain", Code.Unavailable],
      [502, "text/html", Code.Unavailable],
      [504, "text/html", Code.Unavailable],
      [404, "text/html", Code.Unimplemented],
      [401, "text/plain", Code.Unauthenticated],
      [403, "text/plain", Code.PermissionDenied],
      [429, "text/plain", Code.Unavailable],
      [500, "text/html", Code.Unknown],
    ] as const;
    for (const [httpStatus, contentType, code] of cases)
      for (const endStreamOnHeaders of [false, true])
        it(`HTTP ${httpStatus} ${contentType} ${endStreamOnHeaders ? "(END_STREAM on headers)" : "with a body"} is ${Code[code]}, unary and streaming`, async () => {
          ({ server } = await pageServer((stream) => {
            if (endStreamOnHeaders) stream.respond({ ":status": httpStatus, "content-type": contentType }, { endStream: true });
            else {
              stream.respond({ ":status": httpStatus, "content-type": contentType });
              stream.end(HTML_PAGE);
            }
          }));
          const port = (server.address() as { port: number }).port;
          channel = new Channel(`127.0.0.1:${port}`);
          const client: any = createClient(Echo, channel);
          const errors = [
            await rejection(client.echo({})),
            await rejection(collect(client.list({ count: 2 }))),
            await rejection(client.collect(fromArray([{ text: "a" }]))),
            await rejection(collect(client.chat(fromArray([{ text: "b" }])))),
          ];
          for (const error of errors) {
            expect(error.code, error.message).to.equal(code);
            expect(error.statusMessage).to.include(`HTTP status ${httpStatus}`).and.include(contentType);
            expect(error.statusMessage).not.to.match(/framing/);
          }
        });
  });

  describe("an explicit response compression is used when the request had no grpc-accept-encoding", () => {
    let started: Started | undefined;
    afterEach(async () => {
      await started?.server.forceShutdown();
      started = undefined;
    });
    const implementation = {
      async echo(request: any, ctx: ServerContext) {
        if (request.compression !== undefined) ctx.compression = request.compression;
        return { text: request.text };
      },
      async *list(request: any, ctx: ServerContext) {
        if (request.compression !== undefined) ctx.compression = request.compression;
        for (let i = 0; i < 3; i++) {
          ctx.compressMessages = i !== 1;
          yield { i };
        }
      },
    };

    it("per call (ctx.compression) and per message (ctx.compressMessages)", async () => {
      started = await startServer(implementation);
      const unary = await rawCall(started.port, { body: [frame({ text: "z", compression: "gzip" })] });
      expect(unary.headers["grpc-encoding"]).to.equal("gzip");
      expect(unframe(unary.body)[0]!.compressed).to.equal(true);
      const stream = await rawCall(started.port, { path: "/test.Probe/List", body: [frame({ compression: "deflate" })] });
      expect(stream.headers["grpc-encoding"]).to.equal("deflate");
      expect(unframe(stream.body).map((f) => f.compressed)).to.deep.equal([true, false, true]);
    });

    it("but not when the client's grpc-accept-encoding leaves it out", async () => {
      started = await startServer(implementation);
      const result = await rawCall(started.port, {
        headers: { "grpc-accept-encoding": "identity,deflate" },
        body: [frame({ text: "z", compression: "gzip" })],
      });
      expect(result.headers["grpc-encoding"]).to.equal(undefined);
      expect(unframe(result.body)[0]!.compressed).to.equal(false);
    });

    it("the server-wide responseCompression still needs the client to list it", async () => {
      started = await startServer(implementation, { responseCompression: "gzip" });
      const silent = await rawCall(started.port, { body: [frame({ text: "z" })] });
      expect(silent.headers["grpc-encoding"]).to.equal(undefined);
      expect(unframe(silent.body)[0]!.compressed).to.equal(false);
      const listed = await rawCall(started.port, { headers: { "grpc-accept-encoding": "gzip" }, body: [frame({ text: "z" })] });
      expect(listed.headers["grpc-encoding"]).to.equal("gzip");
    });
  });

  describe("channel.connect()", () => {
    async function closedPort(): Promise<number> {
      const probe = createNetServer();
      await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
      const port = (probe.address() as { port: number }).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      return port;
    }

    it("without a deadline rejects UNAVAILABLE with the connection error on a dead port", async () => {
      const channel = new Channel(`127.0.0.1:${await closedPort()}`);
      try {
        const error = await rejection(channel.connect());
        expect(error.code).to.equal(Code.Unavailable);
        expect(error.statusMessage).to.match(/ECONNREFUSED|refused/i);
      } finally {
        channel.close();
      }
    });

    it("with a deadline keeps trying until it, then rejects DEADLINE_EXCEEDED", async () => {
      const channel = new Channel(`127.0.0.1:${await closedPort()}`);
      try {
        const error = await rejection(channel.connect(Date.now() + 300));
        expect(error.code).to.equal(Code.DeadlineExceeded);
      } finally {
        channel.close();
      }
    });
  });

  describe("a shutdown whose grace period expires", () => {
    it("ends all 50 calls in flight UNAVAILABLE, saying the server shut down", async function () {
      this.timeout(10_000);
      let started = 0;
      const { server, port } = await startServer({
        async echo(_request: unknown, ctx: ServerContext) {
          started++;
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
          return {};
        },
        async *list(_request: unknown, ctx: ServerContext) {
          started++;
          yield { i: 0 };
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        },
      });
      const channel = new Channel(`127.0.0.1:${port}`);
      try {
        const client: any = createClient(Probe, channel);
        const calls: Promise<GrpcError>[] = [];
        for (let i = 0; i < 50; i++) calls.push(rejection(i % 2 === 0 ? client.echo({}) : collect(client.list({}))));
        while (started < 50) await sleep(5);
        await server.shutdown({ graceMs: 100 });
        const errors = await Promise.all(calls);
        for (const error of errors) {
          expect(error.code, error.message).to.equal(Code.Unavailable);
          expect(error.statusMessage).to.match(/server: shutting down/);
        }
      } finally {
        channel.close();
      }
    });
  });

  describe("caller mistakes are a TypeError thrown at the call, for every kind", () => {
    let started: Started | undefined;
    let channel: Channel | undefined;
    afterEach(async () => {
      channel?.close();
      await started?.server.forceShutdown();
      started = channel = undefined;
    });

    it("an unknown compression name", async () => {
      started = await startServer({});
      channel = new Channel(`127.0.0.1:${started.port}`);
      const client: any = createClient(Echo, channel);
      const options = { compression: "brotli" };
      expect(() => client.echo({}, options)).to.throw(TypeError, /brotli/);
      expect(() => client.list({}, options)).to.throw(TypeError, /brotli/);
      expect(() => client.collect(fromArray([]), options)).to.throw(TypeError, /brotli/);
      expect(() => client.chat(fromArray([]), options)).to.throw(TypeError, /brotli/);
    });

    it("requests that are not iterable, for client-streaming and bidi methods", async () => {
      started = await startServer({});
      channel = new Channel(`127.0.0.1:${started.port}`);
      const client: any = createClient(Echo, channel);
      for (const requests of [undefined, null, 42, { text: "not a stream" }]) {
        expect(() => client.collect(requests)).to.throw(TypeError, /AsyncIterable/);
        expect(() => client.chat(requests)).to.throw(TypeError, /AsyncIterable/);
      }
    });
  });

  describe("known limits, decided", () => {
    let server: http2.Http2Server | undefined;
    let started: Started | undefined;
    let channel: Channel | undefined;
    afterEach(async () => {
      channel?.close();
      server?.close();
      await started?.server.forceShutdown();
      server = channel = started = undefined;
    });

    it("an undecodable -bin value is dropped, the call goes on", async () => {
      ({ server } = await pageServer((stream) => {
        stream.respond(
          { ":status": 200, "content-type": "application/grpc", "x-data-bin": "!!!", "x-ok-bin": "AQI" },
          { waitForTrailers: true },
        );
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(frame({ text: "ok" }));
      }));
      channel = new Channel(`127.0.0.1:${(server.address() as { port: number }).port}`);
      const client: any = createClient(Echo, channel);
      let headers: Metadata | undefined;
      expect(await client.echo({}, { onHeaders: (metadata: Metadata) => (headers = metadata) })).to.deep.equal({ text: "ok" });
      expect(headers!.get("x-data-bin")).to.equal(undefined);
      expect(headers!.get("x-ok-bin")).to.deep.equal(new Uint8Array([1, 2]));
    });

    for (const where of ["headers", "trailers"] as const)
      it(`response ${where} over node's 64 KiB send limit fail INTERNAL naming the limit, the side and the layer`, async () => {
        started = await startServer({
          async echo(_request: unknown, ctx: ServerContext) {
            (where === "headers" ? ctx.headers : ctx.trailers).set("x-big", "a".repeat(70_000));
            return {};
          },
        });
        channel = new Channel(`127.0.0.1:${started.port}`);
        const echo = createClient(Probe, channel).echo;
        if (echo === undefined) throw new Error("test.Probe has no echo method");
        const error = await rejection(echo({}) as Promise<unknown>);
        expect(error.code).to.equal(Code.Internal);
        expect(error.statusMessage).to.match(/^server: the .* over node:http2's limit of 65536 bytes .*maxSendHeaderBlockLength/);
      });
  });
});
