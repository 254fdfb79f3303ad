// Type tests of tsgrpc/otel: each interceptor fits only its own side, and the options are checked.
import { metrics, trace } from "@opentelemetry/api";
import {
  type AttemptObserver,
  type AttemptStart,
  type CallOptions,
  Channel,
  type ClientCallObserver,
  type Interceptor,
  type MessageObserver,
  Metadata,
  Server,
  type ServerCallObserver,
  type ServerContext,
  type ServerInterceptor,
} from "../../src/index.js";
import { createClientInterceptor, createServerInterceptor } from "../../src/otel/index.js";
import { expectTrue, type Equal } from "./assert.js";

const clientInterceptor = createClientInterceptor({ tracerProvider: trace.getTracerProvider(), meterProvider: metrics.getMeterProvider() });
const serverInterceptor = createServerInterceptor({ messageEvents: true, methodAttributeFilter: (method) => method.startsWith("pkg.") });
expectTrue<Equal<typeof clientInterceptor, Interceptor>>();
expectTrue<Equal<typeof serverInterceptor, ServerInterceptor>>();

new Channel("localhost:50051", { interceptors: [clientInterceptor] });
new Server({ interceptors: [serverInterceptor] });

// @ts-expect-error a server interceptor is not a client interceptor
new Channel("localhost:50051", { interceptors: [serverInterceptor] });
// @ts-expect-error a client interceptor is not a server interceptor
new Server({ interceptors: [clientInterceptor] });
// @ts-expect-error a tracer provider is an object with getTracer, not a tracer name
createClientInterceptor({ tracerProvider: "tsgrpc" });
// @ts-expect-error a meter provider must be given as one (gRFC A66: no implicit global)
createServerInterceptor({ meterProvider: true });
// @ts-expect-error the method filter answers with a boolean
createServerInterceptor({ methodAttributeFilter: (method: string) => method });
// @ts-expect-error there is no such option
createClientInterceptor({ sampleRate: 0.5 });

// The observer hooks the interceptors use: the status is a GrpcError or undefined, never a plain value.
const observer: ServerCallObserver = { onMessageSent() {}, onMessageReceived() {}, onEnd() {} };
declare const ctx: ServerContext;
ctx.observer = observer;
// @ts-expect-error onEnd takes a GrpcError or undefined (OK), not a status code
observer.onEnd(0);

// The attempt hook (ClientCallObserver.onAttemptStart): optional, so a plain MessageObserver still fits.
const plain: MessageObserver = { onMessageSent() {}, onMessageReceived() {} };
const callOptions: CallOptions = { observer: plain };
const attempts: ClientCallObserver = {
  onMessageSent() {},
  onMessageReceived() {},
  onAttemptStart(start): AttemptObserver | undefined {
    expectTrue<Equal<typeof start, AttemptStart>>();
    if (start.transparent) return undefined;
    return {
      metadata: new Metadata().set("x-attempt", String(start.previousAttempts)),
      onMessageSent() {},
      onMessageReceived() {},
      onAttemptEnd() {},
    };
  },
};
void [callOptions, { observer: attempts } satisfies CallOptions];
// @ts-expect-error an attempt observer must hear the attempt's end
const noEnd: AttemptObserver = { onMessageSent() {}, onMessageReceived() {} };
const plainHeaders: AttemptObserver = {
  // @ts-expect-error the attempt's metadata is Metadata, not a plain header object
  metadata: { traceparent: "00-..." },
  onMessageSent() {},
  onMessageReceived() {},
  onAttemptEnd() {},
};
// @ts-expect-error onAttemptEnd takes a GrpcError or undefined (OK), not a status code
noEnd.onAttemptEnd(14);
// @ts-expect-error previousAttempts is a number the call sets, not the application
attempts.onAttemptStart?.({ previousAttempts: "0", transparent: false });
void plainHeaders;
