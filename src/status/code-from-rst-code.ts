import { Code } from "./code.js";

/**
 * The HTTP/2 error codes a RST_STREAM (or GOAWAY) frame carries, as on the wire.
 * https://www.rfc-editor.org/rfc/rfc9113#section-7
 */
export const RstCode = {
  NoError: 0,
  ProtocolError: 1,
  InternalError: 2,
  FlowControlError: 3,
  SettingsTimeout: 4,
  StreamClosed: 5,
  FrameSizeError: 6,
  RefusedStream: 7,
  Cancel: 8,
  CompressionError: 9,
  ConnectError: 10,
  EnhanceYourCalm: 11,
  InadequateSecurity: 12,
  Http11Required: 13,
} as const;

/** One of the HTTP/2 error codes in RstCode. */
export type RstCode = (typeof RstCode)[keyof typeof RstCode];

const RST_NAMES: readonly string[] = [
  "NO_ERROR",
  "PROTOCOL_ERROR",
  "INTERNAL_ERROR",
  "FLOW_CONTROL_ERROR",
  "SETTINGS_TIMEOUT",
  "STREAM_CLOSED",
  "FRAME_SIZE_ERROR",
  "REFUSED_STREAM",
  "CANCEL",
  "COMPRESSION_ERROR",
  "CONNECT_ERROR",
  "ENHANCE_YOUR_CALM",
  "INADEQUATE_SECURITY",
  "HTTP_1_1_REQUIRED",
];

/**
 * Maps the error code of a RST_STREAM that ended a call to the status the call reports.
 *
 * REFUSED_STREAM is UNAVAILABLE (the peer did no work, so a retry is safe), CANCEL is CANCELLED,
 * ENHANCE_YOUR_CALM is RESOURCE_EXHAUSTED, INADEQUATE_SECURITY is PERMISSION_DENIED, and every
 * other code is INTERNAL: the spec lists NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR,
 * FLOW_CONTROL_ERROR, SETTINGS_TIMEOUT, FRAME_SIZE_ERROR, COMPRESSION_ERROR and CONNECT_ERROR, and
 * RFC 9113 §7 lets unknown codes (and STREAM_CLOSED, HTTP_1_1_REQUIRED) be treated as INTERNAL_ERROR.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#errors
 */
export function codeFromRstCode(rstCode: number): Code {
  switch (rstCode) {
    case RstCode.RefusedStream:
      return Code.Unavailable;
    case RstCode.Cancel:
      return Code.Cancelled;
    case RstCode.EnhanceYourCalm:
      return Code.ResourceExhausted;
    case RstCode.InadequateSecurity:
      return Code.PermissionDenied;
    default:
      return Code.Internal;
  }
}

/** Names a RST_STREAM code for messages and logs: "RST_STREAM CANCEL (0x8)"; an unknown code reads "RST_STREAM UNKNOWN (0x2a)". */
export function describeRstCode(rstCode: number): string {
  return `RST_STREAM ${RST_NAMES[rstCode] ?? "UNKNOWN"} (0x${rstCode.toString(16)})`;
}

/**
 * A status message for a call the peer reset: which RST code arrived and why it maps to its
 * status, e.g. "stream reset by peer with RST_STREAM REFUSED_STREAM (0x7): the peer did not process
 * the call, so it is safe to retry".
 */
export function explainRstCode(rstCode: number): string {
  return `stream reset by peer with ${describeRstCode(rstCode)}: ${reasonOf(rstCode)}`;
}

function reasonOf(rstCode: number): string {
  switch (rstCode) {
    case RstCode.RefusedStream:
      return "the peer did not process the call, so it is safe to retry";
    case RstCode.Cancel:
      return "the peer cancelled the call";
    case RstCode.EnhanceYourCalm:
      return "the peer asks us to send less (too many requests or pings)";
    case RstCode.InadequateSecurity:
      return "the peer requires stronger transport security";
    case RstCode.NoError:
      return "the peer ended the stream before sending a status";
    default:
      return "an HTTP/2 transport error, which gRPC reports as INTERNAL";
  }
}
