import type { MeterProvider, TextMapPropagator, TracerProvider } from "@opentelemetry/api";

/**
 * Options of the OpenTelemetry interceptors (createClientInterceptor, createServerInterceptor).
 * Every field is optional.
 */
export interface OpenTelemetryOptions {
  /** Where spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Where the gRFC A66 metrics go. Default: none, no metrics are recorded. gRFC A66 asks gRPC not
   * to fall back on the global meter provider; pass `metrics.getMeterProvider()` to use it.
   */
  meterProvider?: MeterProvider | undefined;
  /**
   * Carries the trace context in request metadata. Default: the global propagator
   * (`propagation`), which the SDK sets to W3C `traceparent`/`tracestate`.
   */
  propagator?: TextMapPropagator | undefined;
  /** Create spans. Default true; false records metrics only. */
  traces?: boolean | undefined;
  /**
   * Whether a method's full name ("pkg.Service/Method") is recorded in the `grpc.method` metric
   * attribute; false records "other" (gRFC A66, to bound the attribute's cardinality). Default:
   * every method (a tsgrpc server only runs interceptors for the methods it registered).
   * Spans always carry the real name.
   */
  methodAttributeFilter?: ((method: string) => boolean) | undefined;
  /**
   * Whether a channel's canonical target ("dns:///example.com:443") is recorded in the
   * `grpc.target` metric attribute; false records "other" (gRFC A66: targets that are IP
   * addresses can blow up the cardinality). Default: every target. Client only.
   */
  targetAttributeFilter?: ((target: string) => boolean) | undefined;
  /**
   * Add a "message" event to the span for every message sent and received (OpenTelemetry RPC
   * conventions: `rpc.message.type`, `rpc.message.id`, `rpc.message.compressed_size` or
   * `rpc.message.uncompressed_size`). Default false: a long stream would fill the span.
   */
  messageEvents?: boolean | undefined;
}
