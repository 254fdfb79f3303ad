import { type OutgoingHttpHeaders, STATUS_CODES } from "node:http";
import { Code, GrpcError } from "../../status/index.js";
import { HEADER_STATUS, MAX_SEND_HEADER_BLOCK_BYTES, headerListBytes } from "../index.js";

/**
 * Default of `web.http1.maxResponseHeaderBytes`: node's own HTTP/1.1 client refuses a response
 * head over 16 KiB (`--max-http-header-size`), the strictest of the common clients (browsers take
 * 256 KiB or more, curl 300 KiB); the same as the server's limit on request heads.
 */
export const DEFAULT_MAX_RESPONSE_HEADER_BYTES = 16 * 1024;

/** The smallest `web.http1.maxResponseHeaderBytes`: room for the small head that reports an oversize one. */
export const MIN_RESPONSE_HEADER_BYTES = 1024;

/**
 * What node adds to an HTTP/1.1 response head beside our fields, at most: `Connection: keep-alive`
 * (or `close`), `Keep-Alive: timeout=N` and `Transfer-Encoding: chunked` lines (no `Date`: the
 * exchange turns it off).
 */
const NODE_FIELDS_BYTES = "Connection: keep-alive\r\nKeep-Alive: timeout=1000000\r\nTransfer-Encoding: chunked\r\n".length;

/**
 * Size in bytes of an HTTP/1.1 response head as node writes it: the status line, one
 * `name: value\r\n` line per value, the fields node adds (counted at their longest) and the blank
 * line. node's client counts less (the names and values only), so a head that fits here fits there.
 */
export function http1HeadBytes(status: number, headers: OutgoingHttpHeaders): number {
  let total = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n`.length + NODE_FIELDS_BYTES + 2;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) total += name.length + Buffer.byteLength(item) + 4;
    else total += name.length + Buffer.byteLength(String(value)) + 4;
  }
  return total;
}

/**
 * INTERNAL naming the option when an HTTP/1.1 response head would be over `maxBytes`
 * (`web.http1.maxResponseHeaderBytes`): no peer setting says what an HTTP/1.1 client accepts, and
 * one that refuses the head sees a broken response instead of the status. Undefined when it fits.
 */
export function http1HeadError(status: number, headers: OutgoingHttpHeaders, maxBytes: number): GrpcError | undefined {
  const bytes = http1HeadBytes(status, headers);
  if (bytes <= maxBytes) return undefined;
  return new GrpcError(
    Code.Internal,
    `server: response metadata of ${bytes} bytes exceeds the HTTP/1.1 limit of ${maxBytes} bytes (web.http1.maxResponseHeaderBytes); the metadata was not sent`,
  );
}

/**
 * INTERNAL naming the limit when an HTTP/2 response header block would be over what node:http2
 * sends (it would reset the stream instead), as for a gRPC call's metadata. Undefined when it fits.
 */
export function http2HeadError(status: number, headers: OutgoingHttpHeaders): GrpcError | undefined {
  const bytes = headerListBytes(headers) + headerListBytes({ [HEADER_STATUS]: status });
  if (bytes <= MAX_SEND_HEADER_BLOCK_BYTES) return undefined;
  return new GrpcError(
    Code.Internal,
    `server: response metadata of ${bytes} bytes exceeds node:http2's limit of ${MAX_SEND_HEADER_BLOCK_BYTES} bytes for a header block the server sends (maxSendHeaderBlockLength); the metadata was not sent`,
  );
}
