// The web protocols on the wire, byte by byte: what curl and hand-made requests get back.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect as http2Connect } from "node:http2";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import { Channel, Code, type GrpcError, Server, createClient } from "../../src/index.js";
import { projectRoot } from "../project-root.js";
import { EchoRequest, EchoResponse } from "./gen/webtest_pb.js";
import { EchoService, echoImplementation, observed, startWebServer } from "./web-fixtures.js";

const run = promisify(execFile);
const ECHO = "/tsgrpc.webtest.EchoService/Echo";
const EXPAND = "/tsgrpc.webtest.EchoService/Expand";
const LOOKUP = "/tsgrpc.webtest.EchoService/Lookup";

/** A gRPC frame (flag byte, big-endian length, payload). */
function frame(payload: Uint8Array, flag = 0): Buffer {
  const out = Buffer.alloc(5 + payload.length);
  out[0] = flag;
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, 5);
  return out;
}

/** Splits a body of frames into [flag, payload] pairs. */
function frames(body: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  for (let at = 0; at < body.length; ) {
    const length = body.readUInt32BE(at + 1);
    out.push([body[at]!, body.subarray(at + 5, at + 5 + length)]);
    at += 5 + length;
  }
  return out;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP/1.1 request (chunks written as given). */
function post1(port: number, path: string, headers: Record<string, string>, chunks: Uint8Array[], method = "POST"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, path, method, headers }, (response) => {
      const body: Buffer[] = [];
      response.on("data", (chunk: Buffer) => body.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(body) }));
    });
    request.on("error", reject);
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}

/** One HTTP/2 request. */
function post2(port: number, path: string, headers: Record<string, string>, chunks: Uint8Array[], method = "POST"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const stream = session.request({ ":method": method, ":path": path, ...headers });
    let status = 0;
    let responseHeaders: Record<string, string | string[] | undefined> = {};
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      responseHeaders = h as Record<string, string | string[] | undefined>;
    });
    const body: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => body.push(chunk));
    stream.on("end", () => {
      session.close();
      resolve({ status, headers: responseHeaders, body: Buffer.concat(body) });
    });
    stream.on("error", reject);
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
}

function trailerLines(payload: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of payload.toString("latin1").split("\r\n"))
    if (line !== "") out[line.slice(0, line.indexOf(":"))] = line.slice(line.indexOf(":") + 1).trim();
  return out;
}

