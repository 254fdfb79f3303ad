import type { OutgoingHttpHeaders } from "node:http";
import { FRAME_HEADER_BYTES } from "../framing/index.js";
import { GRPC_ENCODING, HEADER_CONTENT_TYPE, metadataToHeaders, trailersFromStatus } from "../http2/index.js";
import type { Metadata } from "../metadata/index.js";
import type { GrpcError } from "../status/index.js";
import { encodeBase64Body } from "./base64-body.js";
import { WebCallStream } from "./web-call-stream.js";

/** The flag byte of the gRPC-Web frame that carries the trailers. */
const TRAILERS_FLAG = 0x80;
const ascii = new TextEncoder();

/**
 * A gRPC-Web call (`application/grpc-web[+proto|+json]`, or `-text` with base64 bodies): the
 * response is HTTP 200 with the messages as gRPC frames, then the status and trailing metadata
 * as one more frame, flagged 0x80, holding an HTTP/1 header block; a call that fails before any
 * message answers with the status in the headers (trailers-only).
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md
 */
export class GrpcWebCallStream extends WebCallStream {
  private get isText(): boolean {
    return this.protocol.wire === "grpc-web-text";
  }

  sendHeaders(metadata: Metadata | undefined, encoding: string | undefined): void {
    if (this.isFinished || this.exchange.headersSent) return;
    const headers: OutgoingHttpHeaders = { ...this.extraHeaders, [HEADER_CONTENT_TYPE]: this.protocol.contentType };
    if (encoding !== undefined) headers[GRPC_ENCODING] = encoding;
    if (metadata !== undefined && metadata.size > 0) metadataToHeaders(metadata, headers);
    const oversize = this.exchange.checkResponseHead(200, headers);
    if (oversize !== undefined) {
      // The call fails as a gRPC call does with metadata over the limit: a trailers-only answer.
      this.finish(oversize, undefined);
      return;
    }
    this.exchange.respond(200, headers);
  }

  write(bytes: Uint8Array): boolean {
    if (this.isFinished) return true;
    return this.exchange.write(this.isText ? encodeBase64Body(bytes) : bytes);
  }

  respond(metadata: Metadata | undefined, encoding: string | undefined, message: Uint8Array, trailers: Metadata | undefined): void {
    if (this.isFinished) return;
    this.sendHeaders(metadata, encoding);
    if (!this.beginFinish(undefined)) return;
    const trailerFrame = trailersFrame(undefined, trailers);
    const trace = this.trace;
    // The role layer traces the message it handed to respond() after the call: the trailers follow it.
    if (trace !== undefined) queueMicrotask(() => trace.emit("message", "web-trailers-sent", traceOfTrailers(trailerFrame)));
    const body = new Uint8Array(message.length + trailerFrame.length);
    body.set(message);
    body.set(trailerFrame, message.length);
    this.exchange.end(this.isText ? encodeBase64Body(body) : body);
  }

  finish(error: GrpcError | undefined, trailers: Metadata | undefined, headers?: Metadata): void {
    if (this.exchange.headersSent) {
      if (!this.beginFinish(error)) return;
      const frame = trailersFrame(error, trailers);
      this.trace?.emit("message", "web-trailers-sent", traceOfTrailers(frame));
      this.exchange.end(this.isText ? encodeBase64Body(frame) : frame);
      return;
    }
    if (!this.beginFinish(error)) return;
    // Trailers-only: the status and every piece of metadata in the headers, and no body.
    const response: OutgoingHttpHeaders = { ...this.extraHeaders, [HEADER_CONTENT_TYPE]: this.protocol.contentType };
    if (headers !== undefined && headers.size > 0) metadataToHeaders(headers, response);
    let head = trailersFromStatus(error, trailers, response);
    const oversize = this.exchange.checkResponseHead(200, head);
    if (oversize !== undefined) {
      // Too large for the client: the status that says so, without the metadata.
      this.finishStatus = oversize;
      head = trailersFromStatus(oversize, undefined, { ...this.extraHeaders, [HEADER_CONTENT_TYPE]: this.protocol.contentType });
    }
    this.exchange.respond(200, head);
    this.exchange.end();
  }
}

/** Trace data of a trailers frame: its flag, length and header lines. */
function traceOfTrailers(frame: Uint8Array): Record<string, unknown> {
  const text = new TextDecoder().decode(frame.subarray(FRAME_HEADER_BYTES));
  return { flag: frame[0], length: frame.length - FRAME_HEADER_BYTES, lines: text.split("\r\n").filter((line) => line !== "") };
}

/**
 * The trailers frame: flag 0x80, the length, then `name: value\r\n` lines (lowercase names) of
 * grpc-status, grpc-message, grpc-status-details-bin and the trailing metadata.
 */
export function trailersFrame(error: GrpcError | undefined, trailers: Metadata | undefined): Uint8Array {
  const block = trailersFromStatus(error, trailers);
  let text = "";
  for (const name in block) {
    const value = block[name];
    if (Array.isArray(value)) for (const item of value) text += `${name}: ${item}\r\n`;
    else text += `${name}: ${String(value)}\r\n`;
  }
  const bytes = ascii.encode(text);
  const frame = new Uint8Array(FRAME_HEADER_BYTES + bytes.length);
  frame[0] = TRAILERS_FLAG;
  new DataView(frame.buffer).setUint32(1, bytes.length);
  frame.set(bytes, FRAME_HEADER_BYTES);
  return frame;
}
