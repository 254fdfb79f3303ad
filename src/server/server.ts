import { type Compression, DEFAULT_COMPRESSIONS, acceptEncodingHeader } from "../compression/index.js";
import { DEFAULT_MAX_RECEIVE_BYTES } from "../framing/index.js";
import {
  type BoundAddress,
  type ConnectionPolicy,
  Http2Listener,
  type ListenAddress,
  type ServerTlsCredentials,
  type ServerTlsOptions,
} from "../http2/server/index.js";
import type { Service } from "../service/index.js";
import { WebGateway, type WebOptions } from "../web/index.js";
import { type Logger, type TraceOption, type Tracer, connectionTraces, resolveLogger, resolveTracer } from "../trace/index.js";
import type { ServiceImplementation } from "./handler.js";
import { type ServerInterceptor, composeInterceptors } from "./interceptor.js";
import { Router } from "./router.js";
import { type ServeRuntime, serveCall } from "./serve-call.js";

/** Options of a Server; every field has a documented default. */
export interface ServerOptions extends ConnectionPolicy {
  /** Largest request message accepted, before and after decompression. Default 4 MiB. */
  maxReceiveMessageBytes?: number;
  /** Largest response message sent (as on the wire). Default unlimited. */
  maxSendMessageBytes?: number;
  /** Caps every call's deadline, whatever the client's grpc-timeout says. Default none. */
  maxTimeoutMs?: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS per connection. Default 100. */
  maxConcurrentStreams?: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE. Default 16 KiB. */
  maxHeaderListBytes?: number;
  /** Connections open at once per listen() address; more are closed as they arrive. Default 10,000. */
  maxConnections?: number;
  /** node:http2's memory cap per connection (MiB); past it, new streams are refused. Default 64. */
  maxSessionMemoryMb?: number;
  /** Compressions the server can decode and may use for responses. Default gzip and deflate. */
  compressions?: readonly Compression[];
  /** Compress responses with this ("gzip", "deflate") when the client accepts it. Default none. */
  responseCompression?: string;
  /** Middleware around every call, outermost first. */
  interceptors?: readonly ServerInterceptor[];
  /**
   * The protocol tracer (docs/LAYERS.md): true traces every call to stderr, a string is a filter
   * as TSGRPC_TRACE takes it ("server,/pkg.Service/*"), a function receives each TraceEvent, an
   * object says filter, sink or output and format; false turns it off. Default: TSGRPC_TRACE.
   */
  trace?: TraceOption | undefined;
  /**
   * Where the server reports a handler that failed unexpectedly (threw or rejected with anything
   * but a GrpcError: the client gets UNKNOWN, the log gets the method and the error with its
   * stack), once per call, at error level; connection events at debug level. `console` or any
   * object with error/warn/info/debug. Default: stderr; null silences it.
   */
  logger?: Logger | null | undefined;
  /**
   * Also serve gRPC-Web and the Connect protocol from the same handlers on every listen()
   * address, over HTTP/1.1 as well as HTTP/2 (docs/WEB.md): true, or options such as CORS.
   * Default off: HTTP/2 gRPC only.
   */
  web?: boolean | WebOptions | undefined;
}

/** Options of Server.shutdown. */
export interface ShutdownOptions {
  /** How long calls in flight may still run after GOAWAY; then they are cancelled. Default: until they finish. */
  graceMs?: number;
}

