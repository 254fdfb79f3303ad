import type { Compression } from "../compression/index.js";
import type { Metadata } from "../metadata/index.js";
import type { ClientCallObserver } from "../pipeline/index.js";
import type { CallCredentials } from "./call-credentials.js";

/**
 * What a server handler's context contributes to the calls it makes: its deadline and its
 * cancellation propagate to them. Structural, so any server context fits.
 */
export interface ParentContext {
  /** The parent call's deadline in epoch ms, if it has one. */
  readonly deadline?: number | undefined;
  /** Aborts when the parent call is cancelled or ends. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Options of one call. Every field is optional.
 *
 * Caller mistakes are a `TypeError` thrown synchronously by the client method, before anything
 * is sent, for every kind of call: a `compression` name the channel does not have, or requests
 * that are not an AsyncIterable (or Iterable) for a client-streaming or bidi method. Everything
 * else, including an expired deadline or an aborted signal, is a GrpcError delivered where the
 * call's result goes (the promise rejects, or the response iterator throws).
 */
export interface CallOptions<I = unknown> {
  /** Time budget in ms from now; combined with `deadline` and the parent's, the earliest wins. */
  timeoutMs?: number | undefined;
  /** Absolute deadline (epoch ms or a Date). */
  deadline?: number | Date | undefined;
  /** Cancels the call (status CANCELLED, or the reason when it is a GrpcError). */
  signal?: AbortSignal | undefined;
  /** Request metadata. */
  metadata?: Metadata | undefined;
  /** Request compression, by object or name ("gzip", "deflate", "identity"); default: the channel's. */
  compression?: Compression | string | undefined;
  /** Per-message opt-out for streaming requests: return false to send that message uncompressed. */
  compressMessage?: ((message: I, index: number) => boolean) | undefined;
  /** Wait for the channel to be READY instead of failing fast in TRANSIENT_FAILURE. */
  waitForReady?: boolean | undefined;
  /** Receives the response headers (metadata) when they arrive. */
  onHeaders?: ((metadata: Metadata) => void) | undefined;
  /** Receives the trailing metadata when the call ends (also on error). */
  onTrailers?: ((metadata: Metadata) => void) | undefined;
  /** A server call this call is made on behalf of: its deadline and cancellation propagate. */
  parent?: ParentContext | undefined;
  /** Receive limit of this call's messages; default: the channel's (4 MiB). */
  maxReceiveMessageBytes?: number | undefined;
  /**
   * Hears each request as sent and each response as received, by its size on the wire (after
   * compression, without the 5-byte prefix): for instrumentation such as tsgrpc/otel. A request
   * resent on another connection (a transparent retry of a call the server never saw) is heard once.
   * With `onAttemptStart` it also hears each attempt of the call (retries, hedges, transparent
   * retries) on its own (docs/OBSERVABILITY.md).
   */
  observer?: ClientCallObserver | undefined;
  /**
   * Credentials of this call (a bearer token, say), run after the channel's `callCredentials`;
   * both add metadata. On a plaintext channel the call fails UNAUTHENTICATED unless the channel
   * sets `allowInsecureCallCredentials`.
   */
  callCredentials?: CallCredentials | undefined;
}

/** The options of a call made without any: frozen, shared by every such call (no allocation per call). */
// biome-ignore lint/suspicious/noExplicitAny: the shared empty options default a call of any request type; compressMessage makes CallOptions<I> contravariant in I
export const NO_CALL_OPTIONS: CallOptions<any> = Object.freeze({});
