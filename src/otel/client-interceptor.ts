import { type Attributes, type TextMapPropagator, type Tracer, context, propagation, trace } from "@opentelemetry/api";
import { type Channel, type ClientCall, Code, GrpcError, type Interceptor, Metadata, VERSION } from "../index.js";
import { ATTRIBUTES, OTHER, canonicalTarget, methodNames, serverAttributes } from "./attributes.js";
import { type ClientCallShape, ClientCallTelemetry, type ClientTelemetryParts } from "./client-call-telemetry.js";
import { type ClientInstruments, INSTRUMENTATION_NAME, createClientInstruments } from "./instruments.js";
import { metadataSetter } from "./metadata-carrier.js";
import { bothClientObservers } from "./observers.js";
import type { OpenTelemetryOptions } from "./options.js";

/**
 * A client interceptor that traces and measures every call it sees, following the OpenTelemetry
 * RPC conventions and gRFC A66:
 *
 * - a span of kind CLIENT named "pkg.Service/Method" (rpc.system, rpc.service, rpc.method,
 *   server.address, server.port, rpc.grpc.status_code; status ERROR for every code but OK), the
 *   child of the context active when the call is made (a handler's server span, for a call made
 *   inside a handler);
 * - under it, one span per attempt (gRFC A72): "Attempt.pkg.Service.Method", kind CLIENT, with
 *   `previous-rpc-attempts` and `transparent-retry`, its own status and, with `messageEvents`,
 *   its own messages. A retried or hedged call has several; transparent retries count too;
 * - each attempt's trace context injected into that attempt's request metadata by the propagator
 *   (W3C `traceparent` and `tracestate` with the SDK's default), so the server's span is the
 *   attempt span's child;
 * - grpc.client.attempt.started, and per attempt grpc.client.attempt.duration and the attempt's
 *   compressed message bytes sent and received with that attempt's grpc.status; once per call
 *   grpc.client.call.duration with the call's; all with grpc.method and grpc.target.
 *
 * List it first among a channel's interceptors so that it sees what the application sees. A call
 * ends when its promise settles, or when its response iteration ends, throws or is left early
 * (CANCELLED). Nothing is recorded for calls made without it: it is the only cost.
 */
export function createClientInterceptor(options: OpenTelemetryOptions = {}): Interceptor {
  const tracer: Tracer | undefined =
    options.traces === false ? undefined : (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME, VERSION);
  const instruments: ClientInstruments | undefined =
    options.meterProvider === undefined ? undefined : createClientInstruments(options.meterProvider);
  const propagator: TextMapPropagator = options.propagator ?? propagation;
  const parts: ClientTelemetryParts = { tracer, instruments, propagator, messageEvents: options.messageEvents === true };
  const shapes = new WeakMap<Channel, Map<string, ClientCallShape>>();
  const shapeOf = (call: ClientCall): ClientCallShape => {
    // An interceptor before this one may have rebuilt the call without its channel (plain JavaScript).
    if (call.channel === undefined) return callShape(call, options);
    let byPath = shapes.get(call.channel);
    if (byPath === undefined) shapes.set(call.channel, (byPath = new Map()));
    let shape = byPath.get(call.method.path);
    if (shape === undefined) {
      shape = callShape(call, options);
      byPath.set(call.method.path, shape);
    }
    return shape;
  };

  return (call, next) => {
    const telemetry = new ClientCallTelemetry(shapeOf(call), parts, context.active());
    const active = telemetry.context;
    let result: Promise<unknown> | AsyncIterable<unknown>;
    try {
      let metadata = call.options.metadata;
      const injected = new Metadata();
      // The call span's context, for a call path that reports no attempts; each attempt sends its own
      // (AttemptObserver.metadata). With traces off there is no span of ours to continue: nothing is propagated.
      if (tracer !== undefined) propagator.inject(active, injected, metadataSetter);
      if (injected.size > 0) {
        metadata = metadata === undefined ? injected : metadata.clone();
        if (metadata !== injected) for (const key of injected.keys()) metadata.set(key, injected.get(key)!);
      }
      const observer = bothClientObservers(call.options.observer, telemetry);
      const outgoing: ClientCall = { ...call, options: { ...call.options, metadata, observer } };
      result = context.with(active, () => next(outgoing));
    } catch (error) {
      telemetry.end(error);
      throw error;
    }
    if (result instanceof Promise)
      return result.then(
        (response) => {
          telemetry.end(undefined);
          return response;
        },
        (error: unknown) => {
          telemetry.end(error);
          throw error;
        },
      );
    return observeResponses(result, telemetry);
  };
}

/** Passes the responses through; the call ends with the iteration (OK, its error, or CANCELLED when left early). */
async function* observeResponses(responses: AsyncIterable<unknown>, telemetry: ClientCallTelemetry): AsyncIterable<unknown> {
  let failure: unknown;
  let completed = false;
  try {
    yield* responses;
    completed = true;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    telemetry.end(completed ? undefined : (failure ?? LEFT_EARLY));
  }
}

/** The outcome of a response iteration the application left early: the call was cancelled. */
const LEFT_EARLY = new GrpcError(Code.Cancelled, "cancelled: the response iterator was closed by the client");

/** The names and attributes of a method's calls on a channel, with the filters applied. */
function callShape(call: ClientCall, options: OpenTelemetryOptions): ClientCallShape {
  const names = methodNames(call.method.path);
  const given = call.channel?.target;
  const target = given === undefined ? OTHER : canonicalTarget(given);
  const metricAttributes: Attributes = {
    [ATTRIBUTES.grpcMethod]: options.methodAttributeFilter === undefined || options.methodAttributeFilter(names.full) ? names.full : OTHER,
    [ATTRIBUTES.grpcTarget]: options.targetAttributeFilter === undefined || options.targetAttributeFilter(target) ? target : OTHER,
  };
  const spanAttributes: Attributes = {
    [ATTRIBUTES.rpcSystem]: "grpc",
    [ATTRIBUTES.rpcService]: names.service,
    [ATTRIBUTES.rpcMethod]: names.method,
    ...(given === undefined ? {} : serverAttributes(given)),
  };
  return {
    names,
    attemptSpanName: `Attempt.${names.full.replace("/", ".")}`,
    metricAttributes: Object.freeze(metricAttributes),
    spanAttributes: Object.freeze(spanAttributes),
  };
}
