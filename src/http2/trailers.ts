import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import { type Metadata, decodeBase64, encodeBase64 } from "../metadata/index.js";
import { Code, GrpcError, codeFromHttpStatus, decodeStatusMessage, encodeStatusMessage, parseStatusCode } from "../status/index.js";
import { GRPC_MESSAGE, GRPC_STATUS, GRPC_STATUS_DETAILS_BIN } from "./header-names.js";
import { metadataFromHeaders, metadataToHeaders } from "./metadata-headers.js";

/**
 * Writes a call's status into `headers`: `grpc-status` (decimal), `grpc-message`
 * (percent-encoded), `grpc-status-details-bin` (unpadded base64), then the trailing metadata:
 * `trailers` (the call's) followed by the error's own metadata.
 *
 * `error` undefined means OK. Used for trailers and for the trailers-only response alike.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#responses
 */
export function trailersFromStatus(
  error: GrpcError | undefined,
  trailers: Metadata | undefined,
  headers: OutgoingHttpHeaders = {},
): OutgoingHttpHeaders {
  if (trailers !== undefined && trailers.size > 0) metadataToHeaders(trailers, headers);
  if (error === undefined) {
    headers[GRPC_STATUS] = "0";
    return headers;
  }
  if (error.metadata.size > 0) mergeMetadataHeaders(headers, metadataToHeaders(error.metadata));
  headers[GRPC_STATUS] = String(error.code);
  if (error.statusMessage !== "") headers[GRPC_MESSAGE] = encodeStatusMessage(error.statusMessage);
  if (error.details !== undefined) headers[GRPC_STATUS_DETAILS_BIN] = encodeBase64(error.details);
  return headers;
}

/** Adds `extra` header values to `headers`, keeping values already there. */
function mergeMetadataHeaders(headers: OutgoingHttpHeaders, extra: OutgoingHttpHeaders): void {
  for (const key in extra) {
    const existing = headers[key];
    const added = extra[key] as string | string[];
    if (existing === undefined) headers[key] = added;
    else headers[key] = ([] as string[]).concat(existing as string | string[], added);
  }
}

/**
 * Reads the status a server sent, from trailers or a trailers-only response: undefined for OK,
 * otherwise a GrpcError with the decoded message, trailing metadata and status details.
 *
 * Without `grpc-status`, the HTTP status decides (http-grpc-status-mapping.md), and a 200 with no
 * `grpc-status` is UNKNOWN. A `grpc-status` that is not a known code is UNKNOWN too.
 * https://github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md
 */
export function statusFromTrailers(headers: IncomingHttpHeaders, httpStatus?: number): GrpcError | undefined {
  const status = headers[GRPC_STATUS];
  if (status === "0") return undefined;
  const metadata = metadataFromHeaders(headers);
  if (typeof status !== "string") {
    if (httpStatus !== undefined && httpStatus !== 200)
      return new GrpcError(codeFromHttpStatus(httpStatus), `http: received HTTP status ${httpStatus} without grpc-status`, { metadata });
    return new GrpcError(Code.Unknown, "http: response ended without grpc-status", { metadata });
  }
  const code = parseStatusCode(status);
  if (code === Code.Ok) return undefined;
  const rawMessage = headers[GRPC_MESSAGE];
  const message = typeof rawMessage === "string" ? decodeStatusMessage(rawMessage) : "";
  if (code === undefined)
    return new GrpcError(Code.Unknown, `http: received invalid grpc-status ${JSON.stringify(status)}${message ? `: ${message}` : ""}`, {
      metadata,
    });
  return new GrpcError(code, message, { metadata, details: detailsFromHeader(headers[GRPC_STATUS_DETAILS_BIN]) });
}

/** Decodes `grpc-status-details-bin`; a value that is not base64 is dropped rather than failing the call. */
function detailsFromHeader(value: string | string[] | undefined): Uint8Array | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return decodeBase64(value.trim());
  } catch {
    // Not base64: the status itself is still valid, so it is reported without details.
    return undefined;
  }
}
