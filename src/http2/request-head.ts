import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import { formatTimeout, parseTimeout } from "../deadline/index.js";
import type { Metadata } from "../metadata/index.js";
import { metadataFromHeaders, metadataToHeaders } from "./metadata-headers.js";
import {
  CONTENT_TYPE_GRPC,
  GRPC_ACCEPT_ENCODING,
  GRPC_ENCODING,
  GRPC_TIMEOUT,
  HEADER_AUTHORITY,
  HEADER_CONTENT_TYPE,
  HEADER_METHOD,
  HEADER_PATH,
  HEADER_SCHEME,
  HEADER_TE,
  HEADER_USER_AGENT,
  METHOD_POST,
  TE_TRAILERS,
} from "./header-names.js";
import { TSGRPC_VERSION } from "./package-version.js";

export { TSGRPC_VERSION };

/**
 * The `user-agent` of every tsgrpc client, in the structure the spec recommends:
 * "grpc-" Language "-" Variant "/" Version (grpc-js sends "grpc-node-js/<version>").
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#user-agents
 */
export const USER_AGENT = `grpc-node-tsgrpc/${TSGRPC_VERSION}`;

/** What the headers of a gRPC request say, in both directions. */
export interface RequestHead {
  /** "/package.Service/Method", case-sensitive. */
  path: string;
  /** The `:authority` (host[:port]) the call is addressed to. */
  authority: string;
  /** Custom metadata sent with the request. */
  metadata: Metadata;
  /** The `grpc-timeout` in milliseconds, or undefined for no deadline. */
  timeoutMs: number | undefined;
  /** The `grpc-encoding` of the request messages, or undefined for identity. */
  encoding: string | undefined;
  /** The `grpc-accept-encoding` list as sent, or undefined. */
  acceptEncoding: string | undefined;
}

/** What a client adds to a RequestHead when it sends one. */
export interface RequestHeadOptions {
  /** "http" for h2c (default) or "https". */
  scheme?: "http" | "https" | undefined;
  /** Overrides the default `user-agent` (grpc-node-tsgrpc/<version>); it is prepended to ours, as other gRPC clients do. */
  userAgent?: string | undefined;
}

/**
 * Builds the HTTP/2 request headers of a gRPC call: the pseudo-headers, `te: trailers`,
 * `content-type`, `user-agent`, the optional `grpc-*` headers, then custom metadata.
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function requestHeadToHeaders(head: RequestHead, options: RequestHeadOptions = {}): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    [HEADER_METHOD]: METHOD_POST,
    [HEADER_SCHEME]: options.scheme ?? "http",
    [HEADER_PATH]: head.path,
    [HEADER_AUTHORITY]: head.authority,
    [HEADER_TE]: TE_TRAILERS,
    [HEADER_CONTENT_TYPE]: CONTENT_TYPE_GRPC,
    [HEADER_USER_AGENT]: options.userAgent === undefined ? USER_AGENT : `${options.userAgent} ${USER_AGENT}`,
  };
  if (head.timeoutMs !== undefined) headers[GRPC_TIMEOUT] = formatTimeout(head.timeoutMs);
  if (head.encoding !== undefined && head.encoding !== "identity") headers[GRPC_ENCODING] = head.encoding;
  if (head.acceptEncoding !== undefined) headers[GRPC_ACCEPT_ENCODING] = head.acceptEncoding;
  return metadataToHeaders(head.metadata, headers);
}

/**
 * Reads the gRPC request head out of received headers. Metadata is built lazily, on first
 * access, so a handler that never looks at it costs nothing.
 *
 * A malformed `grpc-timeout` throws GrpcError(Internal) from deadline/parseTimeout; `:method`
 * and `content-type` are the caller's to check first (405 and 415 are HTTP answers, not statuses).
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function requestHeadFromHeaders(headers: IncomingHttpHeaders): RequestHead {
  return new ReceivedRequestHead(headers);
}

/** A RequestHead over received headers, with the timeout parsed at once and metadata on demand. */
class ReceivedRequestHead implements RequestHead {
  readonly path: string;
  readonly authority: string;
  readonly timeoutMs: number | undefined;
  readonly encoding: string | undefined;
  readonly acceptEncoding: string | undefined;
  private readonly headers: IncomingHttpHeaders;
  private parsedMetadata: Metadata | undefined;

  constructor(headers: IncomingHttpHeaders) {
    this.headers = headers;
    this.path = (headers[HEADER_PATH] as string | undefined) ?? "";
    this.authority = (headers[HEADER_AUTHORITY] as string | undefined) ?? "";
    const timeout = headers[GRPC_TIMEOUT] as string | undefined;
    this.timeoutMs = timeout === undefined ? undefined : parseTimeout(timeout);
    this.encoding = headers[GRPC_ENCODING] as string | undefined;
    this.acceptEncoding = headers[GRPC_ACCEPT_ENCODING] as string | undefined;
  }

  get metadata(): Metadata {
    return (this.parsedMetadata ??= metadataFromHeaders(this.headers));
  }
}
