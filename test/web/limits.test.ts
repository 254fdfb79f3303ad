// Web calls inside the server's connection limits, over real sockets: the idle and age limits,
// shutdown draining and its grace period, forceShutdown, and the rapid-reset budget count a
// gRPC-Web or Connect call (HTTP/1.1 or HTTP/2) exactly as they count a gRPC call.
import { expect } from "chai";
import { type ClientHttp2Session, connect as http2Connect, constants } from "node:http2";
import { readFileSync } from "node:fs";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Server, type ServerOptions, Server as TsgrpcServer } from "../../src/index.js";
import { projectRoot } from "../project-root.js";
import { RawHttp1, connectRequest } from "./raw-http1.js";
import { EchoService, echoImplementation, observed, startWebServer } from "./web-fixtures.js";

const ECHO = "/tsgrpc.webtest.EchoService/Echo";
const EXPAND = "/tsgrpc.webtest.EchoService/Expand";

/** Resolves `true` once `promise` settles, `false` if it has not after `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  const deadline = Date.now() + ms;
  while (!settled && Date.now() < deadline) await sleep(10);
  return settled;
}

/** An HTTP/2 session and the GOAWAY it received, if any. */
function openHttp2(port: number): { session: ClientHttp2Session; goaway: Promise<number>; closed: Promise<void> } {
  const session = http2Connect(`http://127.0.0.1:${port}`);
  session.on("error", () => {});
  const goaway = new Promise<number>((resolve) => session.once("goaway", (code: number) => resolve(code)));
  const closed = new Promise<void>((resolve) => session.once("close", () => resolve()));
  return { session, goaway, closed };
}

/** A Connect unary JSON call over an HTTP/2 session: the HTTP status and the body. */
function connectCall2(session: ClientHttp2Session, json: object): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":method": "POST", ":path": ECHO, "content-type": "application/json" });
    let status = 0;
    let body = "";
    stream.setEncoding("utf8");
    stream.on("response", (headers) => (status = Number(headers[":status"])));
    stream.on("data", (chunk: string) => (body += chunk));
    stream.on("end", () => resolve({ status, body }));
    stream.on("error", reject);
    stream.end(JSON.stringify(json));
  });
}

