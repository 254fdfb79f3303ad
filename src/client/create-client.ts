import type { Method, MethodKind, Service } from "../service/index.js";
import { NO_CALL_OPTIONS, type CallOptions } from "./call-options.js";
import type { Channel } from "./channel.js";
import { chainInterceptors, type CallInvoker, type ClientCall, type Interceptor } from "./interceptor.js";
import { StreamCall, clientStreamingCall } from "./stream-call.js";
import { atCallSite } from "./call-site.js";
import { unaryCall } from "./unary-call.js";

/** A unary method: one request, a promise of one response. */
export type UnaryFunction<I, O> = (request: I, options?: CallOptions<I>) => Promise<O>;
/** A server-streaming method: one request, an async iterable of responses. */
export type ServerStreamingFunction<I, O> = (request: I, options?: CallOptions<I>) => AsyncIterable<O>;
/** A client-streaming method: any async iterable of requests, a promise of one response. */
export type ClientStreamingFunction<I, O> = (requests: AsyncIterable<I>, options?: CallOptions<I>) => Promise<O>;
/** A bidi method: any async iterable of requests, an async iterable of responses. */
export type BidiStreamingFunction<I, O> = (requests: AsyncIterable<I>, options?: CallOptions<I>) => AsyncIterable<O>;

/** The function of a method whose kind is known only at run time: a request or requests in, a promise or iterable out. */
// biome-ignore lint/suspicious/noExplicitAny: the untyped escape hatch: a method known only at run time takes and returns whatever its codecs do
export type UntypedFunction = (requestOrRequests: any, options?: CallOptions<any>) => any;

/** The client function of one kind with messages `I` and `O`; every kind at once (no literal) gives UntypedFunction. */
export type FunctionOfKind<I, O, K extends MethodKind> = [K] extends ["unary"]
  ? UnaryFunction<I, O>
  : [K] extends ["server_streaming"]
    ? ServerStreamingFunction<I, O>
    : [K] extends ["client_streaming"]
      ? ClientStreamingFunction<I, O>
      : [K] extends ["bidi_streaming"]
        ? BidiStreamingFunction<I, O>
        : UntypedFunction;

/** The client function of method `M`, typed by its kind and message types: it sends request inputs and receives decoded responses. */
export type ClientFunction<M> =
  M extends Method<infer _I, infer O, infer K, infer IInput, infer _OInput> ? FunctionOfKind<IInput, O, K> : UntypedFunction;

/**
 * One function per method of `S`, keyed by the method's local name ("unaryCall"). For a typed
 * service, calling a method it does not have is a compile error.
 */
// biome-ignore lint/suspicious/noExplicitAny: any method map: typed services (Service<{ ... }>) and the untyped Service alike
export type Client<S extends Service<any> = Service> = { [L in keyof S["methods"]]: ClientFunction<S["methods"][L]> };

/** Options of createClient. */
export interface ClientOptions {
  /** Interceptors of this client's calls, run inside the channel's; the first listed runs outermost. */
  interceptors?: readonly Interceptor[] | undefined;
}

/**
 * Creates a client for `service` on `channel`: one typed function per method. Unary returns a
 * promise; server-streaming an AsyncIterable; client-streaming takes any AsyncIterable and
 * returns a promise; bidi takes an AsyncIterable and returns one.
 */
// biome-ignore lint/suspicious/noExplicitAny: any method map: typed services (Service<{ ... }>) and the untyped Service alike
export function createClient<S extends Service<any>>(service: S, channel: Channel, options: ClientOptions = {}): Client<S> {
  const interceptors = [...channel.interceptors, ...(options.interceptors ?? [])];
  const invoke = interceptors.length === 0 ? undefined : chainInterceptors(interceptors, (call) => perform(channel, call));
  const client: Record<string, unknown> = {};
  for (const [localName, method] of Object.entries<Method>(service.methods)) client[localName] = methodFunction(channel, method, invoke);
  return client as Client<S>;
}

function methodFunction(channel: Channel, method: Method, invoke: CallInvoker | undefined): unknown {
  switch (method.kind) {
    case "unary":
      if (invoke === undefined)
        return (request: unknown, options?: CallOptions) => atCallSite(unaryCall(channel, method, request, options), options?.signal);
      return (request: unknown, options: CallOptions = NO_CALL_OPTIONS) =>
        atCallSite(invoke({ channel, method, options, request }) as Promise<unknown>, options.signal);
    case "server_streaming":
      if (invoke === undefined)
        return (request: unknown, options: CallOptions = NO_CALL_OPTIONS) => new StreamCall(channel, method, options, true, request);
      return (request: unknown, options: CallOptions = NO_CALL_OPTIONS) =>
        lazyIterable(() => invoke({ channel, method, options, request }));
    case "client_streaming":
      if (invoke === undefined)
        return (requests: AsyncIterable<unknown>, options?: CallOptions) =>
          atCallSite(clientStreamingCall(channel, method, requests, options), options?.signal);
      return (requests: AsyncIterable<unknown>, options: CallOptions = NO_CALL_OPTIONS) =>
        atCallSite(invoke({ channel, method, options, requests }) as Promise<unknown>, options.signal);
    default:
      if (invoke === undefined)
        return (requests: AsyncIterable<unknown>, options: CallOptions = NO_CALL_OPTIONS) =>
          new StreamCall(channel, method, options, false, undefined, requests);
      return (requests: AsyncIterable<unknown>, options: CallOptions = NO_CALL_OPTIONS) =>
        lazyIterable(() => invoke({ channel, method, options, requests }));
  }
}

/** Runs a call as the innermost invoker of an interceptor chain. */
function perform(channel: Channel, call: ClientCall): Promise<unknown> | AsyncIterable<unknown> {
  const { method, options } = call;
  switch (method.kind) {
    case "unary":
      return unaryCall(channel, method, call.request, options);
    case "server_streaming":
      return new StreamCall(channel, method, options, true, call.request);
    case "client_streaming":
      return clientStreamingCall(channel, method, requestsOf(call), options);
    default:
      return new StreamCall(channel, method, options, false, undefined, requestsOf(call));
  }
}

function requestsOf(call: ClientCall): AsyncIterable<unknown> {
  if (call.requests === undefined) throw new TypeError(`client: ${call.method.path} needs an AsyncIterable of requests`);
  return call.requests;
}

/** An iterable over what an interceptor chain returns for a streaming call (an iterable, or a promise of one). */
function lazyIterable(start: () => Promise<unknown> | AsyncIterable<unknown>): AsyncIterable<unknown> {
  return {
    async *[Symbol.asyncIterator]() {
      const result = start();
      yield* (result instanceof Promise ? await result : result) as AsyncIterable<unknown>;
    },
  };
}
