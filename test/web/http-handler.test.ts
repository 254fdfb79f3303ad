// web.http: the requests of a web server that are not calls go to the user's handler, with node's
// own request and response objects, over HTTP/1.1 and HTTP/2, plaintext (sniffed) and TLS (ALPN);
// calls and CORS preflights never do.
import { expect } from "chai";
import { IncomingMessage } from "node:http";
import { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Channel, Server, type HttpHandler, type HttpRequest, type Logger, createClient } from "../../src/index.js";
import { EchoRequest } from "./gen/webtest_pb.js";
import { TRANSPORTS, TLS_SERVER_NAME, send, testCa, testServerTls } from "./http-client.js";
import { EchoService, echoImplementation } from "./web-fixtures.js";

const ECHO = "/tsgrpc.webtest.EchoService/Echo";

/** A gRPC frame (flag byte, big-endian length, payload). */
function frame(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + payload.length);
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, 5);
  return out;
}

/** What the handler saw of each request. */
interface Seen {
  method: string | undefined;
  url: string | undefined;
  httpVersion: string;
  isHttp2Compat: boolean;
  isHttp1: boolean;
  body: string;
  accept: string | undefined;
}

/** A handler that records what it sees and answers like a small app: echo, throw, reject, cut. */
function recordingHandler(seen: Seen[]): HttpHandler {
  return async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    seen.push({
      method: request.method,
      url: request.url,
      httpVersion: request.httpVersion,
      isHttp2Compat: request instanceof Http2ServerRequest,
      isHttp1: request instanceof IncomingMessage,
      body,
      accept: request.headers.accept,
    });
    if (request.url === "/throw") throw new Error("a bug in the app");
    if (request.url === "/reject") return Promise.reject(new TypeError("an async bug in the app"));
    if (request.url === "/cut") {
      response.writeHead(200, { "content-type": "text/plain", "content-length": 100 });
      // TypeScript cannot call write() on the union (two overload sets): narrow to one of node's classes.
      if (response instanceof Http2ServerResponse) response.write("partial");
      else response.write("partial");
      throw new Error("failed mid-response");
    }
    response.setHeader("x-app", "yes");
    response.writeHead(201, { "content-type": "text/plain; charset=utf-8" });
    response.end(`${request.method} ${request.url} over ${request.httpVersion}: ${body}`);
  };
}

function throwingHandler(): HttpHandler {
  return (request) => {
    throw new Error(`sync bug on ${request.url}`);
  };
}

