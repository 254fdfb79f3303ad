import { Code } from "./code.js";

/**
 * Synthesizes a status from the HTTP status of a response that carries no `grpc-status`, as a
 * client must when an intermediary (a proxy, a load balancer) answered instead of a gRPC server.
 *
 * 400 and 431 are INTERNAL, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 UNIMPLEMENTED,
 * 429, 502, 503 and 504 UNAVAILABLE, and everything else UNKNOWN, including 200 (a real OK always
 * carries grpc-status). A 1xx status also maps to UNKNOWN here, but a client never asks: a 1xx
 * header block is informational and skipped (node:http2 reports it as 'headers', never as the
 * 'response'), and the status comes from the next block.
 * https://github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md
 */
export function codeFromHttpStatus(httpStatus: number): Code {
  switch (httpStatus) {
    case 400:
    case 431:
      return Code.Internal;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.Unavailable;
    default:
      return Code.Unknown;
  }
}
