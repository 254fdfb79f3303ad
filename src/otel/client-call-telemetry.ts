import { type Attributes, type Context, type Span, SpanKind, type TextMapPropagator, type Tracer, trace } from "@opentelemetry/api";
import { type AttemptObserver, type AttemptStart, type ClientCallObserver, Code, type GrpcError, Metadata } from "../index.js";
import { ATTRIBUTES, type MethodNames } from "./attributes.js";
import { endSpan, recordEnd, secondsSince, statusCodeOf, withStatus } from "./call-end.js";
import type { ClientInstruments } from "./instruments.js";
import { metadataSetter } from "./metadata-carrier.js";
import { MessageTally } from "./span-messages.js";

/** What every call of one method on one channel shares: names and attributes, computed once. */
export interface ClientCallShape {
  readonly names: MethodNames;
  /** The name of an attempt's span: "Attempt.pkg.Service.Method" (gRFC A45). */
  readonly attemptSpanName: string;
  /** `grpc.method` and `grpc.target` as the metrics record them (possibly "other"). */
  readonly metricAttributes: Attributes;
  /** rpc.* and server.* attributes of the span. */
  readonly spanAttributes: Attributes;
}

/** How a call's telemetry is set up: where its spans and metrics go, and how trace context travels. */
export interface ClientTelemetryParts {
  readonly tracer: Tracer | undefined;
  readonly instruments: ClientInstruments | undefined;
  readonly propagator: TextMapPropagator;
  readonly messageEvents: boolean;
}

/**
 * The telemetry of one client call, the call's ClientCallObserver: its span (kind CLIENT, named
 * "pkg.Service/Method") and grpc.client.call.duration, and one ClientAttemptTelemetry per attempt
 * (gRFC A66 per-attempt metrics, gRFC A72 attempt spans, children of the call's span). Retries,
 * hedged attempts and transparent retries each start an attempt; the call's span ends with the
 * outcome the application got.
 * https://github.com/grpc/proposal/blob/master/A66-otel-stats.md#client-per-call-instruments
 * https://github.com/grpc/proposal/blob/master/A72-open-telemetry-tracing.md
 */
export class ClientCallTelemetry implements ClientCallObserver {
  /** The call's span, when tracing is on. */
  readonly span: Span | undefined;
  /** The context attempt spans are children in: the caller's, with the call's span. */
  readonly context: Context;
  private readonly shape: ClientCallShape;
  private readonly parts: ClientTelemetryParts;
  private readonly startMs = performance.now();
  /** The call's messages as the application saw them: the attempt of a call whose path reported none. */
  private readonly tally = new MessageTally(undefined);
  private attempts = 0;
  private ended = false;

  constructor(shape: ClientCallShape, parts: ClientTelemetryParts, parent: Context) {
    this.shape = shape;
    this.parts = parts;
    this.span = parts.tracer?.startSpan(shape.names.full, { kind: SpanKind.CLIENT, attributes: shape.spanAttributes }, parent);
    this.context = this.span === undefined ? parent : trace.setSpan(parent, this.span);
  }

  /** ClientCallObserver: a request the application sent (each attempt counts its own). */
  onMessageSent(bytes: number, compressed: boolean): void {
    this.tally.onMessageSent(bytes, compressed);
  }

  /** ClientCallObserver: a response the application received. */
  onMessageReceived(bytes: number, compressed: boolean): void {
    this.tally.onMessageReceived(bytes, compressed);
  }

  /** ClientCallObserver: an attempt starts: counts grpc.client.attempt.started and opens its span. */
  onAttemptStart(start: AttemptStart): ClientAttemptTelemetry {
    this.attempts++;
    this.parts.instruments?.attemptStarted.add(1, this.shape.metricAttributes);
    return new ClientAttemptTelemetry(this, start);
  }

  /** @internal For ClientAttemptTelemetry: the shape and the parts. */
  get setup(): { shape: ClientCallShape; parts: ClientTelemetryParts } {
    return { shape: this.shape, parts: this.parts };
  }

  /**
   * Ends the call (once) with what its caller got: undefined for OK, else the error (a
   * non-GrpcError, such as a caller's TypeError, counts as UNKNOWN). A call that reported no
   * attempt (it failed before it could start one, or an interceptor dropped `onAttemptStart`)
   * is recorded as one attempt with the call's messages, so the attempt metrics never miss a call.
   */
  end(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const code = statusCodeOf(error);
    endSpan(this.span, code, error);
    const instruments = this.parts.instruments;
    if (instruments === undefined) return;
    const attributes = withStatus(this.shape.metricAttributes, code);
    const seconds = secondsSince(this.startMs);
    if (this.attempts === 0) {
      instruments.attemptStarted.add(1, this.shape.metricAttributes);
      recordEnd(instruments.attempt, seconds, this.tally, attributes);
    }
    instruments.callDuration.record(seconds, attributes);
  }
}

/**
 * One attempt of a client call, its AttemptObserver: its span (kind CLIENT, "Attempt.pkg.Service.Method",
 * a child of the call's span, with `previous-rpc-attempts` and `transparent-retry`), the trace
 * context sent with this attempt's request (so the server's span is the attempt span's child),
 * and at its end grpc.client.attempt.duration and the attempt's compressed message bytes sent
 * and received, with the attempt's own grpc.status.
 */
export class ClientAttemptTelemetry implements AttemptObserver {
  readonly startMs = performance.now();
  readonly tally: MessageTally;
  /** The attempt's span, when tracing is on. */
  readonly span: Span | undefined;
  /** The attempt span's trace context, injected by the propagator (undefined without tracing). */
  readonly metadata: Metadata | undefined;
  private readonly call: ClientCallTelemetry;
  private ended = false;

  constructor(call: ClientCallTelemetry, start: AttemptStart) {
    this.call = call;
    const { shape, parts } = call.setup;
    const tracer = parts.tracer;
    if (tracer === undefined) {
      this.span = undefined;
      this.metadata = undefined;
    } else {
      const attributes: Attributes = {
        ...shape.spanAttributes,
        [ATTRIBUTES.previousRpcAttempts]: start.previousAttempts,
        [ATTRIBUTES.transparentRetry]: start.transparent,
      };
      const span = tracer.startSpan(shape.attemptSpanName, { kind: SpanKind.CLIENT, attributes }, call.context);
      this.span = span;
      const metadata = new Metadata();
      parts.propagator.inject(trace.setSpan(call.context, span), metadata, metadataSetter);
      this.metadata = metadata.size === 0 ? undefined : metadata;
    }
    this.tally = new MessageTally(parts.messageEvents ? this.span : undefined);
  }

  onMessageSent(bytes: number, compressed: boolean): void {
    this.tally.onMessageSent(bytes, compressed);
  }

  onMessageReceived(bytes: number, compressed: boolean): void {
    this.tally.onMessageReceived(bytes, compressed);
  }

  /** AttemptObserver: the attempt ended (once): its span ends, its metrics are recorded. */
  onAttemptEnd(error: GrpcError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    const code = error === undefined ? Code.Ok : error.code;
    endSpan(this.span, code, error);
    const { shape, parts } = this.call.setup;
    if (parts.instruments !== undefined)
      recordEnd(parts.instruments.attempt, secondsSince(this.startMs), this.tally, withStatus(shape.metricAttributes, code));
  }
}
