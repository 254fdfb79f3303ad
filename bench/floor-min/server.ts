// floor-min: the tightest gRPC-shaped responder node:http2 allows, for the two unary server cases
// (EmptyCall answers the empty message, UnaryCall echoes the request body). Response headers,
// trailers and respond() options are frozen objects built once; no `date` header (sendDate: false);
// no closure per request (every listener is a shared function whose `this` is the stream); the
// response is one respond() and one write (end with the body), then the trailers.
//
// It is what a call costs node:http2 itself, so "tsgrpc CPU per call / floor-min CPU per call" is
// the share of a call that our gRPC logic costs (issue 10's target: tsgrpc >= 0.95 of floor-min).
// Other methods answer UNIMPLEMENTED: the harness runs floor-min in the unary cases only.
import http2 from "node:http2";
import { EMPTY_FRAME, testServicePath } from "../lib/messages.js";
import { announceListening, portFromArgs } from "../lib/server-process.js";

const RESPONSE_HEADERS = Object.freeze({ ":status": 200, "content-type": "application/grpc" });
const OK_TRAILERS = Object.freeze({ "grpc-status": "0" });
const UNIMPLEMENTED = Object.freeze({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12" });
const WITH_TRAILERS = Object.freeze({ waitForTrailers: true, sendDate: false });
const TRAILERS_ONLY = Object.freeze({ endStream: true, sendDate: false });
const EMPTY = Buffer.from(EMPTY_FRAME);
const EMPTY_CALL = testServicePath("EmptyCall");
const UNARY_CALL = testServicePath("UnaryCall");

const BODY = Symbol("body");
type Stream = http2.ServerHttp2Stream & { [BODY]?: Buffer };

function respond(stream: Stream, body: Buffer): void {
  if (stream.destroyed) return; // reset by the client (h2load does so when its time is up)
  stream.respond(RESPONSE_HEADERS, WITH_TRAILERS);
  stream.end(body);
}

function keepChunk(this: Stream, chunk: Buffer): void {
  const held = this[BODY];
  this[BODY] = held === undefined ? chunk : Buffer.concat([held, chunk]);
}

function answerEmpty(this: Stream): void {
  respond(this, EMPTY);
}

function answerEcho(this: Stream): void {
  respond(this, this[BODY] ?? EMPTY);
}

function sendTrailers(this: Stream): void {
  this.sendTrailers(OK_TRAILERS);
}

// 'error' on a stream is always followed by 'close'; floor-min has nothing to report.
function ignore(): void {}

function onStream(stream: Stream, headers: http2.IncomingHttpHeaders): void {
  stream.on("error", ignore);
  const path = headers[":path"];
  if (path === EMPTY_CALL) {
    stream.on("end", answerEmpty);
    stream.resume();
  } else if (path === UNARY_CALL) {
    stream.on("data", keepChunk);
    stream.on("end", answerEcho);
  } else {
    stream.respond(UNIMPLEMENTED, TRAILERS_ONLY);
    return;
  }
  stream.on("wantTrailers", sendTrailers);
}

const server = http2.createServer({ maxSessionMemory: 1024 });
server.on("stream", onStream);
server.listen(portFromArgs(), "127.0.0.1", () => {
  const address = server.address();
  announceListening(typeof address === "object" && address !== null ? address.port : 0);
});
