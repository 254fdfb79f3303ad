import type { Metadata } from "../metadata/index.js";
import { Code, type GrpcError, connectCodeName } from "../status/index.js";
import { encodeBase64 } from "../metadata/index.js";

/** The HTTP status of a Connect unary error, indexed by gRPC code (connectrpc.com/docs/protocol#error-codes). */
const HTTP_STATUSES: readonly number[] = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401];

/** The HTTP status a Connect unary error is sent with (404 for not_found, 504 for deadline_exceeded, ...). */
export function httpStatusFromCode(code: Code): number {
  return HTTP_STATUSES[code] ?? 500;
}

/** A Connect error as JSON: code name, message, and the google.rpc.Status details as type and base64 value. */
export interface ConnectErrorJson {
  code: string;
  message?: string;
  details?: { type: string; value: string }[];
}

/**
 * The JSON body of a Connect error: the code's name, the message, and each detail of the error's
 * grpc-status-details-bin as `{type, value}` (the type name without its URL prefix, the message
 * bytes in unpadded base64). https://connectrpc.com/docs/protocol#error-end-stream
 */
export function connectErrorJson(error: GrpcError): ConnectErrorJson {
  const json: ConnectErrorJson = { code: connectCodeName(error.code === Code.Ok ? Code.Unknown : error.code) };
  if (error.statusMessage !== "") json.message = error.statusMessage;
  const details = error.statusDetails?.details;
  if (details !== undefined && details.length > 0)
    json.details = details.map((detail) => ({
      type: detail.typeUrl.slice(detail.typeUrl.lastIndexOf("/") + 1),
      value: encodeBase64(detail.value),
    }));
  return json;
}

/**
 * Metadata as the JSON object of a Connect end-stream message: each key with the list of its
 * values, binary ones in unpadded base64. https://connectrpc.com/docs/protocol#error-end-stream
 */
export function metadataToJson(metadata: Metadata): Record<string, string[]> {
  const json: Record<string, string[]> = {};
  for (const [key, value] of metadata) (json[key] ??= []).push(typeof value === "string" ? value : encodeBase64(value));
  return json;
}
