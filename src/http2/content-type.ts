import { CONTENT_TYPE_GRPC } from "./header-names.js";

/**
 * Tells whether a content-type names gRPC: "application/grpc" alone or followed by "+<codec>"
 * or ";<parameters>", compared case-insensitively.
 *
 * Anything else means the peer is not speaking gRPC (a server answers it with HTTP 415).
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function isGrpcContentType(value: string | undefined): boolean {
  if (typeof value !== "string" || value.length < CONTENT_TYPE_GRPC.length) return false;
  if (value.length === CONTENT_TYPE_GRPC.length) return value.toLowerCase() === CONTENT_TYPE_GRPC;
  const next = value.charCodeAt(CONTENT_TYPE_GRPC.length);
  // '+' (0x2b) starts a codec suffix, ';' (0x3b) starts parameters.
  if (next !== 0x2b && next !== 0x3b) return false;
  return value.slice(0, CONTENT_TYPE_GRPC.length).toLowerCase() === CONTENT_TYPE_GRPC;
}
