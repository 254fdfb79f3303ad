import type { OutgoingHttpHeaders } from "node:http";
import { FRAME_HEADER_BYTES } from "../framing/index.js";
import { HEADER_CONTENT_TYPE, metadataToHeaders } from "../http2/index.js";
import type { Metadata } from "../metadata/index.js";
import type { GrpcError } from "../status/index.js";
import { connectErrorJson, metadataToJson } from "./connect-error.js";
import { mergeTrailers } from "./connect-unary-call-stream.js";
import { CONNECT_CONTENT_ENCODING } from "./web-header-names.js";
import { WebCallStream } from "./web-call-stream.js";

/** The flag of the Connect envelope that ends a stream and carries its status as JSON. */
const END_STREAM_FLAG = 0x02;
const utf8 = new TextEncoder();

/**
 * A Connect streaming call (`application/connect+proto` or `+json`): HTTP 200, the messages in
 * the same 5-byte envelopes as gRPC, then an end-stream envelope (flag 0x02) whose JSON holds the
 * error, if any, and the trailing metadata. Errors never change the HTTP status.
 * https://connectrpc.com/docs/protocol#streaming-response
 */
export class ConnectStreamCallStream extends WebCallStream {
  sendHeaders(metadata: Metadata | undefined, encoding: string | undefined): void {
    if (this.isFinished || this.exchange.headersSent) return;
    const headers: OutgoingHttpHeaders = { ...this.extraHeaders, [HEADER_CONTENT_TYPE]: this.protocol.contentType };
    if (encoding !== undefined) headers[CONNECT_CONTENT_ENCODING] = encoding;
    if (metadata !== undefined && metadata.size > 0) metadataToHeaders(metadata, headers);
    const oversize = this.exchange.checkResponseHead(200, headers);
    if (oversize === undefined) {
      this.exchange.respond(200, headers);
      return;
    }
    // Too large for the client: the headers without the metadata, and the end-stream message
    // that says so (the call is over: respond() and finish() find it finished).
    this.exchange.respond(200, { ...this.extraHeaders, [HEADER_CONTENT_TYPE]: this.protocol.contentType });
    if (!this.beginFinish(oversize)) return;
    this.endWith(endStreamEnvelope(oversize, undefined));
  }

  write(bytes: Uint8Array): boolean {
    if (this.isFinished) return true;
    return this.exchange.write(bytes);
  }

  respond(metadata: Metadata | undefined, encoding: string | undefined, message: Uint8Array, trailers: Metadata | undefined): void {
    if (this.isFinished) return;
    this.sendHeaders(metadata, encoding);
    if (!this.beginFinish(undefined)) return;
    const end = endStreamEnvelope(undefined, trailers);
    this.trace?.emit("message", "web-end-stream-sent", traceOfEndStream(end));
    const body = new Uint8Array(message.length + end.length);
    body.set(message);
    body.set(end, message.length);
    this.exchange.end(body);
  }

  finish(error: GrpcError | undefined, trailers: Metadata | undefined, headers?: Metadata): void {
    if (this.isFinished) return;
    this.sendHeaders(headers, undefined);
    if (!this.beginFinish(error)) return;
    this.endWith(endStreamEnvelope(error, trailers));
  }

  /** Ends the response with the end-stream envelope `end`. */
  private endWith(end: Uint8Array): void {
    this.trace?.emit("message", "web-end-stream-sent", traceOfEndStream(end));
    this.exchange.end(end);
  }
}

/** Trace data of an end-stream envelope: its flag, length and JSON. */
function traceOfEndStream(envelope: Uint8Array): Record<string, unknown> {
  return {
    flag: envelope[0],
    length: envelope.length - FRAME_HEADER_BYTES,
    json: new TextDecoder().decode(envelope.subarray(FRAME_HEADER_BYTES)),
  };
}

/** The end-stream envelope: flag 0x02 and `{"error": ..., "metadata": ...}`, each only when there is one. */
export function endStreamEnvelope(error: GrpcError | undefined, trailers: Metadata | undefined): Uint8Array {
  const metadata = error === undefined ? trailers : mergeTrailers(trailers, error.metadata);
  const json: { error?: object; metadata?: Record<string, string[]> } = {};
  if (error !== undefined) json.error = connectErrorJson(error);
  if (metadata !== undefined && metadata.size > 0) json.metadata = metadataToJson(metadata);
  const bytes = utf8.encode(JSON.stringify(json));
  const envelope = new Uint8Array(FRAME_HEADER_BYTES + bytes.length);
  envelope[0] = END_STREAM_FLAG;
  new DataView(envelope.buffer).setUint32(1, bytes.length);
  envelope.set(bytes, FRAME_HEADER_BYTES);
  return envelope;
}
