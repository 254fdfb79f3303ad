/** Which role a trace event comes from. */
export type TraceSide = "client" | "server";

/**
 * The layers a trace event can belong to, as `TSGRPC_TRACE` names them:
 * - `connection`: name resolution, the address picked, TCP/TLS (ALPN), SETTINGS, GOAWAY, keepalive;
 * - `http1`: a web call's request and response heads over HTTP/1.1 (and an exchange cut off there);
 * - `http2`: header blocks as sent and received, trailers, RST_STREAM (a web call's heads over HTTP/2);
 * - `message`: each Length-Prefixed-Message (flag, length, encoding, first bytes, decoded message);
 * - `call`: the start of a call and how it ended (status, decoded details, the layer that ended it),
 *   and, for a call with a retry or hedging policy, each attempt: its start and end, the delay
 *   before the next (backoff or server pushback), why no further one starts, and the commit.
 */
export type TraceLayer = "connection" | "http1" | "http2" | "message" | "call";

/** Every layer, in the order a call goes through them (a call takes `http1` or `http2`, never both). */
export const TRACE_LAYERS: readonly TraceLayer[] = Object.freeze(["connection", "http1", "http2", "message", "call"]);

/** The layer of an exchange's HTTP events by its HTTP version: `http2` for "2", `http1` for "1.1" and "1.0". */
export function httpTraceLayer(httpVersion: string): "http1" | "http2" {
  return httpVersion.startsWith("2") ? "http2" : "http1";
}

/**
 * One thing the tracer saw: a header block, a message, a reset, a connection event, the end of a
 * call. A plain object, so tools can keep, filter or serialize it (`TSGRPC_TRACE_FORMAT=json`
 * writes exactly these fields, with bytes as hex and bigints as strings).
 */
export interface TraceEvent {
  /** Milliseconds since the call started (or, for a connection event, since the connection attempt started). */
  readonly time: number;
  readonly side: TraceSide;
  readonly layer: TraceLayer;
  /** What happened, e.g. "headers-sent", "message-received", "goaway-received", "end". */
  readonly name: string;
  /** The call's number on its Channel or Server (from 1); absent for connection events. */
  readonly call?: number;
  /** The connection's number on its Channel or Server (from 1), when the event concerns one. */
  readonly connection?: number;
  /** The method path ("/pkg.Service/Method") of a call's events. */
  readonly method?: string;
  /** The event's own fields (headers, flag, length, code, ...), named in docs/LAYERS.md. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** Receives every trace event a Channel or Server emits; it must not throw (a throw is dropped). */
export type TraceSink = (event: TraceEvent) => void;
