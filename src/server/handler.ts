import type { Method, MethodKind, Service } from "../service/index.js";
import type { ServerContext } from "./server-context.js";

/** A unary handler: one request in, one response out (or a thrown status). */
// biome-ignore lint/suspicious/noExplicitAny: the untyped default: a handler of a service known only at run time gets its messages untyped
export type UnaryHandler<I = any, O = any> = (request: I, ctx: ServerContext) => Promise<O> | O;

/** A server-streaming handler, usually an `async function*`: one request in, any number of responses out. */
// biome-ignore lint/suspicious/noExplicitAny: the untyped default: a handler of a service known only at run time gets its messages untyped
export type ServerStreamingHandler<I = any, O = any> = (request: I, ctx: ServerContext) => AsyncIterable<O> | Iterable<O>;

/** A client-streaming handler: reads every request, then returns one response. */
// biome-ignore lint/suspicious/noExplicitAny: the untyped default: a handler of a service known only at run time gets its messages untyped
export type ClientStreamingHandler<I = any, O = any> = (requests: AsyncIterable<I>, ctx: ServerContext) => Promise<O> | O;

/** A bidi-streaming handler, usually an `async function*` that reads `requests` while it yields. */
// biome-ignore lint/suspicious/noExplicitAny: the untyped default: a handler of a service known only at run time gets its messages untyped
export type BidiStreamingHandler<I = any, O = any> = (requests: AsyncIterable<I>, ctx: ServerContext) => AsyncIterable<O> | Iterable<O>;

/** Any of the four handler kinds; the method's kind says which one a function is. */
export type Handler = UnaryHandler | ServerStreamingHandler | ClientStreamingHandler | BidiStreamingHandler;

/**
 * The handler of a method whose kind is known only at run time: one signature, so that its
 * parameters still get a type (`any` for the request or requests) without annotations.
 */
// biome-ignore lint/suspicious/noExplicitAny: the untyped escape hatch: its parameter gets a type without annotations, as documented above
export type UntypedHandler = (requestOrRequests: any, ctx: ServerContext) => unknown;

/** The handler type of one kind with messages `I` and `O`; every kind at once (no literal) gives UntypedHandler. */
export type HandlerOfKind<I, O, K extends MethodKind> = [K] extends ["unary"]
  ? UnaryHandler<I, O>
  : [K] extends ["server_streaming"]
    ? ServerStreamingHandler<I, O>
    : [K] extends ["client_streaming"]
      ? ClientStreamingHandler<I, O>
      : [K] extends ["bidi_streaming"]
        ? BidiStreamingHandler<I, O>
        : UntypedHandler;

/** The handler type of method `M`, from its kind and message types: it receives decoded requests and returns response inputs. */
export type MethodHandler<M> =
  M extends Method<infer I, infer _O, infer K, infer _IInput, infer OInput> ? HandlerOfKind<I, OInput, K> : UntypedHandler;

/**
 * The handlers of a service, keyed by method localName ("unaryCall").
 *
 * For a typed service (from defineService, or loadService with its methods' types) every method
 * needs a handler of its kind, and a key that names no method is an error; handler parameters
 * are inferred. For an untyped `Service` any key is accepted, the proto name ("UnaryCall") too,
 * and a method without a handler answers UNIMPLEMENTED: to leave methods out of a typed service
 * on purpose, add it as a `Service`.
 */
// biome-ignore lint/suspicious/noExplicitAny: any method map: typed services (Service<{ ... }>) and the untyped Service alike
export type ServiceImplementation<S extends Service<any> = Service> = {
  [L in keyof S["methods"]]: MethodHandler<S["methods"][L]>;
};
