import type { Method } from "../service/index.js";
import type { CallOptions } from "./call-options.js";
import type { Channel } from "./channel.js";

/**
 * One outgoing call as interceptors see it. `request` is set for unary and server-streaming
 * methods, `requests` for client-streaming and bidi methods.
 */
// biome-ignore lint/suspicious/noExplicitAny: an interceptor sees calls of every method, so the call's message types default to the untyped escape hatch
export interface ClientCall<I = any, O = any> {
  /** The channel the call is made on (to read, e.g. its `target`; changing it does not move the call). */
  readonly channel: Channel;
  /** The method called. */
  readonly method: Method<I, O>;
  /** The call's options; pass changed copies to `next`, never mutate them. */
  readonly options: CallOptions<I>;
  /** The request of a unary or server-streaming call. */
  readonly request?: I;
  /** The requests of a client-streaming or bidi call. */
  readonly requests?: AsyncIterable<I>;
}

/**
 * Performs a call: a promise of the response for unary and client-streaming methods, an
 * async iterable of responses for server-streaming and bidi methods.
 */
// biome-ignore lint/suspicious/noExplicitAny: the response of whichever method is called; a typed client narrows it again at its own signature
export type CallInvoker = (call: ClientCall) => Promise<any> | AsyncIterable<any>;

/**
 * Wraps a call: may change it (metadata, options, requests) before calling `next`, and may
 * observe or replace what `next` returns. Interceptors compose; the first one listed runs
 * outermost.
 */
// biome-ignore lint/suspicious/noExplicitAny: the response of whichever method is called; a typed client narrows it again at its own signature
export type Interceptor = (call: ClientCall, next: CallInvoker) => Promise<any> | AsyncIterable<any>;

/** Chains `interceptors` in front of `invoke`; the first interceptor runs first. */
export function chainInterceptors(interceptors: readonly Interceptor[], invoke: CallInvoker): CallInvoker {
  let next = invoke;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i]!;
    const inner = next;
    next = (call) => interceptor(call, inner);
  }
  return next;
}
