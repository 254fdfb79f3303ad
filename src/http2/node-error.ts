import {
  Code,
  GrpcError,
  codeFromRstCode,
  describeError,
  describeHttp2ErrorCode,
  explainRstCode,
  http2ErrorCodeFromName,
} from "../status/index.js";
import { TLS_VERIFY_CODES } from "./tls-verify-codes.js";

/** The fields Node puts on system, TLS and http2 errors. */
interface NodeError extends Error {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  path?: string;
}

const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EPIPE",
  "ENOENT",
  "EACCES",
  "EADDRNOTAVAIL",
]);

/**
 * Turns anything node:net, node:tls or node:http2 rejects with into a GrpcError whose message
 * names the layer that failed: "connect: ECONNREFUSED 127.0.0.1:9", "tls: ...", "http2: ...".
 *
 * Transport failures are UNAVAILABLE (the call may be retried), the original error is kept as
 * `cause`. A GrpcError passes through unchanged. This is GrpcError.from for Node's errors: the
 * code and the message's prefix come from the Node error code; a stream reset is read through
 * the one HTTP/2 error-code table (status/HTTP2_ERROR_CODES).
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export function grpcErrorFromNode(reason: unknown): GrpcError {
  if (!(reason instanceof Error) || reason instanceof GrpcError)
    return GrpcError.from(reason, Code.Unknown, `transport: ${describeError(reason)}`);
  const error = reason as NodeError;
  const code = error.code ?? "";
  if (error.name === "AbortError" || code === "ABORT_ERR" || code === "ERR_HTTP2_STREAM_CANCEL")
    return new GrpcError(Code.Cancelled, "http2: stream cancelled", { cause: error });
  if (CONNECT_CODES.has(code)) {
    const where = error.path ?? (error.address === undefined ? "" : `${error.address}${error.port === undefined ? "" : `:${error.port}`}`);
    return new GrpcError(Code.Unavailable, `${error.syscall ?? "connect"}: ${code}${where ? ` ${where}` : ""}`, { cause: error });
  }
  if (TLS_VERIFY_CODES.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_") || /\bSSL\b|\bTLS\b/i.test(error.message))
    return new GrpcError(Code.Unavailable, `tls: ${error.message}${code ? ` (${code})` : ""}`, { cause: error });
  if (code === "ERR_HTTP2_GOAWAY_SESSION")
    return new GrpcError(Code.Unavailable, "http2: connection is going away (GOAWAY received); the call was not started", { cause: error });
  if (code === "ERR_HTTP2_STREAM_ERROR") {
    const match = /NGHTTP2_([A-Z_0-9]+)/.exec(error.message);
    const entry = match ? http2ErrorCodeFromName(match[1]!) : undefined;
    if (entry !== undefined) return grpcErrorFromRstCode(entry.wire, error);
  }
  if (code.startsWith("ERR_HTTP2_") || code.startsWith("ERR_STREAM_"))
    return new GrpcError(Code.Unavailable, `http2: ${error.message} (${code})`, { cause: error });
  return new GrpcError(Code.Unavailable, `transport: ${error.message}${code ? ` (${code})` : ""}`, { cause: error });
}

/**
 * The status of a stream the peer reset: the code from status/codeFromRstCode, and a message
 * naming the RST code and why it maps as it does, e.g.
 * "http2: stream reset by peer with RST_STREAM CANCEL (0x8): the peer cancelled the call".
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#errors
 */
export function grpcErrorFromRstCode(rstCode: number, cause?: unknown): GrpcError {
  return new GrpcError(codeFromRstCode(rstCode), `http2: ${explainRstCode(rstCode)}`, { cause });
}

/**
 * The status of a call that a GOAWAY cut off: UNAVAILABLE, naming the error code and the
 * debug data (e.g. "too_many_pings"), so a client can tell a ping-strike GOAWAY from a shutdown.
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#goaway-frame
 */
export function grpcErrorFromGoaway(errorCode: number, debugData?: Uint8Array): GrpcError {
  const name = describeHttp2ErrorCode(errorCode);
  const debug = debugData !== undefined && debugData.byteLength > 0 ? ` "${Buffer.from(debugData).toString("latin1")}"` : "";
  return new GrpcError(Code.Unavailable, `http2: connection closed by peer with GOAWAY ${name}${debug}`);
}