describe("web: connection limits count web calls", () => {
  let server: Server | undefined;
  let port: number;
  const opened: { destroy(): void }[] = [];

  async function start(options: ServerOptions): Promise<void> {
    ({ server, port } = await startWebServer(options));
  }

  afterEach(async () => {
    for (const connection of opened.splice(0)) connection.destroy();
    await server?.forceShutdown();
    server = undefined;
  });

  describe("maxConnectionIdleMs", () => {
    it("HTTP/1.1: an idle keep-alive connection is closed; a busy one is not", async () => {
      await start({ maxConnectionIdleMs: 200 });
      const busy = await RawHttp1.open(port);
      const idle = await RawHttp1.open(port);
      opened.push(busy, idle);
      idle.write(connectRequest(ECHO, { text: "quick" }));
      await idle.until(/"text":"quick"/);
      busy.write(connectRequest(ECHO, { text: "slow", delayMs: 800 }));
      await idle.closedAt; // ~200 ms after its response
      expect(busy.closed, "the busy connection is open while its call runs").to.equal(false);
      await busy.until(/"text":"slow"/);
      expect(busy.received).to.match(/^HTTP\/1\.1 200/);
      await busy.closedAt; // idle after its response: closed in turn
    });

    it("HTTP/2: web calls hold the connection open, and it gets GOAWAY once idle", async () => {
      await start({ maxConnectionIdleMs: 200 });
      const { session, goaway } = openHttp2(port);
      opened.push(session);
      const answer = await connectCall2(session, { text: "slow", delayMs: 600 });
      expect(answer.status).to.equal(200);
      expect(JSON.parse(answer.body).text).to.equal("slow");
      expect(await goaway).to.equal(constants.NGHTTP2_NO_ERROR);
    });
  });

  describe("maxConnectionAgeMs", () => {
    it("HTTP/1.1: an old connection closes after its response (connection: close)", async () => {
      await start({ maxConnectionAgeMs: 100 });
      const client = await RawHttp1.open(port);
      opened.push(client);
      client.write(connectRequest(ECHO, { text: "aging", delayMs: 400 }));
      await client.until(/"text":"aging"/);
      expect(client.received.toLowerCase()).to.include("connection: close");
      await client.closedAt;
    });

    it("HTTP/1.1: past the grace period, the call in flight gets UNAVAILABLE in the protocol's form", async () => {
      await start({ maxConnectionAgeMs: 100, maxConnectionAgeGraceMs: 200 });
      const client = await RawHttp1.open(port);
      opened.push(client);
      client.write(connectRequest(ECHO, { text: "too slow", delayMs: 5000 }));
      await client.until(/\}$/);
      expect(client.received).to.match(/^HTTP\/1\.1 503/);
      const body = JSON.parse(client.received.slice(client.received.indexOf("\r\n\r\n") + 4));
      expect(body.code).to.equal("unavailable");
      expect(body.message).to.match(/^server: HTTP\/1\.1 connection reached its maximum age/);
      await client.closedAt;
    });
  });

  describe("shutdown", () => {
    it("waits for a web call over HTTP/1.1 and over HTTP/2, then resolves", async () => {
      await start({});
      const http1 = await RawHttp1.open(port);
      opened.push(http1);
      const { session } = openHttp2(port);
      opened.push(session);
      http1.write(connectRequest(ECHO, { text: "h1", delayMs: 400 }));
      const h2 = connectCall2(session, { text: "h2", delayMs: 400 });
      await sleep(100);
      const done = server!.shutdown();
      expect(await settlesWithin(done, 150), "shutdown waits for the calls").to.equal(false);
      await http1.until(/"text":"h1"/);
      expect(http1.received).to.match(/^HTTP\/1\.1 200/);
      expect(http1.received.toLowerCase()).to.include("connection: close");
      expect(JSON.parse((await h2).body).text).to.equal("h2");
      expect(await settlesWithin(done, 5000), "shutdown resolves once they are done").to.equal(true);
      await http1.closedAt;
    });

    it("does not hang on an idle keep-alive HTTP/1.1 connection whose client never closes", async () => {
      await start({});
      const client = await RawHttp1.open(port);
      opened.push(client);
      client.write(connectRequest(ECHO, { text: "then idle" }));
      await client.until(/"text":"then idle"/);
      const started = Date.now();
      await server!.shutdown();
      expect(Date.now() - started).to.be.below(5000);
      await client.closedAt;
    });

    it("TLS: does not hang on an idle HTTP/1.1 keep-alive connection (ALPN http/1.1)", async () => {
      const certs = join(projectRoot(), "interop", "certs");
      const tlsServer = new TsgrpcServer({ web: true, logger: null }).add(EchoService, echoImplementation);
      server = tlsServer;
      const bound = await tlsServer.listen(
        { host: "127.0.0.1", port: 0 },
        { cert: readFileSync(join(certs, "server.pem")), key: readFileSync(join(certs, "server.key")) },
      );
      const agent = new HttpsAgent({ keepAlive: true, ca: readFileSync(join(certs, "ca.pem")), servername: "foo.test.google.fr" });
      opened.push(agent);
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpsRequest(
          { host: "127.0.0.1", port: bound.port!, path: ECHO, method: "POST", agent, headers: { "content-type": "application/json" } },
          (response) => {
            response.resume();
            response.on("end", () => resolve(response.statusCode!));
          },
        );
        request.on("error", reject);
        request.end('{"text":"tls keep-alive"}');
      });
      expect(status).to.equal(200);
      const started = Date.now();
      await tlsServer.shutdown();
      expect(Date.now() - started).to.be.below(5000);
      server = undefined;
    });

    it("past graceMs, web calls end UNAVAILABLE the protocol's way (gRPC-Web trailers over HTTP/1.1, Connect over HTTP/2)", async () => {
      await start({});
      const http1 = await RawHttp1.open(port);
      opened.push(http1);
      const { session } = openHttp2(port);
      opened.push(session);
      // gRPC-Web text, server streaming: one message, then a long wait.
      const request = Buffer.from([0, 0, 0, 0, 0]);
      const message = Buffer.from([10, 1, 120, 16, 5, 32, 0x90, 0x4e]); // text "x", count 5, delay_ms 10000
      request.writeUInt32BE(message.length, 1);
      const body = Buffer.concat([request, message]).toString("base64");
      http1.write(
        `POST ${EXPAND} HTTP/1.1\r\nhost: test\r\ncontent-type: application/grpc-web-text\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
      const h2 = connectCall2(session, { text: "h2", delayMs: 10_000 });
      await http1.until(/\r\n\r\n/);
      await sleep(300); // the HTTP/2 request reached the server too
      const done = server!.shutdown({ graceMs: 150 });
      const answer = await h2;
      expect(answer.status).to.equal(503);
      expect(JSON.parse(answer.body)).to.deep.include({ code: "unavailable" });
      expect(JSON.parse(answer.body).message).to.match(/^server: shutting down, the call did not finish within the 150 ms grace period/);
      await http1.closedAt;
      const chunks = http1.received.slice(http1.received.indexOf("\r\n\r\n") + 4);
      const decoded = Buffer.concat(
        chunks
          .split("\r\n")
          .filter((_, index) => index % 2 === 1)
          .map((piece) => Buffer.from(piece, "base64")),
      ).toString("latin1");
      expect(decoded).to.include("grpc-status: 14");
      expect(decoded).to.include("server: shutting down");
      await done;
    });

    it("forceShutdown cuts web calls at once and their handlers see why", async () => {
      await start({});
      const http1 = await RawHttp1.open(port);
      opened.push(http1);
      const { session, closed } = openHttp2(port);
      opened.push(session);
      observed.aborted.length = 0;
      http1.write(connectRequest(ECHO, { text: "h1", delayMs: 10_000 }));
      const h2 = connectCall2(session, { text: "h2", delayMs: 10_000 }).catch((error: Error) => error);
      await sleep(200);
      const started = Date.now();
      await server!.forceShutdown();
      expect(Date.now() - started).to.be.below(3000);
      await http1.closedAt;
      await closed;
      // node's client reads RST_STREAM(CANCEL) as an end without a response, or an error.
      const cut = await h2;
      expect(cut instanceof Error || cut.status === 0, "no answer").to.equal(true);
      expect(observed.aborted).to.have.length(2);
      for (const reason of observed.aborted) expect(reason).to.equal("UNAVAILABLE: server: shutting down");
    });
  });

  it("HTTP/2: web requests reset by the client spend the rapid-reset budget (GOAWAY ENHANCE_YOUR_CALM)", async () => {
    await start({ maxPeerResetBurst: 10, maxPeerResetsPerSecond: 1 });
    const { session, goaway } = openHttp2(port);
    opened.push(session);
    for (let index = 0; index < 20 && !session.closed && !session.destroyed; index++) {
      const stream = session.request({ ":method": "POST", ":path": ECHO, "content-type": "application/json" });
      stream.on("error", () => {});
      stream.write('{"text":"reset me","delayMs":10000}');
      await sleep(20); // the server has the request and runs the handler
      stream.close(constants.NGHTTP2_CANCEL);
    }
    expect(await goaway).to.equal(constants.NGHTTP2_ENHANCE_YOUR_CALM);
  });
});