/**
 * A gRPC server on node:http2: add services, listen on one or more addresses (h2c or TLS), shut down.
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
export class Server {
  private readonly router = new Router();
  private readonly runtime: ServeRuntime;
  private readonly options: ServerOptions;
  private readonly listeners: Http2Listener[] = [];
  private readonly tracer: Tracer | undefined;
  private readonly logger: Logger | undefined;
  private readonly web: WebGateway | undefined;
  private readonly added: Service[] = [];
  private readonly shutdownHooks = new Set<() => void | Promise<void>>();

  constructor(options: ServerOptions = {}) {
    for (const key of [
      "maxReceiveMessageBytes",
      "maxSendMessageBytes",
      "maxTimeoutMs",
      "maxConnections",
      "maxSessionMemoryMb",
      "handshakeTimeoutMs",
      "maxPeerResetBurst",
      "maxPeerResetsPerSecond",
    ] as const) {
      const value = options[key];
      if (value !== undefined && !(value === Infinity || (Number.isFinite(value) && value >= 0)))
        throw new RangeError(`server: ${key} must be a non-negative number, got ${value}`);
    }
    const compressions = options.compressions ?? DEFAULT_COMPRESSIONS;
    const responseCompression = options.responseCompression;
    if (
      responseCompression !== undefined &&
      responseCompression !== "identity" &&
      !compressions.some((compression) => compression.name === responseCompression)
    )
      throw new RangeError(`server: responseCompression ${JSON.stringify(responseCompression)} is not one of the compressions`);
    this.options = options;
    this.tracer = resolveTracer(options.trace);
    this.logger = resolveLogger(options.logger);
    this.runtime = {
      logger: this.logger,
      router: this.router,
      intercept: composeInterceptors(options.interceptors ?? []),
      maxReceiveMessageBytes: options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_BYTES,
      maxSendMessageBytes: options.maxSendMessageBytes ?? Infinity,
      maxTimeoutMs: options.maxTimeoutMs,
      compressions,
      responseCompression,
    };
    const web = options.web;
    if (web !== undefined && web !== false && web !== true && (typeof web !== "object" || web === null))
      throw new TypeError("server: web must be true, false or an object of web options");
    this.web =
      web === undefined || web === false
        ? undefined
        : new WebGateway(web === true ? {} : web, (stream, adapt) => serveCall(stream, this.runtime, adapt), undefined, {
            logger: this.logger,
            servesPath: (path) => this.router.servesService(path),
          });
  }

  /**
   * Serves `service` with `implementation`, whose keys are method localNames ("unaryCall") or
   * proto names ("UnaryCall"). Methods left out answer UNIMPLEMENTED. For a typed service the
   * compiler wants one handler per method, by localName (see ServiceImplementation).
   */
  // biome-ignore lint/suspicious/noExplicitAny: any method map: typed services (Service<{ ... }>) and the untyped Service alike
  add<S extends Service<any>>(service: S, implementation: ServiceImplementation<S>): this {
    this.router.add(service, implementation as ServiceImplementation);
    this.added.push(service);
    return this;
  }

  /**
   * The services added so far, in the order they were added (a copy: adding goes through `add`).
   * Server reflection lists them and reads their `files`.
   */
  get services(): readonly Service[] {
    return [...this.added];
  }

  /**
   * Runs `hook` when shutdown() or forceShutdown() begins, before any GOAWAY is sent. shutdown()
   * waits for it: the health service uses it to report NOT_SERVING first, so load balancers drain
   * the server before its connections close. forceShutdown() means now: it starts every hook
   * (their synchronous part runs before any connection closes) but does not wait for the promise
   * a hook returns. A hook that throws or rejects is logged and the shutdown goes on.
   * Returns a function that removes the hook.
   */
  onShutdown(hook: () => void | Promise<void>): () => void {
    const entry = (): void | Promise<void> => hook();
    this.shutdownHooks.add(entry);
    return () => {
      this.shutdownHooks.delete(entry);
    };
  }

  private async runShutdownHooks(): Promise<void> {
    await Promise.all(
      [...this.shutdownHooks].map(async (hook) => {
        try {
          await hook();
        } catch (error) {
          this.logger?.error("server: a shutdown hook failed", error);
        }
      }),
    );
  }

  /**
   * Listens on a host and port (port 0 picks one; host defaults to 127.0.0.1) or a unix socket
   * path; with `tls`, as an HTTPS server offering ALPN "h2" (and "http/1.1" when `web` is on). Resolves with the bound port.
   */
  async listen(address: ListenAddress, tls?: ServerTlsOptions): Promise<BoundAddress> {
    const listener = new Http2Listener(
      {
        ...this.connectionPolicy(),
        maxConcurrentStreams: this.options.maxConcurrentStreams,
        maxHeaderListBytes: this.options.maxHeaderListBytes,
        maxConnections: this.options.maxConnections,
        maxSessionMemoryMb: this.options.maxSessionMemoryMb,
        acceptEncoding: acceptEncodingHeader(this.runtime.compressions),
        tracer: this.tracer,
        traces: connectionTraces(this.tracer, this.logger, "server"),
        web: this.web?.handle,
        http1: typeof this.options.web === "object" ? this.options.web.http1 : undefined,
      },
      (stream) => serveCall(stream, this.runtime),
      tls,
    );
    const bound = await listener.listen(address);
    this.listeners.push(listener);
    return bound;
  }

  /**
   * Replaces the certificate, key and client CAs of every TLS listener while the server runs
   * (certificate rotation): connections made from now on get the new material; open connections
   * and their calls carry on untouched. Whether a client certificate is requested or required
   * stays as `listen` set it. Throws a TypeError, changing nothing, when no listener serves TLS
   * or when node refuses the material (a key that does not match the certificate, bad PEM).
   */
  setTls(tls: ServerTlsCredentials): void {
    const secure = this.listeners.filter((listener) => listener.isSecure);
    if (secure.length === 0) throw new TypeError("server: setTls needs a listener started with TLS (listen(address, tls))");
    for (const listener of secure) listener.setTls(tls);
  }

  /**
   * Runs the onShutdown hooks, then sends GOAWAY on every connection and stops listening: new
   * calls are refused, calls in flight may finish within `graceMs`, then the rest are cancelled.
   * Resolves once all is closed.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const graceMs = options.graceMs ?? Infinity;
    await this.runShutdownHooks();
    await Promise.all(this.listeners.map((listener) => listener.close(graceMs)));
  }

  /**
   * Cancels every call and closes every connection now. The onShutdown hooks are started first,
   * best effort: they are not waited for (a slow hook never delays a forced shutdown) and their
   * failures are logged.
   */
  async forceShutdown(): Promise<void> {
    // Not awaited: force means now. runShutdownHooks catches and logs each hook's failure.
    void this.runShutdownHooks();
    await Promise.all(this.listeners.map((listener) => listener.forceClose()));
  }

  private connectionPolicy(): ConnectionPolicy {
    const {
      keepaliveTimeMs,
      keepaliveTimeoutMs,
      minPingIntervalMs,
      permitKeepaliveWithoutCalls,
      maxPingStrikes,
      maxConnectionIdleMs,
      maxConnectionAgeMs,
      maxConnectionAgeGraceMs,
      handshakeTimeoutMs,
      maxPeerResetBurst,
      maxPeerResetsPerSecond,
    } = this.options;
    return {
      keepaliveTimeMs,
      keepaliveTimeoutMs,
      minPingIntervalMs,
      permitKeepaliveWithoutCalls,
      maxPingStrikes,
      maxConnectionIdleMs,
      maxConnectionAgeMs,
      maxConnectionAgeGraceMs,
      handshakeTimeoutMs,
      maxPeerResetBurst,
      maxPeerResetsPerSecond,
    };
  }
}
