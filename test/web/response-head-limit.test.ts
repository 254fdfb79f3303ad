// Response metadata too large for the client's head limit: over HTTP/1.1, web.http1.maxResponseHeaderBytes
// (default 16 KiB, what node's own client accepts); over HTTP/2, node:http2's limit for a header
// block it sends. The call fails with INTERNAL naming the side, the layer and the limit, in a
// small head that fits; gRPC-Web trailers and Connect end-stream metadata (in the body) are not
// limited; nothing crashes and the connection stays usable. Checked with node's clients and curl.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { Agent, type IncomingHttpHeaders, request as http1Request } from "node:http";
import { connect as http2Connect } from "node:http2";
import { promisify } from "node:util";
import { Code, GrpcError, Metadata, Server, type ServerOptions, type ServiceImplementation, type TraceEvent } from "../../src/index.js";
import { EchoRequest, EchoResponse, EchoService } from "./gen/webtest_pb.js";
import { TRANSPORTS, send, testServerTls } from "./http-client.js";

const run = promisify(execFile);
const ECHO = "/tsgrpc.webtest.EchoService/Echo";
const EXPAND = "/tsgrpc.webtest.EchoService/Expand";
const HTTP1_LIMIT =
  /^server: response metadata of \d+ bytes exceeds the HTTP\/1\.1 limit of 16384 bytes \(web\.http1\.maxResponseHeaderBytes\); the metadata was not sent$/;

/**
 * request.text says where the handler puts `count` bytes of metadata ("headers", "trailers",
 * "error" for the error's own metadata, or "" for none); failCode makes it fail after that.
 */
const implementation: ServiceImplementation<typeof EchoService> = {
  echo(request, ctx) {
    const big = "b".repeat(request.count);
    if (request.text === "headers") ctx.headers.set("x-big", big);
    if (request.text === "trailers") ctx.trailers.set("x-big", big);
    if (request.text === "error") throw new GrpcError(Code.NotFound, "gone", { metadata: new Metadata().set("x-big", big) });
    if (request.failCode !== 0) throw new GrpcError(request.failCode as Code, "failed");
    return { text: "ok" };
  },
  async *expand(request, ctx) {
    const big = "b".repeat(request.count);
    if (request.text === "headers") ctx.headers.set("x-big", big);
    if (request.text === "trailers") ctx.trailers.set("x-big", big);
    yield { text: "one" };
  },
  lookup: () => ({}),
  collect: async () => ({}),
};

function frame(payload: Uint8Array, flag = 0): Buffer {
  const out = Buffer.alloc(5 + payload.length);
  out[0] = flag;
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, 5);
  return out;
}

