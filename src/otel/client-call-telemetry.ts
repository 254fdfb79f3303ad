import { type Attributes, type Span, SpanKind, SpanStatusCode, type Tracer, context } from "@opentelemetry/api";
import { Code, GrpcError, codeName, type MessageObserver } from "../index.js";
import { ATTRIBUTES, type MethodNames } from "./attributes.js";
import type { ClientInstruments } from "./instruments.js";
import { MessageTally } from "./span-messages.js";

/** What every call of one method on one channel shares: names and attributes, computed once. */
export interface ClientCallShape {
  readonly names: MethodNames;
  /** `grpc.method` and `grpc.target` as the metrics record them (possibly "other"). */
  readonly metricAttributes: Attributes;
  /** rpc.* and server.* attributes of the span. */
  readonly spanAttributes: Attributes;
}

/**
 * The telemetry of one client call: its span (kind CLIENT) and the gRFC A66 per-call metric, and
 * the current attempt's metrics. Today a call has exactly one attempt, started with the call (a
 * transparent retry of a request the server never saw stays inside it); `startAttempt` is where
 * retries and hedging will begin further ones.
 * https://github.com/grpc/proposal/blob/master/A66-otel-stats.md#client-per-call-instruments
 */
export class ClientCallTelemetry implements MessageObserver {
  /** The call's span, when tracing is on. */
  readonly span: Span | undefined;
  /** The attempt in flight: it hears the call's messages. */
  attempt: ClientAttemptTelemetry;
  private readonly shape: ClientCallShape;
  private readonly instruments: ClientInstruments | undefined;
  private readonly startMs = performance.now();
  private ended = false;

  constructor(shape: ClientCallShape, tracer: Tracer | undefined, instruments: ClientInstruments | undefined, messageEvents: boolean) {
    this.shape = shape;
    this.instruments = instruments;
    this.span = tracer?.startSpan(shape.names.full, { kind: SpanKind.CLIENT, attributes: shape.spanAttributes }, context.active());
    this.attempt = this.startAttempt(messageEvents);
  }

  /** MessageObserver: a request went out on the current attempt. */
  onMessageSent(bytes: number, compressed: boolean): void {
    this.attempt.onMessageSent(bytes, compressed);
  }

  /** MessageObserver: a response arrived on the current attempt. */
  onMessageReceived(bytes: number, compressed: boolean): void {
    this.attempt.onMessageReceived(bytes, compressed);
  }

  /** Starts an attempt: counts grpc.client.attempt.started. */
  startAttempt(messageEvents: boolean): ClientAttemptTelemetry {
    this.instruments?.attemptStarted.add(1, this.shape.metricAttributes);
    return new ClientAttemptTelemetry(messageEvents ? this.span : undefined);
  }

  /**
   * Ends the call (once) with what its caller got: undefined for OK, else the error (a
   * non-GrpcError, such as a caller's TypeError, counts as UNKNOWN). Ends the attempt too.
   */
  end(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const code = statusCodeOf(error);
    const span = this.span;
    if (span !== undefined) {
      span.setAttribute(ATTRIBUTES.rpcGrpcStatusCode, code);
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: describeStatus(error) });
      span.end();
    }
    const instruments = this.instruments;
    if (instruments === undefined) return;
    const attributes = { ...this.shape.metricAttributes, [ATTRIBUTES.grpcStatus]: codeName(code) };
    const seconds = (performance.now() - this.startMs) / 1000;
    const attempt = this.attempt;
    instruments.attemptDuration.record((performance.now() - attempt.startMs) / 1000, attributes);
    instruments.attemptSentBytes.record(attempt.tally.sentBytes, attributes);
    instruments.attemptReceivedBytes.record(attempt.tally.receivedBytes, attributes);
    instruments.callDuration.record(seconds, attributes);
  }
}

/** The status code of an outcome: OK for none, a GrpcError's code, UNKNOWN for anything else. */
export function statusCodeOf(error: unknown): Code {
  return error === undefined ? Code.Ok : error instanceof GrpcError ? error.code : Code.Unknown;
}

/** "CODE: message" of a failure, for a span's status description. */
export function describeStatus(error: unknown): string {
  if (error instanceof GrpcError) return `${codeName(error.code)}: ${error.statusMessage}`;
  return `${codeName(Code.Unknown)}: ${error instanceof Error ? error.message : String(error)}`;
}

/** One attempt of a client call: its start time and the bytes it sent and received. */
export class ClientAttemptTelemetry implements MessageObserver {
  readonly startMs = performance.now();
  readonly tally: MessageTally;

  /** `span` gets a "message" event per message when message events are on. */
  constructor(span: Span | undefined) {
    this.tally = new MessageTally(span);
  }

  onMessageSent(bytes: number, compressed: boolean): void {
    this.tally.onMessageSent(bytes, compressed);
  }

  onMessageReceived(bytes: number, compressed: boolean): void {
    this.tally.onMessageReceived(bytes, compressed);
  }
}
