// The floor: a bare node:http2 server that answers TestService calls in gRPC shape with no gRPC
// logic at all (no codec, no framing library, no metadata, no deadlines). No node:http2-based
// gRPC server can be much faster, so every server figure is also given as a ratio to this one.
//
// EmptyCall answers the empty message, UnaryCall echoes the request body, StreamingInputCall reads
// everything and answers one fixed message, StreamingOutputCall answers one 1 KiB message per
// response_parameters entry (counted by a tag scan), and FullDuplexCall answers one 1 KiB message
// per request message as it arrives. The harness only asks the floor for 1 KiB streaming messages.
import http2 from "node:http2";
import { EMPTY_FRAME, payloadResponseFrame } from "../lib/messages.js";
import { announceListening, portFromArgs } from "../lib/server-process.js";

const RESPONSE_HEADERS = { ":status": 200, "content-type": "application/grpc" };
const OK_TRAILERS = { "grpc-status": "0" };
const STREAM_MESSAGE = Buffer.from(payloadResponseFrame(1024));
const EMPTY = Buffer.from(EMPTY_FRAME);
const INPUT_RESPONSE = EMPTY; // StreamingInputCallResponse { aggregated_payload_size: 0 }

/** Counts top-level field-2 entries (response_parameters) in a StreamingOutputCallRequest frame. */
function countResponseParameters(frame: Buffer): number {
  let count = 0;
  let offset = 5;
  const readVarint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = frame[offset++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (offset < frame.length) {
    const tag = readVarint();
    // Every field of this message is a varint or length-delimited. (Read the length before adding:
    // `offset += readVarint()` would add to the offset from before the length was read.)
    const value = readVarint();
    if ((tag & 7) === 2) offset += value;
    if (tag >>> 3 === 2) count++;
  }
  return count;
}

function finish(stream: http2.ServerHttp2Stream, chunks: Buffer[]): void {
  if (stream.destroyed) return; // reset by the client (h2load does so when its time is up)
  stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers(OK_TRAILERS));
  for (let i = 0; i < chunks.length - 1; i++) stream.write(chunks[i]);
  stream.end(chunks[chunks.length - 1]);
}

function readAll(stream: http2.ServerHttp2Stream, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.on("end", () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
}

/** Answers one 1 KiB message per complete request frame, as the frames arrive. */
function duplex(stream: http2.ServerHttp2Stream): void {
  stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers(OK_TRAILERS));
  let pending: Buffer = Buffer.alloc(0);
  stream.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 5) {
      const end = 5 + pending.readUInt32BE(1);
      if (pending.length < end) break;
      stream.write(STREAM_MESSAGE);
      pending = pending.subarray(end);
    }
  });
  stream.on("end", () => stream.end());
}

const server = http2.createServer({ maxSessionMemory: 1024 });
// 'error' on a stream is followed by 'close'; the floor has nothing to report.
server.on("stream", (stream, headers) => {
  stream.on("error", () => undefined);
  switch (headers[":path"]) {
    case "/grpc.testing.TestService/EmptyCall":
      return readAll(stream, () => finish(stream, [EMPTY]));
    case "/grpc.testing.TestService/UnaryCall":
      return readAll(stream, (body) => finish(stream, [body]));
    case "/grpc.testing.TestService/StreamingInputCall":
      return readAll(stream, () => finish(stream, [INPUT_RESPONSE]));
    case "/grpc.testing.TestService/StreamingOutputCall":
      return readAll(stream, (body) => {
        const count = countResponseParameters(body);
        finish(stream, count === 0 ? [Buffer.alloc(0)] : Array.from({ length: count }, () => STREAM_MESSAGE));
      });
    case "/grpc.testing.TestService/FullDuplexCall":
      return duplex(stream);
    default:
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12" }, { endStream: true });
  }
});
server.listen(portFromArgs(), "127.0.0.1", () => {
  const address = server.address();
  announceListening(typeof address === "object" && address !== null ? address.port : 0);
});
