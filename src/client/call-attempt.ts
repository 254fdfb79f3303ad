import { metadataToHeaders } from "../http2/index.js";
import type { AttemptObserver } from "../pipeline/index.js";
import { Code, GrpcError } from "../status/index.js";
import type { CallSetup } from "./call-setup.js";

/**
 * The request headers of an attempt whose observer adds metadata (a `traceparent` per attempt):
 * a copy of the call's headers with the attempt's keys over them. The call's own headers are
 * shared and frozen, so they are never changed in place.
 */
export function attemptHeaders(headers: CallSetup["headers"], observer: AttemptObserver): CallSetup["headers"] {
  const metadata = observer.metadata;
  if (metadata === undefined || metadata.size === 0) return headers;
  return metadataToHeaders(metadata, { ...headers }) as CallSetup["headers"];
}

/** Tells an attempt's observer how the attempt ended: undefined for OK, anything else as its status. */
export function endAttempt(observer: AttemptObserver, error: unknown): void {
  observer.onAttemptEnd(error === undefined ? undefined : GrpcError.from(error, Code.Unknown, "client: unexpected error"));
}

/**
 * Ends an attempt's observer once `response` settled: OK with a response, else with the failure
 * (a response that could not be decoded). A promise is returned as it is, for the caller.
 */
export function endAttemptWith<T>(observer: AttemptObserver, response: T | Promise<T>): void {
  if (!(response instanceof Promise)) endAttempt(observer, undefined);
  else
    response.then(
      () => endAttempt(observer, undefined),
      (error: unknown) => endAttempt(observer, error),
    );
}
