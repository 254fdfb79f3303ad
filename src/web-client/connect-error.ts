import { decodeBase64, type Metadata } from "../metadata/index.js";
import { type Code, GrpcError, codeFromConnectName, codeFromHttpStatus, encodeStatusDetails, type StatusDetail } from "../status/index.js";

/** The type URL prefix of a google.protobuf.Any, which Connect leaves out of a detail's `type`. */
const TYPE_URL_PREFIX = "type.googleapis.com/";

/**
 * The GrpcError of a Connect error JSON object (`{"code": "not_found", "message": "...",
 * "details": [{"type": "google.rpc.ErrorInfo", "value": "<base64>"}]}`), from a unary error body
 * or an end-stream message.
 *
 * A missing or unknown code falls back to `fallback` (the code of the HTTP status, as the
 * protocol asks). The details become the error's `details`, a serialized google.rpc.Status as
 * grpc-status-details-bin would carry, so `statusDetails` and rich-error helpers read them the
 * same way for every protocol; a detail that is not an object with a type and base64 value is
 * left out.
 * https://connectrpc.com/docs/protocol#error-end-stream
 */
export function errorFromConnectJson(json: unknown, fallback: Code, metadata: Metadata): GrpcError {
  const error = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const code = codeFromConnectName(error.code) ?? fallback;
  const message = typeof error.message === "string" ? error.message : "";
  const details: StatusDetail[] = [];
  if (Array.isArray(error.details)) {
    for (const detail of error.details as unknown[]) {
      if (typeof detail !== "object" || detail === null) continue;
      const { type, value } = detail as Record<string, unknown>;
      if (typeof type !== "string" || typeof value !== "string") continue;
      try {
        details.push({ typeUrl: type.includes("/") ? type : TYPE_URL_PREFIX + type, value: decodeBase64(value) });
      } catch {
        // Not base64: this detail is left out, as documented; the status itself still counts.
      }
    }
  }
  return new GrpcError(code, message, {
    metadata,
    ...(details.length > 0 ? { details: encodeStatusDetails({ code, message, details }) } : {}),
  });
}

/**
 * The error of a Connect response that is not a success and carries no usable error JSON: the
 * code of its HTTP status.
 *
 * https://connectrpc.com/docs/protocol#http-to-error-code
 */
export function errorFromHttpStatus(httpStatus: number, metadata: Metadata, what: string): GrpcError {
  return new GrpcError(codeFromHttpStatus(httpStatus), `web client: HTTP status ${httpStatus} ${what}`, { metadata });
}
