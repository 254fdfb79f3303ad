// HTTP/1.1 hardening of the web protocols, over raw sockets: header size, the headers and request
// timeouts (slowloris), bodies over the receive limit, pipelining, Expect: 100-continue, request
// smuggling and HTTP/1.0. Every case gets an HTTP answer naming the side and the limit, and the
// server stays up.
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import type { Server, ServerOptions } from "../../src/index.js";
import { RawHttp1, connectRequest } from "./raw-http1.js";
import { startWebServer } from "./web-fixtures.js";

const ECHO = "/tsgrpc.webtest.EchoService/Echo";

/** The body of the last response in `text`. */
function bodyOf(text: string): string {
  return text.slice(text.lastIndexOf("\r\n\r\n") + 4);
}

describe("web: HTTP/1.1 limits and timeouts", () => {
  let server: Server | undefined;
  let port: number;
  const opened: RawHttp1[] = [];

  async function start(options: ServerOptions = {}): Promise<void> {
    ({ server, port } = await startWebServer(options));
  }

  async function open(): Promise<RawHttp1> {
    const client = await RawHttp1.open(port);
    opened.push(client);
    return client;
  }

  /** The server still answers a fresh request (nothing crashed or hung). */
  async function stillServes(): Promise<void> {
    const client = await open();
    client.write(connectRequest(ECHO, { text: "still here" }));
    await client.until(/"text":"still here"/);
  }

  afterEach(async () => {
    for (const client of opened.splice(0)) client.destroy();
    await server?.forceShutdown();
    server = undefined;
  });

  it("request headers over maxHeaderListBytes get 431 naming the limit", async () => {
    await start({ maxHeaderListBytes: 4096 });
    const client = await open();
    client.write(`POST ${ECHO} HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\nx-big: ${"a".repeat(8000)}\r\n\r\n`);
    await client.closedAt;
    expect(client.received).to.match(/^HTTP\/1\.1 431 /);
    expect(bodyOf(client.received)).to.equal(
      "server: HTTP/1.1 request headers exceed the server's limit of 4096 bytes (maxHeaderListBytes)\n",
    );
    await stillServes();
  });

  it("slowloris: a client sending one header byte at a time is cut off after headersTimeoutMs", async () => {
    await start({ web: { http1: { headersTimeoutMs: 300 } } });
    const client = await open();
    const request = `POST ${ECHO} HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\nx-slow: ${"s".repeat(200)}\r\n`;
    const started = Date.now();
    for (const byte of request) {
      if (client.closed) break;
      client.write(byte);
      await sleep(50);
    }
    await client.closedAt;
    expect(Date.now() - started).to.be.below(request.length * 50);
    expect(client.received).to.match(/^HTTP\/1\.1 408 /);
    expect(bodyOf(client.received)).to.equal("server: HTTP/1.1 request headers not received within 300 ms (web.http1.headersTimeoutMs)\n");
    await stillServes();
  });

  it("a body that stops coming is cut off after requestTimeoutMs (408 naming the option)", async () => {
    await start({ web: { http1: { headersTimeoutMs: 200, requestTimeoutMs: 400 } } });
    const client = await open();
    client.write(`POST ${ECHO} HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"text":`);
    await client.closedAt;
    expect(client.received).to.match(/^HTTP\/1\.1 408 /);
    expect(bodyOf(client.received)).to.equal("server: HTTP/1.1 request body not received within 400 ms (web.http1.requestTimeoutMs)\n");
    await stillServes();
  });

  for (const [name, framing] of [
    ["content-length", (body: string) => `content-length: ${body.length}\r\n\r\n${body}`],
    ["chunked", (body: string) => `transfer-encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`],
  ] as const)
    it(`a Connect body over maxReceiveMessageBytes sent ${name} is resource_exhausted (429), and the connection closes`, async () => {
      await start({ maxReceiveMessageBytes: 64 });
      const client = await open();
      client.write(
        `POST ${ECHO} HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\n${framing(JSON.stringify({ text: "x".repeat(200) }))}`,
      );
      await client.until(/\}$/);
      expect(client.received).to.match(/^HTTP\/1\.1 429 /);
      const error = JSON.parse(bodyOf(client.received));
      expect(error.code).to.equal("resource_exhausted");
      expect(error.message).to.match(/^web: request message .*the server's limit of 64 bytes/);
      await stillServes();
    });

  it("a content-length far over the limit is refused before the body is sent", async () => {
    await start({ maxReceiveMessageBytes: 64 });
    const client = await open();
    client.write(`POST ${ECHO} HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: 1000000000\r\n\r\n`);
    await client.until(/\}$/);
    expect(client.received).to.match(/^HTTP\/1\.1 429 /);
    expect(client.received.toLowerCase()).to.include("connection: close");
    expect(JSON.parse(bodyOf(client.received)).message).to.equal(
      "web: request message of 1000000000 bytes (content-length) exceeds the server's limit of 64 bytes",
    );
    await client.closedAt;
  });

  it("pipelined requests are answered in order on one connection", async () => {
    await start();
    const client = await open();
    client.write(
      connectRequest(ECHO, { text: "first", delayMs: 100 }) +
        connectRequest(ECHO, { text: "second" }) +
        connectRequest(ECHO, { text: "third" }),
    );
    await client.until(/"text":"third"/);
    const texts = [...client.received.matchAll(/"text":"(\w+)"/g)].map((match) => match[1]);
    expect(texts).to.deep.equal(["first", "second", "third"]);
    expect(client.received.match(/HTTP\/1\.1 200/g)).to.have.length(3);
  });

  it("Expect: 100-continue gets 100 Continue, then the answer", async () => {
    await start();
    const client = await open();
    const body = JSON.stringify({ text: "continued" });
    client.write(
      `POST ${ECHO} HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nexpect: 100-continue\r\n\r\n`,
    );
    await client.until(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    client.write(body);
    await client.until(/"text":"continued"/);
    expect(client.received).to.match(/\r\n\r\nHTTP\/1\.1 200 /);
  });

  it("request smuggling: Transfer-Encoding with Content-Length is refused by node's parser (400), the smuggled request never runs", async () => {
    await start();
    const client = await open();
    const smuggled = connectRequest(ECHO, { text: "smuggled" });
    client.write(
      `POST ${ECHO} HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    );
    await client.closedAt;
    expect(client.received).to.match(/^HTTP\/1\.1 400 /);
    expect(bodyOf(client.received)).to.match(/^server: malformed HTTP\/1\.1 request \(HPE_\w+: .+\)\n$/);
    expect(client.received).not.to.include("smuggled");
    await stillServes();
  });

  it("an HTTP/1.0 request is answered, and its connection closes", async () => {
    await start();
    const client = await open();
    const body = JSON.stringify({ text: "old" });
    client.write(`POST ${ECHO} HTTP/1.0\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    await client.closedAt;
    expect(client.received).to.match(/^HTTP\/1\.1 200 /);
    expect(bodyOf(client.received)).to.equal('{"text":"old"}');
  });
});
