import type { AttemptObserver, ClientCallObserver, Metadata, MessageObserver, ServerCallObserver } from "../index.js";

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

/** The same for a client call's observer: both hear each attempt too, when either watches attempts. */
export function bothClientObservers(first: ClientCallObserver | undefined, second: ClientCallObserver): ClientCallObserver {
  if (first === undefined) return second;
  const both: ClientCallObserver = bothMessageObservers(first, second);
  if (first.onAttemptStart !== undefined || second.onAttemptStart !== undefined)
    both.onAttemptStart = (start) => bothAttemptObservers(first.onAttemptStart?.(start), second.onAttemptStart?.(start));
  return both;
}

/** One attempt observer that tells two; its metadata is both's (the second's keys over the first's). */
export function bothAttemptObservers(first: AttemptObserver | undefined, second: AttemptObserver | undefined): AttemptObserver | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  let metadata = first.metadata;
  if (second.metadata !== undefined) {
    metadata = metadata === undefined ? second.metadata : metadata.clone();
    if (metadata !== second.metadata) for (const key of second.metadata.keys()) setAll(metadata, key, second.metadata);
  }
  return {
    ...bothMessageObservers(first, second),
    metadata,
    onAttemptEnd(error) {
      first.onAttemptEnd(error);
      second.onAttemptEnd(error);
    },
  };
}

function setAll(target: Metadata, key: string, source: Metadata): void {
  target.delete(key);
  for (const value of source.getAll(key)) target.add(key, value);
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
