import { Code } from "./code.js";

/**
 * One HTTP/2 error code, as a RST_STREAM or GOAWAY frame carries it: its RFC 9113 name and wire
 * value, the gRPC status a call reset with it reports, and why it maps to that status.
 */
export interface Http2ErrorCode {
  /** The RFC 9113 name: "REFUSED_STREAM". */
  readonly name: string;
  /** The 32-bit value on the wire: 0x7. */
  readonly wire: number;
  /** The status of a call the peer reset with this code. */
  readonly code: Code;
  /** Why the call reports that status, for status messages and logs. */
  readonly reason: string;
}

const TRANSPORT_ERROR = "an HTTP/2 transport error, which gRPC reports as INTERNAL";

/**
 * The HTTP/2 error codes of RFC 9113 §7, in wire order, each with the status gRPC gives a call
 * reset with it: REFUSED_STREAM is UNAVAILABLE (the peer did no work, so a retry is safe), CANCEL
 * is CANCELLED, ENHANCE_YOUR_CALM is RESOURCE_EXHAUSTED, INADEQUATE_SECURITY is
 * PERMISSION_DENIED, and every other code is INTERNAL. The gRPC spec lists NO_ERROR,
 * PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, SETTINGS_TIMEOUT, FRAME_SIZE_ERROR,
 * COMPRESSION_ERROR and CONNECT_ERROR as INTERNAL; RFC 9113 §7 lets STREAM_CLOSED,
 * HTTP_1_1_REQUIRED and unknown codes be treated as INTERNAL_ERROR, hence INTERNAL too.
 *
 * This is the only spelling of these codes in tsgrpc: RstCode, the names in messages and the
 * parsing of Node's "NGHTTP2_*" error texts all read it.
 * https://www.rfc-editor.org/rfc/rfc9113#section-7
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#errors
 */
export const HTTP2_ERROR_CODES = [
  { name: "NO_ERROR", wire: 0x0, code: Code.Internal, reason: "the peer ended the stream before sending a status" },
  { name: "PROTOCOL_ERROR", wire: 0x1, code: Code.Internal, reason: TRANSPORT_ERROR },
  { name: "INTERNAL_ERROR", wire: 0x2, code: Code.Internal, reason: TRANSPORT_ERROR },
  { name: "FLOW_CONTROL_ERROR", wire: 0x3, code: Code.Internal, reason: TRANSPORT_ERROR },
  { name: "SETTINGS_TIMEOUT", wire: 0x4, code: Code.Internal, reason: TRANSPORT_ERROR },
  { name: "STREAM_CLOSED", wire: 0x5, code: Code.Internal, reason: TRANSPORT_ERROR },
  { name: "FRAME_SIZE_ERROR", wire: 0x6, code: Code.Internal, reason: TRANSPORT_ERROR },
  { name: "REFUSED_STREAM", wire: 0x7, code: Code.Unavailable, reason: "the peer did not process the call, so it is safe to retry" },
  { name: "CANCEL", wire: 0x8, code: Code.Cancelled, reason: "the peer cancelled the call" },
  { name: "COMPRESSION_ERROR", wire: 0x9, code: Code.Internal, reason: TRANSPORT_ERROR },
  { name: "CONNECT_ERROR", wire: 0xa, code: Code.Internal, reason: TRANSPORT_ERROR },
  {
    name: "ENHANCE_YOUR_CALM",
    wire: 0xb,
    code: Code.ResourceExhausted,
    reason: "the peer asks us to send less (too many requests or pings)",
  },
  { name: "INADEQUATE_SECURITY", wire: 0xc, code: Code.PermissionDenied, reason: "the peer requires stronger transport security" },
  { name: "HTTP_1_1_REQUIRED", wire: 0xd, code: Code.Internal, reason: TRANSPORT_ERROR },
] as const satisfies readonly Http2ErrorCode[];

/**
 * The wire values of HTTP2_ERROR_CODES by PascalCase name, for code that names one: `RstCode.Cancel`
 * is 8. Spelled out so the public type reads plainly; a test checks it against the table.
 */
export const RstCode = Object.freeze({
  NoError: 0x0,
  ProtocolError: 0x1,
  InternalError: 0x2,
  FlowControlError: 0x3,
  SettingsTimeout: 0x4,
  StreamClosed: 0x5,
  FrameSizeError: 0x6,
  RefusedStream: 0x7,
  Cancel: 0x8,
  CompressionError: 0x9,
  ConnectError: 0xa,
  EnhanceYourCalm: 0xb,
  InadequateSecurity: 0xc,
  Http11Required: 0xd,
} as const);

/** One of the HTTP/2 error codes in RstCode. */
export type RstCode = (typeof RstCode)[keyof typeof RstCode];

const BY_NAME: ReadonlyMap<string, Http2ErrorCode> = new Map(HTTP2_ERROR_CODES.map((entry) => [entry.name, entry]));

/** The table entry of a wire value; undefined for a code RFC 9113 does not define. */
export function http2ErrorCode(wire: number): Http2ErrorCode | undefined {
  const entry: Http2ErrorCode | undefined = HTTP2_ERROR_CODES[wire];
  return entry?.wire === wire ? entry : undefined;
}

/** The table entry of an RFC 9113 name ("REFUSED_STREAM"); undefined for any other text. */
export function http2ErrorCodeFromName(name: string): Http2ErrorCode | undefined {
  return BY_NAME.get(name);
}

/**
 * Maps the error code of a RST_STREAM that ended a call to the status the call reports (see
 * HTTP2_ERROR_CODES); a code RFC 9113 does not define is INTERNAL.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#errors
 */
export function codeFromRstCode(rstCode: number): Code {
  return http2ErrorCode(rstCode)?.code ?? Code.Internal;
}

/** Names an HTTP/2 error code for messages and logs: "CANCEL (0x8)"; an unknown code reads "UNKNOWN (0x2a)". */
export function describeHttp2ErrorCode(wire: number): string {
  return `${http2ErrorCode(wire)?.name ?? "UNKNOWN"} (0x${wire.toString(16)})`;
}

/** Names a RST_STREAM code for messages and logs: "RST_STREAM CANCEL (0x8)"; an unknown code reads "RST_STREAM UNKNOWN (0x2a)". */
export function describeRstCode(rstCode: number): string {
  return `RST_STREAM ${describeHttp2ErrorCode(rstCode)}`;
}

/**
 * A status message for a call the peer reset: which RST code arrived and why it maps to its
 * status, e.g. "stream reset by peer with RST_STREAM REFUSED_STREAM (0x7): the peer did not process
 * the call, so it is safe to retry".
 */
export function explainRstCode(rstCode: number): string {
  return `stream reset by peer with ${describeRstCode(rstCode)}: ${http2ErrorCode(rstCode)?.reason ?? TRANSPORT_ERROR}`;
}
