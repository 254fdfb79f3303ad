import type { Deadline } from "../deadline/index.js";
import type { Metadata } from "../metadata/index.js";
import type { Method } from "../service/index.js";

/**
 * What a handler (and an interceptor) knows about its call and can do to its response.
 */
export interface ServerContext {
  /** The method being called. */
  readonly method: Method;
  /** The request metadata (custom headers), parsed on first access. */
  readonly metadata: Metadata;
  /** When the call expires (epoch ms): the earlier of the client's grpc-timeout and the server's maxTimeoutMs. */
  readonly deadline: Deadline | undefined;
  /**
   * Aborts when the client cancels, the deadline passes, or the server shuts the call down; the
   * reason is a GrpcError. Created on first access, so handlers that never look cost nothing.
   */
  readonly signal: AbortSignal;
  /** The client's address: "ip:port", "[ipv6]:port", or "unix:". */
  readonly peer: string;
  /** Response headers; sent before the first message, or with the status. */
  readonly headers: Metadata;
  /** Trailing metadata, sent with the status (also when the call fails). */
  readonly trailers: Metadata;
  /** Sends `headers` now, if not sent yet. */
  sendHeaders(): void;
  /** True once response headers went out; later changes to `headers` and `compression` are ignored. */
  readonly headersSent: boolean;
  /**
   * The response compression for this call ("gzip", "deflate", or undefined for none), overriding
   * the server's `responseCompression`. Used only if the client listed it in grpc-accept-encoding.
   */
  compression: string | undefined;
  /** Whether the next response messages are compressed (when the call has a compression). Default true. */
  compressMessages: boolean;
  /** Whether the last request message read arrived compressed (flag 1 on the wire). */
  readonly requestCompressed: boolean;
}