describe("web: on the wire", () => {
  let server: Server;
  let port: number;
  beforeEach(async () => {
    ({ server, port } = await startWebServer({ maxReceiveMessageBytes: 1024 }));
  });
  afterEach(async () => {
    await server.forceShutdown();
  });

  for (const [name, post] of [
    ["HTTP/1.1", post1],
    ["HTTP/2", post2],
  ] as const) {
    describe(name, () => {
      it("gRPC-Web: messages, then the trailers frame with flag 0x80", async () => {
        const answer = await post(port, ECHO, { "content-type": "application/grpc-web+proto" }, [
          frame(EchoRequest.encode({ text: "hi" })),
        ]);
        expect(answer.status).to.equal(200);
        expect(answer.headers["content-type"]).to.equal("application/grpc-web+proto");
        expect(answer.headers["x-header"]).to.equal("h");
        const [message, trailers] = frames(answer.body);
        expect(message![0]).to.equal(0);
        expect(EchoResponse.decode(message![1]).text).to.equal("hi");
        expect(trailers![0]).to.equal(0x80);
        expect(trailerLines(trailers![1])).to.deep.equal({ "x-trailer": "t", "grpc-status": "0" });
      });

      it("gRPC-Web: an error before any message is a trailers-only response", async () => {
        const answer = await post(port, ECHO, { "content-type": "application/grpc-web" }, [
          frame(EchoRequest.encode({ text: "no", failCode: 7 })),
        ]);
        expect(answer.status).to.equal(200);
        expect(answer.headers["grpc-status"]).to.equal("7");
        expect(answer.headers["grpc-message"]).to.equal("failed: no");
        expect(answer.headers["grpc-status-details-bin"]).to.be.a("string");
        expect(answer.body.length).to.equal(0);
      });

      it("gRPC-Web text: a base64 request split at every boundary, padded pieces, a base64 response", async () => {
        const first = frame(EchoRequest.encode({ text: "split" })).toString("base64");
        const chunks = [...first].map((character) => Buffer.from(character));
        const answer = await post(port, ECHO, { "content-type": "application/grpc-web-text" }, chunks);
        expect(answer.headers["content-type"]).to.equal("application/grpc-web-text+proto");
        const [message, trailers] = frames(Buffer.from(answer.body.toString("latin1"), "base64"));
        expect(EchoResponse.decode(message![1]).text).to.equal("split");
        expect(trailerLines(trailers![1])["grpc-status"]).to.equal("0");
      });

      it("gRPC-Web text: a body that is not base64 is INTERNAL", async () => {
        const answer = await post(port, ECHO, { "content-type": "application/grpc-web-text" }, [Buffer.from("AAAA*AAA")]);
        expect(answer.headers["grpc-status"]).to.equal(String(Code.Internal));
        expect(answer.headers["grpc-message"]).to.match(/not base64/);
      });

      it("gRPC-Web: a frame longer than the server's limit is RESOURCE_EXHAUSTED, read no further", async () => {
        const answer = await post(port, ECHO, { "content-type": "application/grpc-web" }, [frame(new Uint8Array(4096))]);
        expect(answer.headers["grpc-status"]).to.equal(String(Code.ResourceExhausted));
      });

      it("gRPC-Web: a frame cut short is INTERNAL", async () => {
        const whole = frame(EchoRequest.encode({ text: "cut" }));
        const answer = await post(port, ECHO, { "content-type": "application/grpc-web" }, [whole.subarray(0, whole.length - 2)]);
        expect(answer.headers["grpc-status"]).to.equal(String(Code.Internal));
      });

      it("gRPC-Web: gzip both ways", async () => {
        const request = frame(gzipSync(EchoRequest.encode({ text: "zipped", blob: new Uint8Array(500) })), 1);
        const answer = await post(
          port,
          ECHO,
          { "content-type": "application/grpc-web", "grpc-encoding": "gzip", "grpc-accept-encoding": "gzip" },
          [request],
        );
        const [message] = frames(answer.body);
        expect(EchoResponse.decode(message![0] === 1 ? gunzipSync(message![1]) : message![1]).text).to.equal("zipped");
      });

      it("Connect unary: JSON in, JSON out, trailers as trailer- headers", async () => {
        const answer = await post(port, ECHO, { "content-type": "application/json" }, [Buffer.from('{"text":"json"}')]);
        expect(answer.status).to.equal(200);
        expect(answer.headers["content-type"]).to.equal("application/json");
        expect(answer.headers["trailer-x-trailer"]).to.equal("t");
        expect(JSON.parse(answer.body.toString())).to.deep.equal({ text: "json" });
      });

      it("Connect unary: an error is its HTTP status and a JSON body with the code name and details", async () => {
        const answer = await post(port, ECHO, { "content-type": "application/json" }, [Buffer.from('{"text":"gone","failCode":5}')]);
        expect(answer.status).to.equal(404);
        const error = JSON.parse(answer.body.toString());
        expect(error.code).to.equal("not_found");
        expect(error.message).to.equal("failed: gone");
        expect(error.details[0].type).to.equal("tsgrpc.webtest.Problem");
      });

      it("Connect unary: malformed JSON gets a Connect error, not a crash", async () => {
        const answer = await post(port, ECHO, { "content-type": "application/json" }, [Buffer.from('{"text":')]);
        expect(answer.status).to.be.within(400, 599);
        expect(JSON.parse(answer.body.toString()).code).to.be.a("string");
      });

      it("Connect unary: a body over the server's limit is resource_exhausted (429)", async () => {
        const answer = await post(port, ECHO, { "content-type": "application/proto" }, [new Uint8Array(600), new Uint8Array(600)]);
        expect(answer.status).to.equal(429);
        expect(JSON.parse(answer.body.toString()).code).to.equal("resource_exhausted");
      });

      it("Connect unary: gzip request (content-encoding) and response (accept-encoding)", async () => {
        const body = gzipSync(EchoRequest.encode({ text: "gz" }));
        const answer = await post(
          port,
          ECHO,
          { "content-type": "application/proto", "content-encoding": "gzip", "accept-encoding": "gzip" },
          [body],
        );
        expect(answer.status).to.equal(200);
        expect(EchoResponse.decode(answer.headers["content-encoding"] === "gzip" ? gunzipSync(answer.body) : answer.body).text).to.equal(
          "gz",
        );
      });

      it("Connect unary: a bad connect-timeout-ms is an error", async () => {
        const answer = await post(port, ECHO, { "content-type": "application/json", "connect-timeout-ms": "soon" }, [Buffer.from("{}")]);
        expect(answer.status).to.equal(500);
        expect(JSON.parse(answer.body.toString()).message).to.match(/connect-timeout-ms/);
      });

      it("Connect unary on a streaming method is refused", async () => {
        const answer = await post(port, EXPAND, { "content-type": "application/json" }, [Buffer.from("{}")]);
        expect(answer.status).to.equal(501);
        expect(JSON.parse(answer.body.toString()).code).to.equal("unimplemented");
      });

      it("Connect streaming: envelopes, then the end-stream message with the error and trailers", async () => {
        const answer = await post(port, EXPAND, { "content-type": "application/connect+json" }, [
          frame(Buffer.from('{"text":"e","count":2,"failCode":3}')),
        ]);
        expect(answer.status).to.equal(200);
        const parts = frames(answer.body);
        expect(parts.map(([flag]) => flag)).to.deep.equal([0, 0, 2]);
        expect(JSON.parse(parts[1]![1].toString())).to.deep.equal({ text: "e 1", index: 1 });
        const end = JSON.parse(parts[2]![1].toString());
        expect(end.error.code).to.equal("invalid_argument");
        expect(end.metadata).to.deep.equal({ "x-trailer": ["t"] });
      });

      it("an unknown content-type is HTTP 415", async () => {
        const answer = await post(port, ECHO, { "content-type": "text/html" }, [Buffer.from("<p>")]);
        expect(answer.status).to.equal(415);
        expect(answer.headers["accept-post"]).to.include("application/grpc-web");
      });

      it("an unknown method of the service is unimplemented", async () => {
        const answer = await post(port, "/tsgrpc.webtest.EchoService/Nope", { "content-type": "application/json" }, [Buffer.from("{}")]);
        expect(answer.status).to.equal(501);
      });

      it("Connect GET of a method whose .proto says idempotency_level = NO_SIDE_EFFECTS, with no web.getMethods: the generated descriptor decides", async () => {
        const message = encodeURIComponent('{"text":"auto"}');
        const answer = await post(port, `${LOOKUP}?connect=v1&encoding=json&message=${message}`, {}, [], "GET");
        expect(answer.status).to.equal(200);
        expect(JSON.parse(answer.body.toString()).text).to.equal("looked up auto");
        const refused = await post(port, `${ECHO}?connect=v1&encoding=json&message=${message}`, {}, [], "GET");
        expect(refused.status).to.equal(501);
        expect(JSON.parse(refused.body.toString()).message).to.include("idempotency_level = NO_SIDE_EFFECTS");
      });

      it("Connect GET of a method web.getMethods lists, with the message in the URL; other methods refuse GET", async () => {
        const started = await startWebServer({ web: { getMethods: [LOOKUP] } });
        try {
          const message = encodeURIComponent('{"text":"q"}');
          const answer = await post(started.port, `${LOOKUP}?connect=v1&encoding=json&message=${message}`, {}, [], "GET");
          expect(answer.status).to.equal(200);
          expect(JSON.parse(answer.body.toString()).text).to.equal("looked up q");
          const binary = Buffer.from(EchoRequest.encode({ text: "b" })).toString("base64url");
          const viaBase64 = await post(started.port, `${LOOKUP}?encoding=proto&base64=1&message=${binary}`, {}, [], "GET");
          expect(EchoResponse.decode(viaBase64.body).text).to.equal("looked up b");
          const refused = await post(started.port, `${ECHO}?encoding=json&message=${message}`, {}, [], "GET");
          expect(refused.status).to.equal(501);
          const malformed = await post(started.port, `${LOOKUP}?encoding=proto&base64=1&message=***`, {}, [], "GET");
          expect(JSON.parse(malformed.body.toString()).code).to.equal("internal");
        } finally {
          await started.server.forceShutdown();
        }
      });
    });
  }

  it("gRPC clients on the same port see no change", async () => {
    const channel = new Channel(`127.0.0.1:${port}`);
    try {
      const client = createClient(EchoService, channel);
      expect((await client.echo({ text: "grpc" })).text).to.equal("grpc");
      const error = await client.echo({ text: "x", failCode: 5 }).catch((e: GrpcError) => e);
      expect((error as GrpcError).code).to.equal(Code.NotFound);
    } finally {
      channel.close();
    }
  });

  it("curl: JSON over the Connect protocol, over HTTP/1.1 and HTTP/2 (prior knowledge)", async function () {
    try {
      await run("curl", ["--version"]);
    } catch {
      this.skip();
    }
    for (const version of ["--http1.1", "--http2-prior-knowledge"]) {
      const { stdout } = await run("curl", [
        "-sS",
        version,
        "-H",
        "content-type: application/json",
        "-d",
        '{"text":"from curl"}',
        "-w",
        "\\n%{http_version}",
        `http://127.0.0.1:${port}${ECHO}`,
      ]);
      const [body, httpVersion] = stdout.split("\n");
      expect(JSON.parse(body!)).to.deep.equal({ text: "from curl" });
      expect(httpVersion).to.equal(version === "--http1.1" ? "1.1" : "2");
    }
  });

  it("a client that goes away cancels the handler", async () => {
    observed.aborted.length = 0;
    await new Promise<void>((resolve) => {
      const request = httpRequest({ host: "127.0.0.1", port, path: ECHO, method: "POST", headers: { "content-type": "application/json" } });
      request.on("error", () => resolve());
      request.end('{"text":"slow","delayMs":10000}');
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 200);
    });
    for (let i = 0; i < 100 && observed.aborted.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(observed.aborted).to.have.length(1);
  });
});

