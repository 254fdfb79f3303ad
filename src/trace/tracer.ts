import { Code, GrpcError, codeName, http2ErrorCode } from "../status/index.js";
import { describeTraceEvent } from "./format-text.js";
import { hexPreview } from "./format-value.js";
import type { Logger } from "./logger.js";
import type { TraceEvent, TraceLayer, TraceSide, TraceSink } from "./trace-event.js";
import { TRACE_EVERYTHING, type TraceFilter, filterMatchesMethod } from "./trace-filter.js";

/** The frame layout the message events read: a 1-byte flag and a 4-byte big-endian length. */
const PREFIX_BYTES = 5;

/** Connection events that also go to the logger, at debug level (issue 13: connect failures, GOAWAY, keepalive timeouts). */
const LOGGED_CONNECTION_EVENTS = new Set(["connect-failed", "goaway-received", "keepalive-timeout", "resolve-failed"]);

/**
 * The tracer of one Channel or Server: its filter and its sink, and the numbering of its calls and
 * connections. A Channel or Server without tracing has none, and its calls test one field for
 * undefined, which is all tracing costs when it is off.
 */
export class Tracer {
  readonly filter: TraceFilter;
  readonly sink: TraceSink;
  private calls = 0;
  private connections = 0;

  constructor(sink: TraceSink, filter: TraceFilter = TRACE_EVERYTHING) {
    this.sink = sink;
    this.filter = filter;
  }

  /** True when the filter lets events of `side` and `layer` through (method globs aside). */
  shows(side: TraceSide, layer: TraceLayer): boolean {
    const filter = this.filter;
    return (filter.sides.length === 0 || filter.sides.includes(side)) && (filter.layers.length === 0 || filter.layers.includes(layer));
  }

  /** The trace of a new call, or undefined when the filter leaves it out (side or method). */
  startCall(side: TraceSide, method: string): CallTrace | undefined {
    const filter = this.filter;
    if ((filter.sides.length > 0 && !filter.sides.includes(side)) || !filterMatchesMethod(filter, method)) return undefined;
    return new CallTrace(this, side, ++this.calls, method);
  }

  /** A number for a new connection, for the events that name it. */
  nextConnection(): number {
    return ++this.connections;
  }

  /** Hands `event` to the sink; a sink that throws loses that event, never the call. */
  emit(event: TraceEvent): void {
    try {
      this.sink(event);
    } catch {
      // A tracing tool's failure must not change what the call does.
    }
  }
}

/**
 * The trace of one call: turns what a layer saw (a header block, a frame, a reset, the end) into
 * events with the time since the call started. Created only when tracing is on for the call.
 */
export class CallTrace {
  readonly id: number;
  readonly side: TraceSide;
  readonly method: string;
  /** Set by the http2 layer when the status came from the peer (trailers), to say who ended the call. */
  statusFromPeer = false;
  private readonly tracer: Tracer;
  private readonly start = performance.now();
  private sent = 0;
  private received = 0;
  private ended = false;

  constructor(tracer: Tracer, side: TraceSide, id: number, method: string) {
    this.tracer = tracer;
    this.side = side;
    this.id = id;
    this.method = method;
  }

  /** Emits an event of this call (when the filter shows its layer). */
  emit(layer: TraceLayer, name: string, data: Record<string, unknown>, connection?: number): void {
    if (!this.tracer.shows(this.side, layer)) return;
    const event: TraceEvent = {
      time: performance.now() - this.start,
      side: this.side,
      layer,
      name,
      call: this.id,
      method: this.method,
      data,
      ...(connection === undefined ? {} : { connection }),
    };
    this.tracer.emit(event);
  }

  /**
   * A header block: "headers-sent", "headers-received", "trailers-sent", "trailers-received";
   * under `layer` "http1" for the head of a web call over HTTP/1.1 (see httpTraceLayer).
   */
  headers(name: string, headers: object, extra?: Record<string, unknown>, layer: "http1" | "http2" = "http2"): void {
    this.emit(layer, name, { headers: copyHeaders(headers), ...extra });
  }

  /** A RST_STREAM this side sent or received, with its code's RFC 9113 name. */
  reset(sent: boolean, code: number, reason?: string): void {
    const data: Record<string, unknown> = { code, codeName: http2ErrorCode(code)?.name ?? "UNKNOWN" };
    if (reason !== undefined) data.reason = reason;
    this.emit("http2", sent ? "rst-sent" : "rst-received", data);
  }

  /** A message as sent: `frame` is the whole Length-Prefixed-Message (flag, length, payload). */
  messageSent(frame: Uint8Array, encoding: string | undefined, message: unknown): void {
    const length = frame.length < PREFIX_BYTES ? 0 : new DataView(frame.buffer, frame.byteOffset, PREFIX_BYTES).getUint32(1);
    this.message("message-sent", ++this.sent, frame[0] ?? 0, length, frame.subarray(PREFIX_BYTES), encoding, message, true);
  }

  /** A message as received: its flag and payload, and the decoded message when the codec could decode it. */
  messageReceived(compressed: boolean, payload: Uint8Array, encoding: string | undefined, decoded: unknown, isDecoded = true): void {
    this.message("message-received", ++this.received, compressed ? 1 : 0, payload.length, payload, encoding, decoded, isDecoded);
  }

