import { rawCodec } from "../codec/index.js";
import { type Deadline, deadlineSignal } from "../deadline/index.js";
import type { PeerCertificate } from "../http2/server/index.js";
import { Metadata } from "../metadata/index.js";
import type { Method } from "../service/index.js";
import type { ServerCallObserver } from "./call-observer.js";

/**
 * What a handler (and an interceptor) knows about its call and can do to its response.
 *
 * The server gives every call its own context object; createServerContext builds one without a
 * call, for unit tests of handlers.
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
  /**
   * The client's TLS certificate, verified against the listener's `ca` (mutual TLS): subject,
   * SANs, issuer, fingerprint, validity, DER. Undefined over plaintext, when the client sent no
   * certificate, or when it did not verify (a listener with `requestClientCertificate`).
   */
  readonly peerCertificate: PeerCertificate | undefined;
  /** Response headers; sent before the first message, or with the status. */
  readonly headers: Metadata;
  /** Trailing metadata, sent with the status (also when the call fails). */
  readonly trailers: Metadata;
  /** Sends `headers` now, if not sent yet. */
  sendHeaders(): void;
  /** True once response headers went out; later changes to `headers` and `compression` are ignored. */
  readonly headersSent: boolean;
  /**
   * The response compression for this call ("gzip", "deflate", or "identity" for none), overriding
   * the server's `responseCompression`; undefined (the start value) leaves that default in force. Used unless the client's grpc-accept-encoding leaves it
   * out (a request without that header gets it); the server-wide default needs the client to list it.
   */
  compression: string | undefined;
  /** Whether the next response messages are compressed (when the call has a compression). Default true. */
  compressMessages: boolean;
  /** Whether the last request message read arrived compressed (flag 1 on the wire). */
  readonly requestCompressed: boolean;
  /**
   * Hears the call's messages (sizes on the wire) and its final status, for instrumentation:
   * set by an interceptor before `next()`. Default undefined. A createServerContext context
   * never calls it (there is no wire).
   */
  observer: ServerCallObserver | undefined;
}

/** What createServerContext builds a context from; every field is optional. */
export interface ServerContextOptions {
  /** The method being called. Default: a unary placeholder, "/test.Service/Test", with raw codecs. */
  method?: Method;
  /** The request metadata. Default: empty. */
  metadata?: Metadata;
  /** When the call expires (epoch ms). Default: none. */
  deadline?: Deadline;
  /**
   * The call's signal: abort it to play a client that cancels. Default: a signal that aborts with
   * DEADLINE_EXCEEDED at `deadline` (its timer does not keep the process alive), or never.
   */
  signal?: AbortSignal;
  /** The client's address. Default "127.0.0.1:0". */
  peer?: string;
  /** The client's verified TLS certificate. Default: none (undefined). */
  peerCertificate?: PeerCertificate | undefined;
  /** Whether the last request message arrived compressed. Default false. */
  requestCompressed?: boolean;
}

const PLACEHOLDER_METHOD: Method = Object.freeze({
  name: "Test",
  localName: "test",
  path: "/test.Service/Test",
  kind: "unary",
  requestCodec: rawCodec,
  responseCodec: rawCodec,
});

/**
 * Builds a ServerContext with no call and no network behind it, so that a handler (or an
 * interceptor) can be unit-tested by calling it as a function. Read what the handler set on
 * `ctx.headers` and `ctx.trailers` afterwards; `ctx.sendHeaders()` only sets `headersSent`.
 *
 * ```ts
 * const ctx = createServerContext({ metadata: new Metadata().set("x-user", "ada") });
 * expect(await handlers.sayHello({ name: "Ada" }, ctx)).to.deep.equal({ message: "Hello Ada" });
 * expect(ctx.trailers.get("x-served-by")).to.equal("test");
 * ```
 */
export function createServerContext(options: ServerContextOptions = {}): ServerContext {
  return new DetachedContext(options);
}

/** The context createServerContext builds: plain fields, and a deadline signal created on first read. */
class DetachedContext implements ServerContext {
  readonly method: Method;
  readonly metadata: Metadata;
  readonly deadline: Deadline | undefined;
  readonly peer: string;
  readonly peerCertificate: PeerCertificate | undefined;
  readonly requestCompressed: boolean;
  compression: string | undefined;
  compressMessages = true;
  observer: ServerCallObserver | undefined;
  headersSent = false;
  private givenSignal: AbortSignal | undefined;
  private responseHeaders: Metadata | undefined;
  private responseTrailers: Metadata | undefined;

  constructor(options: ServerContextOptions) {
    if (Number.isNaN(options.deadline)) throw new RangeError("server: deadline is NaN");
    this.method = options.method ?? PLACEHOLDER_METHOD;
    this.metadata = options.metadata ?? new Metadata();
    this.deadline = options.deadline;
    this.givenSignal = options.signal;
    this.peer = options.peer ?? "127.0.0.1:0";
    this.peerCertificate = options.peerCertificate;
    this.requestCompressed = options.requestCompressed ?? false;
  }

  get signal(): AbortSignal {
    // deadlineSignal creates its AbortController on first read and never keeps the process alive.
    return (this.givenSignal ??= deadlineSignal(this.deadline ?? Infinity).signal);
  }

  get headers(): Metadata {
    return (this.responseHeaders ??= new Metadata());
  }

  get trailers(): Metadata {
    return (this.responseTrailers ??= new Metadata());
  }

  sendHeaders(): void {
    this.headersSent = true;
  }
}
