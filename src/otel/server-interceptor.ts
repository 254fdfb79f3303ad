import { type Attributes, ROOT_CONTEXT, type TextMapPropagator, type Tracer, context, propagation, trace } from "@opentelemetry/api";
import { type ServerInterceptor, VERSION } from "../index.js";
import { ATTRIBUTES, OTHER, methodNames, peerAttributes } from "./attributes.js";
import { INSTRUMENTATION_NAME, type ServerInstruments, createServerInstruments } from "./instruments.js";
import { metadataGetter } from "./metadata-carrier.js";
import { bothServerObservers } from "./observers.js";
import type { OpenTelemetryOptions } from "./options.js";
import { ServerCallTelemetry } from "./server-call-telemetry.js";

/**
 * A server interceptor that traces and measures every call, following the OpenTelemetry RPC
 * conventions and gRFC A66:
 *
 * - the trace context extracted from the request metadata by the propagator (W3C `traceparent`
 *   with the SDK's default);
 * - a span of kind SERVER named "pkg.Service/Method", a child of that context (rpc.system,
 *   rpc.service, rpc.method, network.peer.address, network.peer.port, rpc.grpc.status_code;
 *   status ERROR for UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE and
 *   DATA_LOSS), active while the handler runs, so calls made inside the handler are its children;
 * - grpc.server.call.started, grpc.server.call.duration and the call's compressed message bytes
 *   sent and received, with grpc.method and grpc.status.
 *
 * List it first among the server's interceptors. Calls to methods the server does not have are
 * answered UNIMPLEMENTED before interceptors run, so they are not recorded.
 */
export function createServerInterceptor(options: OpenTelemetryOptions = {}): ServerInterceptor {
  const tracer: Tracer | undefined =
    options.traces === false ? undefined : (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME, VERSION);
  const instruments: ServerInstruments | undefined =
    options.meterProvider === undefined ? undefined : createServerInstruments(options.meterProvider);
  const propagator: TextMapPropagator = options.propagator ?? propagation;
  const messageEvents = options.messageEvents === true;
  const filter = options.methodAttributeFilter;
  const shapes = new Map<string, { spanAttributes: Attributes; metricAttributes: Attributes; name: string }>();

  return (ctx, next) => {
    const path = ctx.method.path;
    let shape = shapes.get(path);
    if (shape === undefined) {
      const names = methodNames(path);
      shape = {
        name: names.full,
        spanAttributes: { [ATTRIBUTES.rpcSystem]: "grpc", [ATTRIBUTES.rpcService]: names.service, [ATTRIBUTES.rpcMethod]: names.method },
        metricAttributes: Object.freeze({ [ATTRIBUTES.grpcMethod]: filter === undefined || filter(names.full) ? names.full : OTHER }),
      };
      shapes.set(path, shape);
    }
    // The span's parent is what the client sent, not whatever happens to be active in node's event.
    const parent = tracer === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, ctx.metadata, metadataGetter);
    const spanAttributes = tracer === undefined ? shape.spanAttributes : { ...shape.spanAttributes, ...peerAttributes(ctx.peer) };
    const telemetry = new ServerCallTelemetry(
      shape.name,
      spanAttributes,
      shape.metricAttributes,
      parent,
      tracer,
      instruments,
      messageEvents,
    );
    ctx.observer = bothServerObservers(ctx.observer, telemetry);
    if (telemetry.span === undefined) return next();
    return context.with(trace.setSpan(parent, telemetry.span), next);
  };
}
