import type { ServerContext } from "./server-context.js";

/**
 * Middleware around every call (logging, auth, metrics). `next()` runs the rest of the chain and
 * the handler, and settles once the handler is done and its responses are written; it rejects
 * with the call's error. Throwing (before or after `next`) fails the call with that error; a
 * non-GrpcError becomes UNKNOWN like a handler's. An interceptor can replace an error but not
 * hide one: if `next()` rejected and the interceptor returns normally, the call still fails.
 * Trailers set on `ctx` after `next()` still go out, since the status is written afterwards.
 */
export type ServerInterceptor = (ctx: ServerContext, next: () => Promise<void>) => Promise<void>;

/**
 * Chains interceptors: the first in the list is the outermost. Returns undefined for none, so
 * calls without interceptors skip the chain entirely.
 */
export function composeInterceptors(
  interceptors: readonly ServerInterceptor[],
): ((ctx: ServerContext, core: () => Promise<void>) => Promise<void>) | undefined {
  if (interceptors.length === 0) return undefined;
  for (const interceptor of interceptors)
    if (typeof interceptor !== "function") throw new TypeError("server: every interceptor must be a function");
  return (ctx, core) => {
    const run = (index: number): Promise<void> => {
      if (index === interceptors.length) return core();
      return interceptors[index]!(ctx, () => run(index + 1));
    };
    return run(0);
  };
}
