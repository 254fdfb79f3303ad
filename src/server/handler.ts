import type { Service } from "../service/index.js";
import type { ServerContext } from "./server-context.js";

/** A unary handler: one request in, one response out (or a thrown status). */
export type UnaryHandler<I = any, O = any> = (request: I, ctx: ServerContext) => Promise<O> | O;

/** A server-streaming handler, usually an `async function*`: one request in, any number of responses out. */
export type ServerStreamingHandler<I = any, O = any> = (request: I, ctx: ServerContext) => AsyncIterable<O> | Iterable<O>;

/** A client-streaming handler: reads every request, then returns one response. */
export type ClientStreamingHandler<I = any, O = any> = (requests: AsyncIterable<I>, ctx: ServerContext) => Promise<O> | O;

/** A bidi-streaming handler, usually an `async function*` that reads `requests` while it yields. */
export type BidiStreamingHandler<I = any, O = any> = (requests: AsyncIterable<I>, ctx: ServerContext) => AsyncIterable<O> | Iterable<O>;

/** Any of the four handler kinds; the method's kind says which one a function is. */
export type Handler = UnaryHandler | ServerStreamingHandler | ClientStreamingHandler | BidiStreamingHandler;

/**
 * The handlers of a service, keyed by method localName ("unaryCall") or proto name ("UnaryCall").
 * A method without a handler answers UNIMPLEMENTED.
 */
export type ServiceImplementation<S extends Service = Service> = { [K in keyof S["methods"]]?: Handler } & Record<string, Handler>;