describe("web.http: requests that are not calls", () => {
  for (const { transport, tls } of TRANSPORTS)
    describe(transport, () => {
      let server: Server;
      let port: number;
      let seen: Seen[];
      let logged: unknown[][];
      beforeEach(async () => {
        seen = [];
        logged = [];
        const logger: Logger = { error: (...args) => logged.push(args), warn: () => {}, info: () => {}, debug: () => {} };
        server = new Server({
          logger,
          web: { http: recordingHandler(seen), cors: { allowedOrigins: ["https://app.example"] } },
        }).add(EchoService, echoImplementation);
        port = (await server.listen({ host: "127.0.0.1", port: 0 }, tls ? testServerTls() : undefined)).port!;
      });
      afterEach(async () => {
        await server.forceShutdown();
      });

      it("hands a GET to the handler with node's objects for its HTTP version", async () => {
        const answer = await send(transport, port, { path: "/index.html?x=1", headers: { accept: "text/html" } });
        expect(answer.status).to.equal(201);
        expect(answer.headers["x-app"]).to.equal("yes");
        const isHttp2 = transport.endsWith("HTTP/2") || transport.includes("h2c");
        expect(answer.body.toString()).to.equal(`GET /index.html?x=1 over ${isHttp2 ? "2.0" : "1.1"}: `);
        expect(seen).to.have.length(1);
        expect(seen[0]).to.include({ accept: "text/html", isHttp2Compat: isHttp2, isHttp1: !isHttp2 });
      });

      it("hands a JSON POST to a path that is no service's to the handler, body and all", async () => {
        const answer = await send(transport, port, {
          method: "POST",
          path: "/api/login",
          headers: { "content-type": "application/json" },
          body: '{"user":"ann"}',
        });
        expect(answer.status).to.equal(201);
        expect(answer.body.toString()).to.match(/^POST \/api\/login over .*: \{"user":"ann"\}$/);
      });

      it("hands other methods (PUT, DELETE, HEAD) and other content-types to the handler", async () => {
        for (const method of ["PUT", "DELETE", "PATCH"])
          expect((await send(transport, port, { method, path: "/thing", body: "x" })).status, method).to.equal(201);
        const head = await send(transport, port, { method: "HEAD", path: "/thing" });
        expect(head.status).to.equal(201);
        expect(head.body.length).to.equal(0);
        const form = await send(transport, port, {
          method: "POST",
          path: "/form",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "a=1",
        });
        expect(form.status).to.equal(201);
        expect(seen.map((each) => each.method)).to.deep.equal(["PUT", "DELETE", "PATCH", "HEAD", "POST"]);
      });

      it("never sees a gRPC-Web or Connect call, nor a Connect GET or a preflight CORS answers", async () => {
        const grpcWeb = await send(transport, port, {
          method: "POST",
          path: ECHO,
          headers: { "content-type": "application/grpc-web+proto" },
          body: frame(EchoRequest.encode({ text: "web" })),
        });
        expect(grpcWeb.status).to.equal(200);
        expect(grpcWeb.headers["content-type"]).to.equal("application/grpc-web+proto");
        const connect = await send(transport, port, {
          method: "POST",
          path: ECHO,
          headers: { "content-type": "application/json" },
          body: '{"text":"connect"}',
        });
        expect(JSON.parse(connect.body.toString()).text).to.equal("connect");
        // A Connect call to a method the service does not have is still a call: Connect's error, not the page.
        const unknown = await send(transport, port, {
          method: "POST",
          path: "/tsgrpc.webtest.EchoService/Nope",
          headers: { "content-type": "application/json" },
          body: "{}",
        });
        expect(JSON.parse(unknown.body.toString()).code).to.equal("unimplemented");
        // Unambiguous web content-types are calls whatever the path.
        const stray = await send(transport, port, {
          method: "POST",
          path: "/no.Such/Method",
          headers: { "content-type": "application/grpc-web+proto" },
          body: frame(new Uint8Array(0)),
        });
        expect(stray.headers["grpc-status"]).to.equal("12");
        const get = await send(transport, port, { path: `${ECHO}?encoding=json&message=%7B%7D` });
        expect(get.headers["content-type"]).to.equal("application/json");
        const preflight = await send(transport, port, {
          method: "OPTIONS",
          path: ECHO,
          headers: { origin: "https://app.example", "access-control-request-method": "POST" },
        });
        expect(preflight.status).to.equal(204);
        expect(seen).to.deep.equal([]);
        // An OPTIONS that CORS does not answer is the application's.
        const other = await send(transport, port, { method: "OPTIONS", path: "/api", headers: { origin: "https://elsewhere.example" } });
        expect(other.status).to.equal(201);
        expect(seen.map((each) => each.method)).to.deep.equal(["OPTIONS"]);
      });

      it("answers 500 when the handler throws or rejects, logs the error, and keeps serving", async () => {
        for (const path of ["/throw", "/reject"]) {
          const answer = await send(transport, port, { path });
          expect(answer.status, path).to.equal(500);
          expect(answer.body.toString()).to.equal("server: internal error in the HTTP handler\n");
          expect(answer.body.toString()).not.to.include("bug");
        }
        expect(logged.map((args) => String(args[0]))).to.deep.equal([
          "server: the web.http handler failed on GET /throw:",
          "server: the web.http handler failed on GET /reject:",
        ]);
        expect((logged[1]![1] as Error).message).to.equal("an async bug in the app");
        expect((await send(transport, port, { path: "/fine" })).status).to.equal(201);
      });

      it("cuts the response off when the handler fails after it began", async () => {
        let failed = false;
        await send(transport, port, { path: "/cut" }).catch(() => {
          failed = true;
        });
        expect(failed, "the client saw a complete response").to.equal(true);
        expect((await send(transport, port, { path: "/fine" })).status).to.equal(201);
      });
    });

  it("keeps gRPC over HTTP/2 as it is, plaintext and TLS", async () => {
    for (const tls of [false, true]) {
      const seen: Seen[] = [];
      const server = new Server({ logger: null, web: { http: recordingHandler(seen) } }).add(EchoService, echoImplementation);
      const port = (await server.listen({ host: "127.0.0.1", port: 0 }, tls ? testServerTls() : undefined)).port!;
      const channel = new Channel(`127.0.0.1:${port}`, tls ? { tls: { ca: testCa(), serverNameOverride: TLS_SERVER_NAME } } : {});
      try {
        expect((await createClient(EchoService, channel).echo({ text: "grpc" })).text).to.equal("grpc");
        expect(seen).to.deep.equal([]);
      } finally {
        channel.close();
        await server.forceShutdown();
      }
    }
  });

  describe("HTTP/2 details", () => {
    let server: Server;
    let port: number;
    let calls: HttpRequest[];
    beforeEach(async () => {
      calls = [];
      server = new Server({
        logger: null,
        web: {
          http: (request, response) => {
            calls.push(request);
            response.end("ok");
          },
        },
      });
      port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    });
    afterEach(async () => {
      await server.forceShutdown();
    });

    it("gives rawHeaders as node's compatibility API does", async () => {
      await send("HTTP/2 (h2c)", port, { path: "/x", headers: { "x-one": "1" } });
      const raw = calls[0]!.rawHeaders;
      expect(raw).to.include.members([":path", "/x", "x-one", "1"]);
      expect(raw.length % 2).to.equal(0);
    });

    it("answers Expect: 100-continue and lets the request in; refuses another expectation with 417", async () => {
      expect(
        (await send("HTTP/2 (h2c)", port, { method: "POST", path: "/up", headers: { expect: "100-continue" }, body: "x" })).status,
      ).to.equal(200);
      expect((await send("HTTP/2 (h2c)", port, { path: "/odd", headers: { expect: "something-else" } })).status).to.equal(417);
      expect(calls.map((request) => request.url)).to.deep.equal(["/up"]);
    });
  });

  describe("without a handler", () => {
    it("still answers plain 405 and 415 as before", async () => {
      const server = new Server({ logger: null, web: true }).add(EchoService, echoImplementation);
      const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
      try {
        expect((await send("HTTP/1.1", port, { method: "PUT", path: "/x" })).status).to.equal(405);
        expect((await send("HTTP/1.1", port, { method: "POST", path: "/x", headers: { "content-type": "text/plain" } })).status).to.equal(
          415,
        );
        // A GET is a Connect GET, whatever its path.
        const get = await send("HTTP/2 (h2c)", port, { path: "/index.html" });
        expect(get.headers["content-type"]).to.equal("application/json");
      } finally {
        await server.forceShutdown();
      }
    });
  });

  it("refuses an http option that is not a function", () => {
    expect(() => new Server({ web: { http: "public/" as never } })).to.throw(TypeError, /^web: http must be a function/);
  });

  it("answers a sync throw with 500 too", async () => {
    const server = new Server({ logger: null, web: { http: throwingHandler() } });
    const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    try {
      expect((await send("HTTP/1.1", port, { path: "/" })).status).to.equal(500);
      expect((await send("HTTP/2 (h2c)", port, { path: "/" })).status).to.equal(500);
    } finally {
      await server.forceShutdown();
    }
  });
});
