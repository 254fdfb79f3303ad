import type { MessageObserver } from "../pipeline/index.js";
import type { GrpcError } from "../status/index.js";

/**
 * Hears one server call's messages and how it ended, for instrumentation such as tsgrpc/otel:
 * set it as `ctx.observer` (an interceptor does, before calling `next()`).
 *
 * `onEnd` is called exactly once, when the call ends on the server's side: the status is written
 * (after the interceptors returned), the deadline expired, the server shut the call down, or the
 * client reset the stream or went away. The last three are heard when they happen, while the
 * handler may still run: the call is over then, and whatever the handler returns or throws later
 * is dropped (a client's RST_STREAM CANCEL is CANCELLED). `error` is the status sent (or the
 * reason the stream closed), undefined for OK. Like the message callbacks it must not throw.
 * https://github.com/grpc/proposal/blob/master/A66-otel-stats.md
 */
export interface ServerCallObserver extends MessageObserver {
  /** The call ended: the status it ended with, undefined for OK. */
  onEnd(error: GrpcError | undefined): void;
}
