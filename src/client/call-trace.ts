import type { Method } from "../service/index.js";
import type { CallTrace } from "../trace/index.js";
import { channelCore, type Channel } from "./channel.js";

/**
 * The trace of a new client call, with its "start" event, or undefined when the channel does not
 * trace (or its filter leaves this method out). The only tracing work of an untraced call is the
 * undefined check on the channel's tracer.
 */
export function startCallTrace(channel: Channel, method: Method, timeoutMs: number | undefined): CallTrace | undefined {
  const tracer = channelCore(channel).tracer;
  if (tracer === undefined) return undefined;
  const trace = tracer.startCall("client", method.path);
  trace?.emit("call", "start", timeoutMs === undefined ? { kind: method.kind } : { kind: method.kind, timeoutMs });
  return trace;
}

/** A promise's settle functions that also end the call's trace with the outcome the caller gets. */
export function traceOutcome<O>(
  trace: CallTrace,
  resolve: (value: O | PromiseLike<O>) => void,
  reject: (error: unknown) => void,
): { resolve: (value: O | PromiseLike<O>) => void; reject: (error: unknown) => void } {
  return {
    resolve(value) {
      if (value instanceof Promise)
        value.then(
          () => trace.end(undefined),
          (error: unknown) => trace.end(error),
        );
      else trace.end(undefined);
      resolve(value);
    },
    reject(error) {
      trace.end(error);
      reject(error);
    },
  };
}
