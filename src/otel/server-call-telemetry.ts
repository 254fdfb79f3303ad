import { type Attributes, type Context, type Span, SpanKind, type Tracer } from "@opentelemetry/api";
import { Code, type GrpcError, type ServerCallObserver } from "../index.js";
import { SERVER_ERROR_CODES } from "./attributes.js";
import { endSpan, recordEnd, secondsSince, withStatus } from "./call-end.js";
import type { ServerInstruments } from "./instruments.js";
import { MessageTally } from "./span-messages.js";

/**
 * The telemetry of one server call: its span (kind SERVER, a child of the trace context the
 * client sent) and the gRFC A66 server metrics. It is the call's ServerCallObserver: it counts
 * the messages and ends when the server writes the status (or the deadline, a shutdown or the
 * client's reset ends the call), which is after the interceptors returned.
 * https://github.com/grpc/proposal/blob/master/A66-otel-stats.md#server-instruments
 */
export class ServerCallTelemetry implements ServerCallObserver {
  readonly span: Span | undefined;
  private readonly tally: MessageTally;
  private readonly metricAttributes: Attributes;
  private readonly instruments: ServerInstruments | undefined;
  private readonly startMs = performance.now();
  private ended = false;

  constructor(
    name: string,
    spanAttributes: Attributes,
    metricAttributes: Attributes,
    parent: Context,
    tracer: Tracer | undefined,
    instruments: ServerInstruments | undefined,
    messageEvents: boolean,
  ) {
    this.metricAttributes = metricAttributes;
    this.instruments = instruments;
    this.span = tracer?.startSpan(name, { kind: SpanKind.SERVER, attributes: spanAttributes }, parent);
    this.tally = new MessageTally(messageEvents ? this.span : undefined);
    instruments?.callStarted.add(1, metricAttributes);
  }

  onMessageSent(bytes: number, compressed: boolean): void {
    this.tally.onMessageSent(bytes, compressed);
  }

  onMessageReceived(bytes: number, compressed: boolean): void {
    this.tally.onMessageReceived(bytes, compressed);
  }

  /** The call ended with `error` (undefined: OK): the span ends, the metrics are recorded. */
  onEnd(error: GrpcError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    const code = error === undefined ? Code.Ok : error.code;
    endSpan(this.span, code, SERVER_ERROR_CODES.has(code) ? error : undefined);
    if (this.instruments !== undefined)
      recordEnd(this.instruments.call, secondsSince(this.startMs), this.tally, withStatus(this.metricAttributes, code));
  }
}