  /**
   * Decodes a received message with `decode` and traces it: with the decoded message, or the raw
   * bytes alone when the codec failed (that failure then ends the call, and "end" says why).
   */
  receive<T>(
    frame: { compressed: boolean; payload: Uint8Array },
    encoding: string | undefined,
    decode: () => T | Promise<T>,
  ): T | Promise<T> {
    let value: T | Promise<T>;
    try {
      value = decode();
    } catch (error) {
      this.messageReceived(frame.compressed, frame.payload, encoding, undefined, false);
      throw error;
    }
    if (!(value instanceof Promise)) {
      this.messageReceived(frame.compressed, frame.payload, encoding, value);
      return value;
    }
    return value.then(
      (message) => {
        this.messageReceived(frame.compressed, frame.payload, encoding, message);
        return message;
      },
      (error: unknown) => {
        this.messageReceived(frame.compressed, frame.payload, encoding, undefined, false);
        throw error;
      },
    );
  }

  /**
   * The end of the call: OK (undefined) or its status, with the decoded grpc-status-details-bin
   * and which side and layer ended it (the message prefix names the layer). Once per call.
   */
  end(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (error === undefined) {
      this.emit("call", "end", { code: Code.Ok, codeName: "OK" });
      return;
    }
    const status =
      error instanceof GrpcError
        ? error
        : new GrpcError(Code.Unknown, "trace: the call ended with a value that is not a GrpcError", { cause: error });
    const data: Record<string, unknown> = { code: status.code, codeName: codeName(status.code), message: status.statusMessage };
    data.endedBy = this.statusFromPeer
      ? `the ${this.side === "client" ? "server" : "client"} (status received)`
      : `the ${this.side}, ${layerOf(status.statusMessage)}`;
    const details = status.statusDetails;
    if (details !== undefined) data.details = details;
    this.emit("call", "end", data);
  }

  private message(
    name: string,
    index: number,
    flag: number,
    length: number,
    payload: Uint8Array,
    encoding: string | undefined,
    message: unknown,
    decoded: boolean,
  ): void {
    const data: Record<string, unknown> = {
      index,
      flag,
      length,
      encoding: flag === 1 ? (encoding ?? "identity") : "identity",
      hex: hexPreview(payload),
    };
    if (decoded) data.decoded = message;
    this.emit("message", name, data);
  }
}

/**
 * The events of one connection (resolution, connecting, TLS, SETTINGS, GOAWAY, keepalive, close):
 * to the tracer when its filter shows the connection layer, and the failures to the logger at
 * debug level. Created per connection attempt, only when there is a tracer or a logger.
 */
export class ConnectionTrace {
  /** The connection's number; undefined for the channel's own events (name resolution). */
  readonly id: number | undefined;
  readonly side: TraceSide;
  readonly address: string;
  private readonly tracer: Tracer | undefined;
  private readonly logger: Logger | undefined;
  private readonly start = performance.now();

  constructor(tracer: Tracer | undefined, logger: Logger | undefined, side: TraceSide, address: string, id: number | undefined) {
    this.tracer = tracer?.shows(side, "connection") ? tracer : undefined;
    this.logger = logger;
    this.side = side;
    this.address = address;
    this.id = id;
  }

  emit(name: string, data: Record<string, unknown>): void {
    if (this.tracer === undefined && (this.logger === undefined || !LOGGED_CONNECTION_EVENTS.has(name))) return;
    const time = performance.now() - this.start;
    const event: TraceEvent =
      this.id === undefined
        ? { time, side: this.side, layer: "connection", name, data }
        : { time, side: this.side, layer: "connection", name, connection: this.id, data };
    this.tracer?.emit(event);
    if (this.logger !== undefined && LOGGED_CONNECTION_EVENTS.has(name)) {
      const who = this.id === undefined ? `channel to ${this.address}` : `connection ${this.id} (${this.address})`;
      this.logger.debug(`tsgrpc ${this.side}: ${who}: ${describeTraceEvent(event)}`);
    }
  }
}

/**
 * Builds the ConnectionTrace factory of a Channel or Server: undefined when there is neither a
 * tracer nor a logger, so connections then do no tracing work at all.
 */
export function connectionTraces(
  tracer: Tracer | undefined,
  logger: Logger | undefined,
  side: TraceSide,
): ((address: string) => ConnectionTrace) | undefined {
  if (tracer === undefined && logger === undefined) return undefined;
  let count = 0;
  return (address) => new ConnectionTrace(tracer, logger, side, address, tracer?.nextConnection() ?? ++count);
}

/** The layer a status message names by its prefix ("framing: ..." is the framing layer). */
function layerOf(message: string): string {
  const match = /^([A-Za-z][\w ]{0,30}): /.exec(message);
  return match === null ? "no layer named in the message" : `layer "${match[1]}:"`;
}

/** A plain copy of a node header object (own string keys only; node adds a symbol for sensitive headers). */
function copyHeaders(headers: object): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) copy[name] = Array.isArray(value) ? [...value] : value;
  return copy;
}
