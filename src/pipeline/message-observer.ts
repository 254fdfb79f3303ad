import type { Metadata } from "../metadata/index.js";
import type { GrpcError } from "../status/index.js";

/**
 * Hears each message of one call as it crosses the wire, for instrumentation (tsgrpc/otel
 * records gRFC A66's message-size metrics with it). `bytes` is the message as sent or received:
 * after compression, without the 5-byte Length-Prefixed-Message header; `compressed` is its
 * Compressed-Flag. Called synchronously on the call's path, so it must be cheap and must not throw.
 * https://github.com/grpc/proposal/blob/master/A66-otel-stats.md
 */
export interface MessageObserver {
  /** A message went out (a request on the client, a response on the server). */
  onMessageSent(bytes: number, compressed: boolean): void;
  /** A message arrived (a response on the client, a request on the server). */
  onMessageReceived(bytes: number, compressed: boolean): void;
}

/**
 * The observer of a client call (`CallOptions.observer`): a MessageObserver that hears each
 * request once and each response once, as the application sees them, and, when it has
 * `onAttemptStart`, each attempt of the call on the wire (gRFC A6 retries and hedged attempts,
 * and transparent retries of a request the server never saw). A plain MessageObserver is one.
 */
export interface ClientCallObserver extends MessageObserver {
  /**
   * An attempt of the call starts, before it picks a connection: the first one, each retry, each
   * hedged attempt (several run at once) and each transparent retry. Returns the observer of this
   * attempt alone (its messages on the wire, its end), or undefined to watch no more of it.
   * Optional; without it a call does no per-attempt work at all.
   */
  onAttemptStart?(attempt: AttemptStart): AttemptObserver | undefined;
}

/** What a new attempt of a client call is (gRFC A45's attempt span attributes). */
export interface AttemptStart {
  /**
   * Attempts of this call before this one that count against `maxAttempts` (transparent retries
   * not included): 0 for the first, 1 for the first retry or hedge. A transparent retry repeats
   * the number of the attempt it replaces. (The `grpc-previous-rpc-attempts` header, which counts
   * every attempt sent, is in the trace.)
   */
  readonly previousAttempts: number;
  /** A transparent retry: the request is sent again because the server never processed it. */
  readonly transparent: boolean;
}

/**
 * The observer of one attempt of a client call. It hears the requests written to this attempt's
 * stream, the responses of the attempt the call committed to (as the call reads them), and the
 * attempt's end, exactly once. Like MessageObserver it must be cheap and must not throw.
 */
export interface AttemptObserver extends MessageObserver {
  /**
   * Metadata sent with this attempt's request headers only, over the call's own (a key here
   * replaces the call's): tsgrpc/otel puts the attempt span's `traceparent` here. Read once,
   * when the attempt opens its stream.
   */
  readonly metadata?: Metadata | undefined;
  /**
   * The attempt ended: undefined for OK, else its status. An attempt that lost a hedge ends
   * CANCELLED; the attempt the call committed to ends with the call's own outcome, once the
   * call read its last response (or failed).
   */
  onAttemptEnd(error: GrpcError | undefined): void;
}
