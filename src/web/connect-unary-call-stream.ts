import type { OutgoingHttpHeaders } from "node:http";
import { FRAME_HEADER_BYTES } from "../framing/index.js";
import { HEADER_CONTENT_TYPE, metadataToHeaders } from "../http2/index.js";
import { isBinaryKey, encodeBase64, type Metadata } from "../metadata/index.js";
import type { GrpcError } from "../status/index.js";
import { connectErrorJson, httpStatusFromCode } from "./connect-error.js";
import { CONTENT_ENCODING, CONTENT_LENGTH, TRAILER_PREFIX } from "./web-header-names.js";
import { WebCallStream } from "./web-call-stream.js";

const utf8 = new TextEncoder();

/**
 * A Connect unary call (POST `application/proto` or `application/json`, or GET): the response is
 * the bare message with HTTP 200, header metadata as headers and trailing metadata as
 * `trailer-`-prefixed headers; an error is its HTTP status (404 for not_found, ...) with the
 * error as JSON. Nothing is sent before the call's outcome is known.
 * https://connectrpc.com/docs/protocol#unary-response
 */
export class ConnectUnaryCallStream extends WebCallStream {
  private headerMetadata: Metadata | undefined;
  private encoding: string | undefined;
  /** A message written with write() (only a unary method gets here; it writes one). */
  private message: Uint8Array | undefined;

  sendHeaders(metadata: Metadata | undefined, encoding: string | undefined): void {
    // The HTTP status depends on the outcome: the headers wait for it.
    this.headerMetadata = metadata;
    this.encoding = encoding;
  }

  write(bytes: Uint8Array): boolean {
    if (!this.isFinished) this.message = bytes;
    return true;
  }

  respond(metadata: Metadata | undefined, encoding: string | undefined, message: Uint8Array, trailers: Metadata | undefined): void {
    if (!this.beginFinish(undefined)) return;
    const headers = this.headers(metadata, trailers, this.protocol.contentType);
    const compressed = message[0] === 1;
    if (compressed && encoding !== undefined) headers[CONTENT_ENCODING] = encoding;
    const body = message.subarray(FRAME_HEADER_BYTES);
    headers[CONTENT_LENGTH] = body.length;
    if (this.failIfOversize(headers)) return;
    this.exchange.respond(200, headers);
    this.exchange.end(body);
  }

  finish(error: GrpcError | undefined, trailers: Metadata | undefined, headers?: Metadata): void {
    const metadata = headers ?? this.headerMetadata;
    if (error === undefined && this.message !== undefined) {
      this.respond(metadata, this.encoding, this.message, trailers);
      return;
    }
    if (!this.beginFinish(error)) return;
    if (error === undefined) {
      const response = this.headers(metadata, trailers, this.protocol.contentType);
      response[CONTENT_LENGTH] = 0;
      if (this.failIfOversize(response)) return;
      this.exchange.respond(200, response);
      this.exchange.end();
      return;
    }
    // The error's own metadata goes with the trailers, as in gRPC's trailers.
    this.sendError(error, this.headers(metadata, mergeTrailers(trailers, error.metadata), "application/json"), true);
  }

  /**
   * When the head `headers` (with `status`) is over what the client accepts: answers the error
   * that says so, without any metadata, in place of the call's answer, and returns true.
   */
  private failIfOversize(headers: OutgoingHttpHeaders, status = 200): boolean {
    const oversize = this.exchange.checkResponseHead(status, headers);
    if (oversize === undefined) return false;
    this.finishStatus = oversize;
    this.sendError(oversize, { ...this.extraHeaders, [HEADER_CONTENT_TYPE]: "application/json" }, false);
    return true;
  }

  /** Answers `error` as the Connect error JSON with its HTTP status, with the head `response` (`checked` against the head limit). */
  private sendError(error: GrpcError, response: OutgoingHttpHeaders, checked: boolean): void {
    const json = JSON.stringify(connectErrorJson(error));
    const body = utf8.encode(json);
    response[CONTENT_LENGTH] = body.length;
    if (checked && this.failIfOversize(response, httpStatusFromCode(error.code))) return;
    this.exchange.respond(httpStatusFromCode(error.code), response);
    this.trace?.emit("message", "web-error-sent", { httpStatus: httpStatusFromCode(error.code), json });
    this.exchange.end(body);
  }

  private headers(metadata: Metadata | undefined, trailers: Metadata | undefined, contentType: string): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = { ...this.extraHeaders, [HEADER_CONTENT_TYPE]: contentType };
    if (metadata !== undefined && metadata.size > 0) metadataToHeaders(metadata, headers);
    if (trailers !== undefined)
      for (const [key, value] of trailers) {
        const name = TRAILER_PREFIX + key;
        const text = isBinaryKey(key) ? encodeBase64(value as Uint8Array) : (value as string);
        const existing = headers[name];
        headers[name] = existing === undefined ? text : ([] as string[]).concat(existing as string | string[], text);
      }
    return headers;
  }
}

/** The call's trailers followed by the error's own metadata; undefined when both are empty. */
export function mergeTrailers(trailers: Metadata | undefined, extra: Metadata): Metadata | undefined {
  if (extra.size === 0) return trailers;
  if (trailers === undefined || trailers.size === 0) return extra;
  return trailers.clone().merge(extra);
}
