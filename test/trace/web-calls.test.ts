// Web calls in the tracer: a gRPC-Web call over HTTP/1.1, a Connect unary error and a Connect
// stream over HTTP/2 show their protocol, HTTP version, request head, messages (decoded), the
// trailers frame / error JSON / end-stream, and how they ended, as text and as JSON.
import { expect } from "chai";
import { connect as http2Connect } from "node:http2";
import { type Server, type TraceEvent, formatTraceJson, formatTraceText } from "../../src/index.js";
import { EchoRequest } from "../web/gen/webtest_pb.js";
import { startWebServer } from "../web/web-fixtures.js";

const ECHO = "/tsgrpc.webtest.EchoService/Echo";
const EXPAND = "/tsgrpc.webtest.EchoService/Expand";

function frame(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + payload.length);
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, 5);
  return out;
}

function post2(port: number, path: string, contentType: string, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": contentType });
    let status = 0;
    stream.on("response", (headers) => (status = Number(headers[":status"])));
    stream.resume();
    stream.on("end", () => {
      session.close();
      resolve(status);
    });
    stream.on("error", reject);
    stream.end(body);
  });
}

/** One trace event as its JSON line reads. */
interface TracedJson {
  name: string;
  layer: string;
  data: Record<string, unknown>;
}

/** What the tracer showed of the one call traced into `events`, once it has ended: event names, text, JSON. */
async function tracedCall(events: TraceEvent[]): Promise<{ names: string[]; text: string; json: TracedJson[] }> {
  for (let waited = 0; !events.some((event) => event.name === "end") && waited < 5000; waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10));
  const call = events.filter((event) => event.call !== undefined);
  return {
    names: call.map((event) => event.name),
    text: call.map((event) => formatTraceText(event)).join("\n"),
    json: call.map((event) => JSON.parse(formatTraceJson(event)) as TracedJson),
  };
}

/** How every web call here begins: started, the request's head and its one message, the response's head. */
const OPENING = ["start", "headers-received", "message-received", "headers-sent"];

describe("trace: web calls", () => {
  let server: Server;
  let port: number;
  let events: TraceEvent[];

  beforeEach(async () => {
    events = [];
    ({ server, port } = await startWebServer({ trace: (event: TraceEvent) => void events.push(event) }));
  });
  afterEach(async () => {
    await server.forceShutdown();
  });

  it("gRPC-Web over HTTP/1.1: protocol, head, decoded messages, the trailers frame, the end", async () => {
    const response = await fetch(`http://127.0.0.1:${port}${ECHO}`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto", "x-echo": "traced" },
      body: frame(EchoRequest.encode({ text: "hi" })),
    });
    expect(response.status).to.equal(200);
    await response.arrayBuffer();
    const { names, text, json } = await tracedCall(events);
    expect(names).to.deep.equal([...OPENING, "message-sent", "web-trailers-sent", "end"]);
    expect(text).to.include(`start ${ECHO} (grpc-web (proto) over HTTP/1.1) from 127.0.0.1:`);
    expect(text).to.include("< HEADERS HTTP/1.1\n");
    expect(text).to.include("x-echo: traced");
    expect(text).to.match(/< message 1: flag 0, 4 bytes, identity, 0a026869\n\s+\{ text: "hi"/);
    expect(text).to.include("> HEADERS HTTP/1.1\n      :status: 200\n");
    expect(text).to.include("> gRPC-Web trailers frame: flag 0x80, ");
    expect(text).to.include("      grpc-status: 0");
    expect(text).to.include("      x-trailer: t");
    expect(text).to.match(/end OK$/);
    // The heads of an HTTP/1.1 exchange are the http1 layer's, in text and JSON alike.
    expect(text).to.match(/ http1 +< HEADERS HTTP\/1\.1\n/);
    expect(text).to.match(/ http1 +> HEADERS HTTP\/1\.1\n/);
    expect(text).not.to.match(/ http2 /);
    expect(json[0]!.data).to.deep.include({ protocol: "grpc-web (proto)", http: "1.1" });
    expect(json.filter((event) => event.name.startsWith("headers-")).map((event) => event.layer)).to.deep.equal(["http1", "http1"]);
    expect(json[5]!.data).to.deep.include({ flag: 128 });
  });

  it("the http1 and http2 filter words pick a web call's heads by its HTTP version", async () => {
    await server.forceShutdown();
    const seen: TraceEvent[] = [];
    for (const filter of ["server,http1", "server,http2"]) {
      seen.length = 0;
      ({ server, port } = await startWebServer({ trace: { filter, sink: (event: TraceEvent) => void seen.push(event) } }));
      const body = Buffer.from(JSON.stringify({ text: "v" }));
      const response = await fetch(`http://127.0.0.1:${port}${ECHO}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(response.status).to.equal(200);
      await response.arrayBuffer();
      expect(await post2(port, ECHO, "application/json", body)).to.equal(200);
      // Both heads of each call were traced before its response reached the client.
      await server.forceShutdown();
      const layer = filter.slice("server,".length);
      // Only the filtered layer, and only the call over that HTTP version: two heads, nothing else.
      expect(seen.map((event) => `${event.layer} ${event.name} ${String(event.data.http)}`)).to.deep.equal([
        `${layer} headers-received ${layer === "http1" ? "1.1" : "2"}`,
        `${layer} headers-sent ${layer === "http1" ? "1.1" : "2"}`,
      ]);
    }
  });

  it("Connect unary over HTTP/2: the error JSON with its HTTP status, and the status in the end", async () => {
    const status = await post2(port, ECHO, "application/json", Buffer.from(JSON.stringify({ text: "no", failCode: 5 })));
    expect(status).to.equal(404);
    const { names, text, json } = await tracedCall(events);
    expect(names).to.deep.equal([...OPENING, "web-error-sent", "end"]);
    expect(text).to.include(`start ${ECHO} (connect unary (json) over HTTP/2)`);
    expect(text).to.include("> Connect error: HTTP 404");
    expect(text).to.include('{"code":"not_found","message":"failed: no"');
    expect(text).to.include("end NOT_FOUND (5): failed: no");
    expect(json.filter((event) => event.name.startsWith("headers-")).map((event) => event.layer)).to.deep.equal(["http2", "http2"]);
  });

  it("Connect streaming over HTTP/2: each envelope, then the end-stream message", async () => {
    const status = await post2(port, EXPAND, "application/connect+proto", frame(EchoRequest.encode({ text: "s", count: 2 })));
    expect(status).to.equal(200);
    const { names, text } = await tracedCall(events);
    expect(names).to.deep.equal([...OPENING, "message-sent", "message-sent", "web-end-stream-sent", "end"]);
    expect(text).to.include(`start ${EXPAND} (connect stream (proto) over HTTP/2)`);
    expect(text).to.include("> Connect end-stream: flag 0x2, ");
    expect(text).to.include('{"metadata":{"x-trailer":["t"]}}');
  });
});
