import type { MessageObserver, ServerCallObserver } from "../index.js";

/**
 * One message observer that tells two: the interceptor adds its own without displacing one a
 * caller or another interceptor set (several telemetry plugins on one call, as gRFC A66 asks).
 */
export function bothMessageObservers(first: MessageObserver | undefined, second: MessageObserver): MessageObserver {
  if (first === undefined) return second;
  return {
    onMessageSent(bytes, compressed) {
      first.onMessageSent(bytes, compressed);
      second.onMessageSent(bytes, compressed);
    },
    onMessageReceived(bytes, compressed) {
      first.onMessageReceived(bytes, compressed);
      second.onMessageReceived(bytes, compressed);
    },
  };
}

/** The same for a server call's observer, which also hears how the call ended. */
export function bothServerObservers(first: ServerCallObserver | undefined, second: ServerCallObserver): ServerCallObserver {
  if (first === undefined) return second;
  return {
    ...bothMessageObservers(first, second),
    onEnd(error) {
      first.onEnd(error);
      second.onEnd(error);
    },
  };
}