/** The frames of a gRPC-Web or Connect streaming body. */
function framesOf(body: Buffer): { flag: number; payload: Buffer }[] {
  const frames: { flag: number; payload: Buffer }[] = [];
  for (let at = 0; at + 5 <= body.length; ) {
    const length = body.readUInt32BE(at + 1);
    frames.push({ flag: body[at]!, payload: body.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return frames;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  reusedSocket: boolean;
}

/** One POST with node's HTTP/1.1 client (its default 16 KiB head limit unless `maxHeaderSize`). */
function post1(agent: Agent, port: number, path: string, contentType: string, body: Uint8Array, maxHeaderSize?: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http1Request(
      {
        agent,
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        headers: { "content-type": contentType },
        ...(maxHeaderSize === undefined ? {} : { maxHeaderSize }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
            reusedSocket: request.reusedSocket,
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** One POST over HTTP/2 (h2c). */
function post2(port: number, path: string, contentType: string, body: Uint8Array): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(`http://127.0.0.1:${port}`, { maxHeaderListPairs: 4096 });
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": contentType });
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on("response", (received) => (headers = received));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      session.close();
      resolve({ status: Number(headers[":status"]), headers, body: Buffer.concat(chunks), reusedSocket: false });
    });
    stream.on("error", (error) => {
      session.destroy();
      reject(error);
    });
    stream.end(body);
  });
}

const grpcWeb = (text: string, count: number): Buffer => frame(EchoRequest.encode({ text, count }));
const json = (text: string, count: number, failCode = 0): Buffer => Buffer.from(JSON.stringify({ text, count, failCode }));

describe("web: response metadata over the client's head limit", () => {
  let server: Server;
  let port: number;
  let agent: Agent;

  async function start(options: ServerOptions = {}): Promise<void> {
    server = new Server({ web: true, logger: null, ...options }).add(EchoService, implementation);
    port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
  }

  beforeEach(async () => {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    await start();
  });
  afterEach(async () => {
    agent.destroy();
    await server.forceShutdown();
  });

  /** The connection of the last answer still serves a call (the agent keeps one socket). */
  async function connectionStillServes(): Promise<void> {
    const answer = await post1(agent, port, ECHO, "application/json", json("", 0));
    expect(answer.status).to.equal(200);
    expect(answer.reusedSocket, "the same keep-alive connection").to.equal(true);
    expect(JSON.parse(answer.body.toString())).to.deep.equal({ text: "ok" });
  }

  describe("HTTP/1.1, node's client", () => {
    it("gRPC-Web: header metadata under the limit arrives", async () => {
      const answer = await post1(agent, port, ECHO, "application/grpc-web+proto", grpcWeb("headers", 15_000));
      expect(answer.status).to.equal(200);
      expect(answer.headers["x-big"]).to.have.length(15_000);
      const frames = framesOf(answer.body);
      expect(EchoResponse.decode(frames[0]!.payload).text).to.equal("ok");
      expect(frames[1]!.payload.toString()).to.include("grpc-status: 0\r\n");
    });

    it("gRPC-Web: header metadata over the limit is INTERNAL, trailers-only, without the metadata", async () => {
      const answer = await post1(agent, port, ECHO, "application/grpc-web+proto", grpcWeb("headers", 17_000));
      expect(answer.status).to.equal(200);
      expect(answer.headers["grpc-status"]).to.equal(String(Code.Internal));
      expect(decodeURIComponent(String(answer.headers["grpc-message"]))).to.match(HTTP1_LIMIT);
      expect(answer.headers["x-big"]).to.equal(undefined);
      expect(answer.body.length).to.equal(0);
      await connectionStillServes();
    });

    it("gRPC-Web text and server streaming: the same", async () => {
      for (const [path, contentType] of [
        [ECHO, "application/grpc-web-text+proto"],
        [EXPAND, "application/grpc-web+proto"],
      ] as const) {
        const body = contentType.includes("text") ? Buffer.from(grpcWeb("headers", 17_000).toString("base64")) : grpcWeb("headers", 17_000);
        const answer = await post1(agent, port, path, contentType, body);
        expect(answer.headers["grpc-status"], contentType).to.equal(String(Code.Internal));
        expect(decodeURIComponent(String(answer.headers["grpc-message"]))).to.match(HTTP1_LIMIT);
      }
      await connectionStillServes();
    });

    it("gRPC-Web: trailers are in the body, not limited by the head limit", async () => {
      for (const path of [ECHO, EXPAND]) {
        const answer = await post1(agent, port, path, "application/grpc-web+proto", grpcWeb("trailers", 40_000));
        expect(answer.status).to.equal(200);
        const trailers = framesOf(answer.body).at(-1)!;
        expect(trailers.flag).to.equal(0x80);
        expect(trailers.payload.toString()).to.include(`x-big: ${"b".repeat(40_000)}\r\n`);
        expect(trailers.payload.toString()).to.include("grpc-status: 0\r\n");
      }
    });

    it("gRPC-Web: a trailers-only error whose metadata is over the limit is INTERNAL without it", async () => {
      const answer = await post1(agent, port, ECHO, "application/grpc-web+proto", grpcWeb("error", 17_000));
      expect(answer.headers["grpc-status"]).to.equal(String(Code.Internal));
      expect(decodeURIComponent(String(answer.headers["grpc-message"]))).to.match(HTTP1_LIMIT);
      expect(answer.headers["x-big"]).to.equal(undefined);
      await connectionStillServes();
    });

    for (const [where, failCode] of [
      ["headers", 0],
      ["trailers", 0],
      ["headers", Code.NotFound],
      ["error", 0],
    ] as const)
      it(`Connect unary: ${where} metadata over the limit${failCode === 0 ? "" : " of a failing call"} is an internal error (500) without it`, async () => {
        const answer = await post1(agent, port, ECHO, "application/json", json(where, 17_000, failCode));
        expect(answer.status).to.equal(500);
        expect(answer.headers["content-type"]).to.equal("application/json");
        expect(answer.headers["x-big"]).to.equal(undefined);
        expect(answer.headers["trailer-x-big"]).to.equal(undefined);
        const error = JSON.parse(answer.body.toString()) as { code: string; message: string };
        expect(error.code).to.equal("internal");
        expect(error.message).to.match(HTTP1_LIMIT);
        await connectionStillServes();
      });

    it("Connect unary: metadata under the limit arrives (trailers as trailer- headers)", async () => {
      const answer = await post1(agent, port, ECHO, "application/json", json("trailers", 15_000));
      expect(answer.status).to.equal(200);
      expect(answer.headers["trailer-x-big"]).to.have.length(15_000);
    });

    it("Connect streaming: header metadata over the limit is an end-stream internal error; trailers (in the body) are not limited", async () => {
      const over = await post1(agent, port, EXPAND, "application/connect+proto", grpcWeb("headers", 17_000));
      expect(over.status).to.equal(200);
      expect(over.headers["x-big"]).to.equal(undefined);
      const frames = framesOf(over.body);
      expect(frames).to.have.length(1);
      expect(frames[0]!.flag).to.equal(0x02);
      const end = JSON.parse(frames[0]!.payload.toString()) as { error: { code: string; message: string } };
      expect(end.error.code).to.equal("internal");
      expect(end.error.message).to.match(HTTP1_LIMIT);
      const trailers = await post1(agent, port, EXPAND, "application/connect+proto", grpcWeb("trailers", 40_000));
      const last = framesOf(trailers.body).at(-1)!;
      expect(JSON.parse(last.payload.toString())).to.deep.equal({ metadata: { "x-big": ["b".repeat(40_000)] } });
      await connectionStillServes();
    });

    it("web.http1.maxResponseHeaderBytes raises the limit (for a client that accepts more) or lowers it", async () => {
      await server.forceShutdown();
      await start({ web: { http1: { maxResponseHeaderBytes: 64 * 1024 } } });
      const raised = await post1(agent, port, ECHO, "application/json", json("headers", 40_000), 64 * 1024);
      expect(raised.status).to.equal(200);
      expect(raised.headers["x-big"]).to.have.length(40_000);
      await server.forceShutdown();
      agent.destroy();
      agent = new Agent({ keepAlive: true, maxSockets: 1 });
      await start({ web: { http1: { maxResponseHeaderBytes: 2000 } } });
      const lowered = await post1(agent, port, ECHO, "application/json", json("headers", 2000));
      expect(lowered.status).to.equal(500);
      expect((JSON.parse(lowered.body.toString()) as { message: string }).message).to.match(
        /^server: response metadata of \d+ bytes exceeds the HTTP\/1\.1 limit of 2000 bytes \(web\.http1\.maxResponseHeaderBytes\)/,
      );
      await connectionStillServes();
    });

    it("Infinity turns the check off", async () => {
      await server.forceShutdown();
      await start({ web: { http1: { maxResponseHeaderBytes: Infinity } } });
      const answer = await post1(agent, port, ECHO, "application/json", json("headers", 100_000), 200 * 1024);
      expect(answer.status).to.equal(200);
      expect(answer.headers["x-big"]).to.have.length(100_000);
    });

    for (const bad of [0, 1023, 1500.5, Number.NaN, -1, "16k"])
      it(`web.http1.maxResponseHeaderBytes ${String(bad)} is a RangeError naming the option, when the Server is made`, () => {
        expect(() => new Server({ web: { http1: { maxResponseHeaderBytes: bad as number } } }))
          .to.throw(RangeError)
          .with.property("message")
          .that.matches(/^server: web\.http1\.maxResponseHeaderBytes must be an integer number of bytes of at least 1024, or Infinity/);
      });

    it("a bad web.http1 timeout is a RangeError when the Server is made too", () => {
      expect(() => new Server({ web: { http1: { headersTimeoutMs: -5 } } }))
        .to.throw(RangeError)
        .with.property("message")
        .that.matches(/^server: web\.http1\.headersTimeoutMs must be a positive number of milliseconds/);
    });
  });

  it("the tracer shows the small head that went out (layer http1) and the call's end: INTERNAL, ended by the server", async () => {
    await server.forceShutdown();
    const events: TraceEvent[] = [];
    await start({ trace: (event: TraceEvent) => void events.push(event) });
    const answer = await post1(agent, port, ECHO, "application/grpc-web+proto", grpcWeb("headers", 17_000));
    expect(answer.headers["grpc-status"]).to.equal(String(Code.Internal));
    for (let waited = 0; !events.some((event) => event.name === "end") && waited < 10_000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const sent = events.filter((event) => event.name === "headers-sent");
    expect(sent.map((event) => event.layer)).to.deep.equal(["http1"]);
    expect(JSON.stringify(sent[0]!.data)).not.to.include("x-big");
    const end = events.find((event) => event.name === "end")!;
    expect(end.data).to.deep.include({ code: Code.Internal, endedBy: 'the server, layer "server:"' });
    expect(end.data.message).to.match(HTTP1_LIMIT);
  });

  describe("HTTP/1.1, curl", () => {
    async function curl(...args: string[]): Promise<string> {
      return (await run("curl", ["--http1.1", "-sS", "-i", ...args], { maxBuffer: 1024 * 1024, timeout: 20_000 })).stdout;
    }

    it("under the limit passes, over it gets the Connect error, and curl reuses the connection for the next call", async () => {
      const url = `http://127.0.0.1:${port}${ECHO}`;
      // After each answer, how many connections curl opened for it (0: it reused the last one).
      const call = (body: Buffer): string[] => [
        "-H",
        "content-type: application/json",
        "-d",
        body.toString(),
        "-w",
        "\n@connects=%{num_connects}\n",
        url,
      ];
      const stdout = await curl(
        ...call(json("headers", 15_000)),
        ...["--next", "--http1.1", "-sS", "-i", ...call(json("headers", 17_000))],
        ...["--next", "--http1.1", "-sS", "-i", ...call(json("", 0))],
      );
      const answers = stdout.split(/(?=HTTP\/1\.1 \d{3} )/);
      expect(answers).to.have.length(3);
      expect(answers[0]).to.match(/^HTTP\/1\.1 200 /);
      expect(answers[0]).to.include(`x-big: ${"b".repeat(15_000)}\r\n`);
      expect(answers[0]).to.match(/\{"text":"ok"\}\n@connects=1\n$/);
      expect(answers[1]).to.match(/^HTTP\/1\.1 500 /);
      expect(answers[1]).not.to.include("x-big");
      expect(answers[1]).to.match(
        /\{"code":"internal","message":"server: response metadata of \d+ bytes exceeds the HTTP\/1\.1 limit of 16384 bytes \(web\.http1\.maxResponseHeaderBytes\); the metadata was not sent"\}\n@connects=0\n$/,
      );
      expect(answers[2]).to.match(/^HTTP\/1\.1 200 /);
      expect(answers[2]).to.match(/\{"text":"ok"\}\n@connects=0\n$/);
    });

    it("gRPC-Web over curl: over the limit is grpc-status 13 in the headers", async () => {
      const file = grpcWeb("headers", 17_000).toString("base64");
      const stdout = await curl("-H", "content-type: application/grpc-web-text", "--data-binary", file, `http://127.0.0.1:${port}${ECHO}`);
      expect(stdout).to.match(/^HTTP\/1\.1 200 /);
      expect(stdout).to.include("grpc-status: 13\r\n");
      expect(stdout).to.match(/grpc-message: server: response metadata of \d+ bytes exceeds the HTTP\/1\.1 limit of 16384 bytes/);
      expect(stdout).not.to.include("x-big");
    });
  });

  describe("every transport (TLS by ALPN too)", () => {
    for (const { transport, tls } of TRANSPORTS)
      it(`${transport}: 17,000 bytes of metadata ${transport.includes("HTTP/1.1") ? "are over the HTTP/1.1 limit" : "pass"}`, async () => {
        await server.forceShutdown();
        server = new Server({ web: true, logger: null }).add(EchoService, implementation);
        port = (await server.listen({ host: "127.0.0.1", port: 0 }, tls ? testServerTls() : undefined)).port!;
        const call = { method: "POST", path: ECHO, headers: { "content-type": "application/json" }, body: json("headers", 17_000) };
        const answer = await send(transport, port, call);
        if (transport.includes("HTTP/2")) {
          expect(answer.status).to.equal(200);
          expect(answer.headers["x-big"]).to.have.length(17_000);
          return;
        }
        expect(answer.status).to.equal(500);
        expect(answer.headers["x-big"]).to.equal(undefined);
        expect((JSON.parse(answer.body.toString()) as { message: string }).message).to.match(HTTP1_LIMIT);
        expect((await send(transport, port, { ...call, body: json("", 0) })).status).to.equal(200);
      });
  });

  describe("HTTP/2", () => {
    it("metadata over the HTTP/1.1 limit passes over HTTP/2", async () => {
      const answer = await post2(port, ECHO, "application/json", json("headers", 30_000));
      expect(answer.status).to.equal(200);
      expect(answer.headers["x-big"]).to.have.length(30_000);
    });

    it("metadata over node:http2's header block limit is INTERNAL naming it, as for a gRPC call", async () => {
      const limit =
        /^server: response metadata of \d+ bytes exceeds node:http2's limit of 65536 bytes for a header block the server sends \(maxSendHeaderBlockLength\)/;
      const unary = await post2(port, ECHO, "application/json", json("headers", 70_000));
      expect(unary.status).to.equal(500);
      expect((JSON.parse(unary.body.toString()) as { message: string }).message).to.match(limit);
      const grpcWebAnswer = await post2(port, ECHO, "application/grpc-web+proto", grpcWeb("headers", 70_000));
      expect(grpcWebAnswer.headers["grpc-status"]).to.equal(String(Code.Internal));
      expect(decodeURIComponent(String(grpcWebAnswer.headers["grpc-message"]))).to.match(limit);
      const stream = await post2(port, EXPAND, "application/connect+proto", grpcWeb("headers", 70_000));
      const end = JSON.parse(framesOf(stream.body)[0]!.payload.toString()) as { error: { message: string } };
      expect(end.error.message).to.match(limit);
      // The server is fine.
      expect((await post2(port, ECHO, "application/json", json("", 0))).status).to.equal(200);
    });
  });
});
