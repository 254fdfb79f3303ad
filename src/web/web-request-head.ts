import type { IncomingHttpHeaders } from "node:http";
import { parseTimeout } from "../deadline/index.js";
import { GRPC_ACCEPT_ENCODING, GRPC_ENCODING, GRPC_TIMEOUT, type RequestHead, metadataFromHeaders } from "../http2/index.js";
import type { Metadata } from "../metadata/index.js";
import { Code, GrpcError } from "../status/index.js";
import {
  ACCEPT_ENCODING,
  CONNECT_ACCEPT_ENCODING,
  CONNECT_CONTENT_ENCODING,
  CONNECT_TIMEOUT_MS,
  CONTENT_ENCODING,
} from "./web-header-names.js";
import type { WebWire } from "./web-protocol.js";

/**
 * Request headers that belong to HTTP or to the web protocols, not to the application: they are
 * not handed to handlers as metadata (as gRPC's own headers are not).
 */
const PROTOCOL_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "content-length",
  CONTENT_ENCODING,
  ACCEPT_ENCODING,
  "x-grpc-web",
  "x-user-agent",
]);

/** Connect's timeout: at most 10 digits of milliseconds (https://connectrpc.com/docs/protocol#unary-request). */
const CONNECT_TIMEOUT_PATTERN = /^[0-9]{1,10}$/;

/** What a Connect GET request's query says in place of headers. */
export interface QueryHead {
  /** The `compression` parameter. */
  encoding: string | undefined;
}

/**
 * The RequestHead of a web call: its path, deadline and encodings read from the headers its
 * protocol uses (grpc-timeout and grpc-encoding for gRPC-Web; connect-timeout-ms and
 * content-encoding, or connect-content-encoding when streaming, for Connect), and its metadata
 * (parsed on first access) without the protocol's own headers.
 *
 * A malformed timeout throws: INTERNAL for grpc-timeout (as gRPC), INVALID_ARGUMENT for connect-timeout-ms.
 */
export class WebRequestHead implements RequestHead {
  readonly path: string;
  readonly authority: string;
  readonly timeoutMs: number | undefined;
  readonly encoding: string | undefined;
  readonly acceptEncoding: string | undefined;
  private readonly headers: IncomingHttpHeaders;
  private parsedMetadata: Metadata | undefined;

  constructor(wire: WebWire, path: string, authority: string, headers: IncomingHttpHeaders, query?: QueryHead) {
    this.path = path;
    this.authority = authority;
    this.headers = headers;
    if (wire === "grpc-web" || wire === "grpc-web-text") {
      const timeout = header(headers, GRPC_TIMEOUT);
      this.timeoutMs = timeout === undefined ? undefined : parseTimeout(timeout);
      this.encoding = header(headers, GRPC_ENCODING);
      this.acceptEncoding = header(headers, GRPC_ACCEPT_ENCODING);
      return;
    }
    const timeout = header(headers, CONNECT_TIMEOUT_MS);
    if (timeout !== undefined && !CONNECT_TIMEOUT_PATTERN.test(timeout))
      throw new GrpcError(Code.Internal, `web: connect-timeout-ms ${JSON.stringify(timeout)} is not 1 to 10 digits`);
    this.timeoutMs = timeout === undefined ? undefined : Number(timeout);
    if (wire === "connect-stream") {
      this.encoding = header(headers, CONNECT_CONTENT_ENCODING);
      this.acceptEncoding = header(headers, CONNECT_ACCEPT_ENCODING);
    } else {
      this.encoding = query === undefined ? header(headers, CONTENT_ENCODING) : query.encoding;
      this.acceptEncoding = header(headers, ACCEPT_ENCODING);
    }
    if (this.encoding === "identity") this.encoding = undefined;
  }

  get metadata(): Metadata {
    if (this.parsedMetadata === undefined) {
      const metadata = metadataFromHeaders(this.headers);
      for (const key of [...metadata.keys()]) if (PROTOCOL_HEADERS.has(key) || key.startsWith("connect-")) metadata.delete(key);
      this.parsedMetadata = metadata;
    }
    return this.parsedMetadata;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}