describe("web: CORS", () => {
  let server: Server;
  let port: number;
  before(async () => {
    ({ server, port } = await startWebServer({
      web: { cors: { allowedOrigins: ["https://app.example"], exposedHeaders: ["x-header"], allowedHeaders: ["x-echo"] } },
    }));
  });
  after(async () => {
    await server.forceShutdown();
  });

  it("answers a preflight from an allowed origin", async () => {
    const answer = await post1(
      port,
      ECHO,
      { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-echo" },
      [],
      "OPTIONS",
    );
    expect(answer.status).to.equal(204);
    expect(answer.headers["access-control-allow-origin"]).to.equal("https://app.example");
    expect(answer.headers["access-control-allow-methods"]).to.include("POST");
    expect(answer.headers["access-control-allow-headers"])
      .to.include("x-echo")
      .and.include("x-grpc-web")
      .and.include("connect-protocol-version");
  });

  it("refuses a preflight from another origin", async () => {
    const answer = await post1(port, ECHO, { origin: "https://evil.example", "access-control-request-method": "POST" }, [], "OPTIONS");
    expect(answer.status).to.equal(403);
    expect(answer.headers["access-control-allow-origin"]).to.equal(undefined);
  });

  it("exposes the status headers, the protocol's and the configured ones on responses", async () => {
    const answer = await post1(port, ECHO, { origin: "https://app.example", "content-type": "application/grpc-web" }, [
      frame(EchoRequest.encode({ text: "c" })),
    ]);
    expect(answer.headers["access-control-allow-origin"]).to.equal("https://app.example");
    const exposed = String(answer.headers["access-control-expose-headers"]);
    for (const name of ["grpc-status", "grpc-message", "grpc-status-details-bin", "x-header"]) expect(exposed).to.include(name);
  });

  it("adds nothing for an origin that is not allowed", async () => {
    const answer = await post1(port, ECHO, { origin: "https://evil.example", "content-type": "application/json" }, [Buffer.from("{}")]);
    expect(answer.status).to.equal(200);
    expect(answer.headers["access-control-allow-origin"]).to.equal(undefined);
  });
});

describe("web: TLS, HTTP/1.1 by ALPN", () => {
  it("serves gRPC-Web over HTTP/1.1 and HTTP/2 on one TLS port", async () => {
    const certs = join(projectRoot(), "interop", "certs");
    const server = new Server({ web: true, logger: null }).add(EchoService, echoImplementation);
    const ca = readFileSync(join(certs, "ca.pem"));
    const { port } = await server.listen(
      { host: "127.0.0.1", port: 0 },
      { cert: readFileSync(join(certs, "server.pem")), key: readFileSync(join(certs, "server.key")) },
    );
    try {
      const { request } = await import("node:https");
      const answer = await new Promise<Answer>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            path: ECHO,
            method: "POST",
            ca,
            servername: "foo.test.google.fr",
            headers: { "content-type": "application/json" },
          },
          (response) => {
            const body: Buffer[] = [];
            response.on("data", (chunk: Buffer) => body.push(chunk));
            response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(body) }));
          },
        );
        req.on("error", reject);
        req.end('{"text":"tls"}');
      });
      expect(answer.status).to.equal(200);
      expect(JSON.parse(answer.body.toString()).text).to.equal("tls");
      const channel = new Channel(`127.0.0.1:${port}`, { tls: { ca, serverNameOverride: "foo.test.google.fr" } });
      try {
        expect((await createClient(EchoService, channel).echo({ text: "grpc over tls" })).text).to.equal("grpc over tls");
      } finally {
        channel.close();
      }
    } finally {
      await server.forceShutdown();
    }
  });
});
