import {
  type Http2SecureServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
  type Settings,
  createSecureServer,
  createServer,
} from "node:http2";
import { type IncomingMessage, type Server as Http1Server, type ServerResponse, createServer as createHttp1Server } from "node:http";
import { type AddressInfo, type Server as NetServer, type Socket, createServer as createNetServer } from "node:net";
import type { TLSSocket } from "node:tls";
import { Code, GrpcError, RstCode, describeError } from "../../status/index.js";
import type { CallTrace, ConnectionTrace, Tracer } from "../../trace/index.js";
import { isGrpcContentType } from "../index.js";
import { HEADER_ALLOW, HEADER_CONTENT_TYPE, HEADER_METHOD, HEADER_PATH, HEADER_STATUS, METHOD_POST } from "../index.js";
import { grpcErrorFromNode } from "../index.js";
import { type RequestHead, requestHeadFromHeaders } from "../index.js";
import { type ConnectionPolicy, type ResolvedConnectionPolicy, ServerConnection } from "./connection.js";
import { Http1Connection } from "./http1-connection.js";
import { Http1Exchange, Http2Exchange, type HttpExchange } from "./http-exchange.js";
import { DEFAULT_MAX_RESPONSE_HEADER_BYTES, MIN_RESPONSE_HEADER_BYTES } from "./response-head-limit.js";
import { ServerStream, baseResponseHeaders } from "./server-stream.js";

/** Where to listen: a TCP host and port (port 0 picks a free one) or a unix socket path. */
export type ListenAddress = { host?: string; port: number } | { path: string };

/**
 * The certificate material of a TLS listener: what `Server.setTls` can replace while it runs.
 */
export interface ServerTlsCredentials {
  /** The server's certificate chain (PEM). */
  cert: string | Uint8Array;
  /** The server's private key (PEM). */
  key: string | Uint8Array;
  /** CA certificates that client certificates must chain to. */
  ca?: string | Uint8Array | (string | Uint8Array)[] | undefined;
}

/**
 * TLS for a listener: ALPN "h2" (and "http/1.1" when the server serves the web protocols); `ca` + `requireClientCertificate` turn on mTLS, and a
 * handler then reads the client's verified certificate as `ctx.peerCertificate`.
 */
export interface ServerTlsOptions extends ServerTlsCredentials {
  /** Ask for a client certificate and reject clients without a valid one. Default false. */
  requireClientCertificate?: boolean | undefined;
  /**
   * Ask for a client certificate but let clients without one (or with one that does not verify
   * against `ca`) in; their `ctx.peerCertificate` is undefined. Default false.
   */
  requestClientCertificate?: boolean | undefined;
}

/** Settings of one listener, passed down by the Server. */
export interface ListenerOptions extends ConnectionPolicy {
  /** SETTINGS_MAX_CONCURRENT_STREAMS announced to every client. Default 100 (as gRPC C-core). */
  maxConcurrentStreams?: number | undefined;
  /** SETTINGS_MAX_HEADER_LIST_SIZE. Default 16 KiB, as gRPC C-core and grpc-go. */
  maxHeaderListBytes?: number | undefined;
  /** The grpc-accept-encoding value sent with every response. */
  acceptEncoding: string;
  /** node:http2's per-connection memory cap (MiB) before it refuses new streams. Default 64. */
  maxSessionMemoryMb?: number | undefined;
  /** Connections open at once; more are closed as they arrive. Default 10,000. */
  maxConnections?: number | undefined;
  /** The server's tracer; undefined when tracing is off. */
  tracer?: Tracer | undefined;
  /** Creates the trace of each accepted connection (tracer and logger); undefined when neither is on. */
  traces?: ((peer: string) => ConnectionTrace) | undefined;
  /**
   * Serves the requests that are not gRPC (gRPC-Web, Connect, CORS preflights), over HTTP/2 and
   * HTTP/1.1 (TLS by ALPN; plaintext by the first bytes of the connection). Undefined (the
   * default): HTTP/2 only, and such requests get HTTP 405 or 415.
   */
  web?: ((exchange: HttpExchange) => void) | undefined;
  /** Timeouts and the response head limit of the HTTP/1.1 connections the web protocols bring (the request header limit is maxHeaderListBytes). */
  http1?: Http1Options | undefined;
}

/**
 * Timeouts and limits of HTTP/1.1 connections (web protocols only). A request that breaks a
 * timeout gets node's HTTP answer (408) with a message naming the option, and its connection is closed.
 */
export interface Http1Options {
  /** The request line and headers must arrive within this long after the request began (slowloris). Default 20 s. */
  headersTimeoutMs?: number | undefined;
  /** The whole request, body included, must arrive within this long; Infinity turns it off. Default 300 s (node's). */
  requestTimeoutMs?: number | undefined;
  /** A keep-alive connection waiting for its next request is closed after this long. Default 5 s (node's). */
  keepAliveTimeoutMs?: number | undefined;
  /**
   * The largest response head (status line and headers: response metadata, the protocol's and
   * CORS's headers, and trailers where the protocol sends them as headers) a web call sends over
   * HTTP/1.1, in bytes; at least 1024, or Infinity for no check. A call whose head would be larger
   * fails with INTERNAL naming this option, in a small head without its metadata. HTTP/1.1 has no
   * setting through which a client says what it accepts: node's own client refuses a head over
   * 16 KiB, browsers take 256 KiB or more. gRPC-Web trailers and Connect end-stream metadata are in
   * the body, not limited by this. Default 16 KiB.
   */
  maxResponseHeaderBytes?: number | undefined;
}

/** What listen() bound to. */
export interface BoundAddress {
  /** The TCP port (useful with port 0), or undefined for a unix socket. */
  port: number | undefined;
  /** The unix socket path, or undefined for TCP. */
  path: string | undefined;
}

const CONNECTION = Symbol("tsgrpc.connection");
const HTTP1_CONNECTION = Symbol("tsgrpc.http1Connection");
type TrackedSocket = Socket & { [HTTP1_CONNECTION]?: Http1Connection; _httpMessage?: ServerResponse | null };
const CONNECTION_TRACE = Symbol("tsgrpc.connectionTrace");
type TrackedSession = ServerHttp2Session & { [CONNECTION]?: ServerConnection; [CONNECTION_TRACE]?: ConnectionTrace };

const POLICY_DEFAULTS: ResolvedConnectionPolicy = {
  keepaliveTimeMs: 2 * 60 * 60 * 1000,
  keepaliveTimeoutMs: 20_000,
  minPingIntervalMs: 5 * 60 * 1000,
  permitKeepaliveWithoutCalls: false,
  maxPingStrikes: 2,
  maxConnectionIdleMs: Infinity,
  maxConnectionAgeMs: Infinity,
  maxConnectionAgeGraceMs: Infinity,
  handshakeTimeoutMs: 20_000,
  maxPeerResetBurst: 500,
  maxPeerResetsPerSecond: 30,
};

/** Default of ListenerOptions.maxConnections. */
const DEFAULT_MAX_CONNECTIONS = 10_000;
/** Default of ListenerOptions.maxHeaderListBytes (and of the HTTP/1.1 header size limit). */
const DEFAULT_MAX_HEADER_LIST_BYTES = 16 * 1024;

const HTTP1_DEFAULTS: Required<{ [Key in keyof Http1Options]: number }> = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
  maxResponseHeaderBytes: DEFAULT_MAX_RESPONSE_HEADER_BYTES,
};

/** The Http1Options that are timeouts. */
const HTTP1_TIMEOUTS = ["headersTimeoutMs", "requestTimeoutMs", "keepAliveTimeoutMs"] as const;

/**
 * One listening node:http2 server (h2c or TLS) that accepts gRPC requests and hands each to
 * `onCall` as a ServerStream, in the same tick as node's 'stream' event (no queue, no promise).
 *
 * Requests that are not gRPC never get that far: they go to the `web` hook when there is one
 * (with HTTP/1.1 requests too); otherwise a method other than POST is answered with HTTP 405 and
 * a content-type that is not application/grpc* with HTTP 415. A malformed grpc-timeout gets a
 * trailers-only INTERNAL status.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
export class Http2Listener {
  private readonly server: Http2Server | Http2SecureServer;
  private readonly baseHeaders: Readonly<OutgoingHttpHeaders>;
  private readonly policy: ResolvedConnectionPolicy;
  private readonly connections = new Set<ServerConnection>();
  private readonly onCall: (stream: ServerStream) => void;
  private readonly tracer: Tracer | undefined;
  private readonly traces: ((peer: string) => ConnectionTrace) | undefined;
  private readonly secure: boolean;
  private readonly web: ((exchange: HttpExchange) => void) | undefined;
  /** Plaintext with web protocols: the TCP listener that tells HTTP/2 from HTTP/1.1 by the first bytes. */
  private readonly sniffer: NetServer | undefined;
  /** The HTTP/1.1 server of a plaintext listener with web protocols (it never listens itself). */
  private readonly http1: Http1Server | undefined;
  /** Open HTTP/1.1 connections (web protocols), under the same policy as the HTTP/2 ones. */
  private readonly http1Connections = new Set<Http1Connection>();
  private readonly http1Limits: { readonly maxHeaderBytes: number } & Required<{ [Key in keyof Http1Options]: number }>;
  private closed = false;

  constructor(options: ListenerOptions, onCall: (stream: ServerStream) => void, tls?: ServerTlsOptions) {
    this.onCall = onCall;
    this.tracer = options.tracer;
    this.traces = options.traces;
    this.baseHeaders = baseResponseHeaders(options.acceptEncoding);
    const policy = { ...POLICY_DEFAULTS };
    for (const key of Object.keys(POLICY_DEFAULTS) as (keyof ConnectionPolicy)[])
      if (options[key] !== undefined) (policy as Record<string, unknown>)[key] = options[key];
    this.policy = policy;
    const settings: Settings = {
      maxConcurrentStreams: options.maxConcurrentStreams ?? 100,
      maxHeaderListSize: options.maxHeaderListBytes ?? DEFAULT_MAX_HEADER_LIST_BYTES,
    };
    this.http1Limits = { maxHeaderBytes: settings.maxHeaderListSize!, ...resolveHttp1Options(options.http1) };
    const common = { settings, maxSessionMemory: options.maxSessionMemoryMb ?? 64 };
    this.secure = tls !== undefined;
    this.server =
      tls === undefined
        ? createServer(common)
        : createSecureServer({
            ...common,
            ...secureContextOptions(tls),
            requestCert: (tls.requireClientCertificate ?? false) || (tls.requestClientCertificate ?? false),
            rejectUnauthorized: tls.requireClientCertificate ?? false,
            allowHTTP1: options.web !== undefined,
            handshakeTimeout: Number.isFinite(policy.handshakeTimeoutMs) ? policy.handshakeTimeoutMs : 0,
          });
    this.web = options.web;
    const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.server.maxConnections = maxConnections;
    if (this.web !== undefined) {
      const onRequest = (request: IncomingMessage, response: ServerResponse) => this.onHttp1Request(request, response);
      const onClientError = (error: Http1ParserError, socket: Socket) => this.onHttp1ClientError(error, socket);
      const limits = this.http1Limits;
      const http1Settings = {
        maxHeaderSize: limits.maxHeaderBytes,
        headersTimeout: toNodeTimeout(limits.headersTimeoutMs),
        requestTimeout: toNodeTimeout(limits.requestTimeoutMs),
        keepAliveTimeout: toNodeTimeout(limits.keepAliveTimeoutMs),
        // node checks the header and request timeouts on this interval (default 30 s, far coarser than the timeouts).
        connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
      };
      if (tls === undefined) {
        this.http1 = createHttp1Server(http1Settings, onRequest);
        this.http1.on("clientError", onClientError);
        // The HTTP/1.1 server is handed its sockets and never listens, but its header and request
        // timeouts and closeIdleConnections() run on the connection tracking it sets up when listening.
        this.http1.emit("listening");
        this.sniffer = createNetServer((socket) => this.sniff(socket, policy.handshakeTimeoutMs));
        this.sniffer.maxConnections = maxConnections;
      } else {
        // node's allowHTTP1 server runs its HTTP/1.1 connections with these properties of its own.
        Object.assign(this.server, http1Settings);
        this.server.on("clientError", onClientError);
        (this.server as Http2SecureServer).on("secureConnection", (socket: TLSSocket) => {
          if (socket.alpnProtocol !== "h2") this.trackHttp1(socket);
        });
        // An allowHTTP1 server emits 'request' for HTTP/1.1 requests; a 'request' listener also
        // makes node build compatibility objects for every HTTP/2 stream (a 'stream' listener it
        // adds): that one is removed, the gRPC path stays as it is.
        const streamListeners = this.server.listeners("stream");
        this.server.on("request", onRequest);
        for (const listener of this.server.listeners("stream"))
          if (!streamListeners.includes(listener)) this.server.off("stream", listener as (...args: unknown[]) => void);
      }
    }
    this.server.on("session", (session: ServerHttp2Session) => this.onSession(session));
    this.server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => this.onStream(stream, headers));
    // A failed TLS handshake or a broken socket concerns one client only; the listener carries on.
    this.server.on("tlsClientError", () => {});
    this.server.on("sessionError", () => {});
  }

  /** Binds the address; resolves with the bound port (or path) once listening. */
  listen(address: ListenAddress): Promise<BoundAddress> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(grpcErrorFromNode(error));
      this.server.once("error", onError);
      const onListening = () => {
        this.server.off("error", onError);
        this.sniffer?.off("error", onError);
        const bound = (this.sniffer ?? this.server).address();
        resolve(
          typeof bound === "string" || bound === null
            ? { port: undefined, path: "path" in address ? address.path : (bound ?? undefined) }
            : { port: (bound as AddressInfo).port, path: undefined },
        );
      };
      const server = this.sniffer ?? this.server;
      if (server !== this.server) server.once("error", onError);
      if ("path" in address) server.listen(address.path, onListening);
      else server.listen(address.port, address.host ?? "127.0.0.1", onListening);
    });
  }

  /** Whether this listener serves TLS. */
  get isSecure(): boolean {
    return this.secure;
  }

  /**
   * Replaces the certificate, key and CAs that new TLS connections see; open connections keep
   * theirs and are not disturbed. Throws (changing nothing) when the material is unusable, such
   * as a key that does not match the certificate.
   */
  setTls(tls: ServerTlsCredentials): void {
    if (!this.secure) throw new TypeError("server: setTls on a listener that does not serve TLS");
    try {
      (this.server as Http2SecureServer).setSecureContext(secureContextOptions(tls));
    } catch (error) {
      // Node builds the whole context before it swaps it in: on failure the old one stays.
      throw new TypeError(`server: setTls: node refused the certificate, key or CA: ${describeError(error)}`, { cause: error });
    }
  }

  /**
   * Stops accepting connections and sends GOAWAY on every open one; calls in flight get `graceMs`
   * to finish, then the rest end UNAVAILABLE "server: shutting down" (trailers, then
   * RST_STREAM(CANCEL)) and the connections close.
   * Resolves once every connection is gone.
   */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    const closed = this.closeServers();
    for (const connection of this.connections) connection.goAway();
    for (const connection of this.http1Connections) connection.goAway();
    if (this.connections.size > 0 || this.http1Connections.size > 0) {
      const timer = Number.isFinite(graceMs) ? setTimeout(() => this.shutDownAll(graceMs), Math.max(0, graceMs)) : undefined;
      await closed;
      clearTimeout(timer);
    } else await closed;
  }

  /** Cancels every call and closes every connection at once. */
  forceClose(): Promise<void> {
    this.closed = true;
    const closed = this.closeServers();
    this.destroyAll();
    return closed;
  }

  /**
   * Stops accepting connections; resolves once every connection is gone.
   */
  private closeServers(): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.sniffer ?? this.server).close(() => resolve()));
    // Not listening itself, its close() only stops its timers.
    this.http1?.close(() => {});
    if (this.sniffer !== undefined) this.server.close(() => {});
    return closed;
  }

  /** The grace period is over: every open call ends UNAVAILABLE, saying so, and the connections close. */
  private shutDownAll(graceMs: number): void {
    const reason = new GrpcError(Code.Unavailable, `server: shutting down, the call did not finish within the ${graceMs} ms grace period`);
    for (const connection of this.connections) connection.shutDown(reason);
    for (const connection of this.http1Connections) connection.shutDown(reason);
  }

  private destroyAll(): void {
    const reason = new GrpcError(Code.Unavailable, "server: shutting down");
    for (const connection of this.connections) connection.destroy(reason);
    for (const connection of this.http1Connections) connection.destroy(reason);
  }

  /**
   * Plaintext with web protocols: reads the first bytes of a connection and hands the socket to
   * the HTTP/2 server when they are the HTTP/2 connection preface, else to the HTTP/1.1 server
   * (node's h2c server cannot take HTTP/1.1). A client that sends nothing within the handshake
   * timeout is disconnected. https://www.rfc-editor.org/rfc/rfc9113#section-3.4
   */
  private sniff(socket: Socket, timeoutMs: number): void {
    let held: Buffer = EMPTY_BUFFER;
    const timer = Number.isFinite(timeoutMs) ? setTimeout(() => socket.destroy(), timeoutMs).unref() : undefined;
    const onData = (chunk: Buffer): void => {
      held = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      const compared = Math.min(held.length, HTTP2_PREFACE.length);
      const isHttp2 = held.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
      if (isHttp2 && compared < HTTP2_PREFACE.length) return;
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.pause();
      if (isHttp2) {
        // node's HTTP/2 session reads what is buffered on the socket before its own reads.
        socket.unshift(held);
        this.server.emit("connection", socket);
        return;
      }
      // node's HTTP/1.1 parser reads the socket's handle directly, past the stream's buffer: the
      // bytes already read go to its 'data' listener instead.
      this.trackHttp1(socket);
      this.http1!.emit("connection", socket);
      socket.emit("data", held);
      socket.resume();
    };
    // A client that resets the connection before its first bytes concerns itself only.
    const onError = (): void => {
      clearTimeout(timer);
    };
    socket.on("data", onData);
    socket.on("error", onError);
    socket.once("close", () => clearTimeout(timer));
  }

  /** An HTTP/1.1 connection starts: it comes under the connection policy (idle, age, shutdown). */
  private trackHttp1(socket: TrackedSocket): Http1Connection {
    const existing = socket[HTTP1_CONNECTION];
    if (existing !== undefined) return existing;
    const connection = new Http1Connection(socket, this.policy);
    socket[HTTP1_CONNECTION] = connection;
    this.http1Connections.add(connection);
    socket.once("close", () => this.http1Connections.delete(connection));
    if (this.closed) connection.goAway();
    return connection;
  }

  private onHttp1Request(request: IncomingMessage, response: ServerResponse): void {
    const connection = this.trackHttp1(request.socket);
    if (this.closed) response.shouldKeepAlive = false;
    const exchange = new Http1Exchange(request, response, connection, this.http1Limits.maxResponseHeaderBytes);
    if (this.tracer !== undefined) exchange.trace = this.tracer.startCall("server", pathOf(exchange.url));
    this.web!(exchange);
  }

  /**
   * node's HTTP/1.1 parser refused a request (headers over the limit, a timeout, malformed or
   * ambiguous framing such as Transfer-Encoding with Content-Length): the client gets the HTTP
   * status with a message naming the limit, the calls in flight on the connection are cut with
   * the same reason, and the connection closes.
   */
  private onHttp1ClientError(error: Http1ParserError, socket: TrackedSocket): void {
    const connection = socket[HTTP1_CONNECTION] ?? this.trackHttp1(socket);
    const answer = http1ErrorAnswer(error, this.http1Limits, connection.openRequests > 0);
    connection.fail(answer?.reason ?? new GrpcError(Code.Unavailable, `server: HTTP/1.1 connection failed: ${describeError(error)}`));
    // A response already under way cannot be followed by another: the connection is just cut.
    if (answer === undefined || !socket.writable || socket._httpMessage?.headersSent === true) {
      socket.destroy();
      return;
    }
    const body = `${answer.reason.statusMessage}\n`;
    socket.write(
      `HTTP/1.1 ${answer.status} ${answer.statusText}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    connection.close();
  }

  private onSession(session: TrackedSession): void {
    const connection = new ServerConnection(session, this.policy);
    session[CONNECTION] = connection;
    this.connections.add(connection);
    session.once("close", () => this.connections.delete(connection));
    if (this.traces !== undefined) session[CONNECTION_TRACE] = traceSession(this.traces, session);
    // 'error' is always followed by 'close'; the streams report what it means for each call.
    session.on("error", () => {});
    if (this.closed) connection.goAway();
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    // node emits 'stream' a tick after the HEADERS: a client may have reset it (and the session
    // may be gone) by then. Its connection counted the reset when the stream closed, if it could.
    const connection = (stream.session as TrackedSession | undefined)?.[CONNECTION];
    if (connection === undefined || stream.destroyed) {
      connection?.onPeerReset();
      return;
    }
    if (this.web !== undefined && (headers[HEADER_METHOD] !== METHOD_POST || !isGrpcContentType(headers[HEADER_CONTENT_TYPE]))) {
      if (this.closed) {
        // As a gRPC call is: a stream opened after the GOAWAY was never processed, safe to retry.
        stream.on("error", () => {});
        stream.close(RstCode.RefusedStream);
        return;
      }
      const exchange = new Http2Exchange(stream, headers, connection);
      if (this.tracer !== undefined) exchange.trace = this.tracer.startCall("server", pathOf(exchange.url));
      this.web(exchange);
      return;
    }
    const trace = this.tracer === undefined ? undefined : traceStream(this.tracer, stream, headers);
    if (headers[HEADER_METHOD] !== METHOD_POST) {
      stream.on("error", () => {});
      if (trace !== undefined)
        traceRejected(trace, { [HEADER_STATUS]: 405, [HEADER_ALLOW]: METHOD_POST }, `method ${String(headers[HEADER_METHOD])} is not POST`);
      stream.respond({ [HEADER_STATUS]: 405, [HEADER_ALLOW]: METHOD_POST }, { endStream: true });
      return;
    }
    if (!isGrpcContentType(headers[HEADER_CONTENT_TYPE])) {
      stream.on("error", () => {});
      if (trace !== undefined)
        traceRejected(trace, { [HEADER_STATUS]: 415, [HEADER_CONTENT_TYPE]: "text/plain" }, "the content-type is not application/grpc");
      stream.respond({ [HEADER_STATUS]: 415, [HEADER_CONTENT_TYPE]: "text/plain" }, { waitForTrailers: false });
      stream.end(`tsgrpc: content-type ${JSON.stringify(headers[HEADER_CONTENT_TYPE] ?? "")} is not application/grpc\n`);
      return;
    }
    let head: RequestHead;
    try {
      head = requestHeadFromHeaders(headers);
    } catch (error) {
      const failed = new ServerStream(stream, EMPTY_HEAD, connection, this.baseHeaders, trace);
      failed.finish(grpcErrorFromNode(error), undefined);
      return;
    }
    const call = new ServerStream(stream, head, connection, this.baseHeaders, trace);
    if (this.closed) {
      call.cancel(RstCode.RefusedStream, new GrpcError(Code.Unavailable, "server: shutting down"));
      return;
    }
    this.onCall(call);
  }
}

/** An error node's HTTP/1.1 server reports with 'clientError' (llhttp's code and reason, or a socket error). */
type Http1ParserError = Error & { code?: string; reason?: string };

/** The HTTP answer to an HTTP/1.1 request node's parser refused, and the reason the calls in flight get; undefined: cut the connection. */
function http1ErrorAnswer(
  error: Http1ParserError,
  limits: { readonly maxHeaderBytes: number; readonly headersTimeoutMs: number; readonly requestTimeoutMs: number },
  hasRequest: boolean,
): { status: number; statusText: string; reason: GrpcError } | undefined {
  const code = error.code ?? "";
  if (code === "HPE_HEADER_OVERFLOW")
    return {
      status: 431,
      statusText: "Request Header Fields Too Large",
      reason: new GrpcError(
        Code.ResourceExhausted,
        `server: HTTP/1.1 request headers exceed the server's limit of ${limits.maxHeaderBytes} bytes (maxHeaderListBytes)`,
      ),
    };
  if (code === "ERR_HTTP_REQUEST_TIMEOUT")
    return {
      status: 408,
      statusText: "Request Timeout",
      reason: new GrpcError(
        Code.Cancelled,
        hasRequest
          ? `server: HTTP/1.1 request body not received within ${limits.requestTimeoutMs} ms (web.http1.requestTimeoutMs)`
          : `server: HTTP/1.1 request headers not received within ${limits.headersTimeoutMs} ms (web.http1.headersTimeoutMs)`,
      ),
    };
  if (code.startsWith("HPE_"))
    return {
      status: 400,
      statusText: "Bad Request",
      reason: new GrpcError(Code.Internal, `server: malformed HTTP/1.1 request (${code}: ${error.reason ?? error.message})`),
    };
  return undefined;
}

/**
 * Validates Http1Options and fills in the defaults; a value out of range is a RangeError naming
 * the option (the web gateway calls it when the Server is made, so a mistake shows before listen()).
 */
export function resolveHttp1Options(options: Http1Options | undefined): Required<{ [Key in keyof Http1Options]: number }> {
  const resolved = { ...HTTP1_DEFAULTS };
  for (const key of HTTP1_TIMEOUTS) {
    const value = options?.[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || Number.isNaN(value) || value <= 0)
      throw new RangeError(`server: web.http1.${key} must be a positive number of milliseconds or Infinity, not ${String(value)}`);
    resolved[key] = value;
  }
  const maxBytes = options?.maxResponseHeaderBytes;
  if (maxBytes !== undefined) {
    if (typeof maxBytes !== "number" || !(Number.isInteger(maxBytes) || maxBytes === Infinity) || maxBytes < MIN_RESPONSE_HEADER_BYTES)
      throw new RangeError(
        `server: web.http1.maxResponseHeaderBytes must be an integer number of bytes of at least ${MIN_RESPONSE_HEADER_BYTES}, or Infinity, not ${String(maxBytes)}`,
      );
    resolved.maxResponseHeaderBytes = maxBytes;
  }
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs)
    throw new RangeError(
      `server: web.http1.headersTimeoutMs (${resolved.headersTimeoutMs}) must not exceed web.http1.requestTimeoutMs (${resolved.requestTimeoutMs})`,
    );
  return resolved;
}

/** The path of a request target, without its query. */
function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

/** node's timeouts take 0 for none. */
function toNodeTimeout(ms: number): number {
  return Number.isFinite(ms) ? ms : 0;
}

/** The HTTP/2 connection preface a client sends first (RFC 9113 §3.4). */
const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
const EMPTY_BUFFER = Buffer.alloc(0);

const EMPTY_HEAD: RequestHead = {
  path: "",
  authority: "",
  metadata: undefined as never,
  timeoutMs: undefined,
  encoding: undefined,
  acceptEncoding: undefined,
};

function secureContextOptions(tls: ServerTlsCredentials): { cert: string | Buffer; key: string | Buffer; ca?: (string | Buffer)[] } {
  const options: { cert: string | Buffer; key: string | Buffer; ca?: (string | Buffer)[] } = { cert: toPem(tls.cert), key: toPem(tls.key) };
  if (tls.ca !== undefined) options.ca = (Array.isArray(tls.ca) ? tls.ca : [tls.ca]).map(toPem);
  return options;
}

function toPem(value: string | Uint8Array): string | Buffer {
  return typeof value === "string" ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Trace: an accepted connection (peer, ALPN), the client's SETTINGS, and its close. */
function traceSession(traces: (peer: string) => ConnectionTrace, session: ServerHttp2Session): ConnectionTrace {
  const socket = session.socket;
  const address = socket?.remoteAddress;
  const peer =
    address === undefined ? "unix:" : address.includes(":") ? `[${address}]:${socket.remotePort}` : `${address}:${socket.remotePort}`;
  const trace = traces(peer);
  const alpn = (socket as TLSSocket | undefined)?.alpnProtocol;
  trace.emit("accepted", typeof alpn === "string" ? { peer, alpn } : { peer });
  session.once("remoteSettings", (settings) => trace.emit("settings-received", { settings: { ...settings } }));
  session.once("close", () => trace.emit("closed", {}));
  return trace;
}

/** Trace: a new call's "start" (with its connection) and its request headers as received. */
function traceStream(tracer: Tracer, stream: ServerHttp2Stream, headers: IncomingHttpHeaders): CallTrace | undefined {
  const trace = tracer.startCall("server", String(headers[HEADER_PATH] ?? ""));
  if (trace === undefined) return undefined;
  const connection = (stream.session as TrackedSession | undefined)?.[CONNECTION_TRACE];
  trace.emit("call", "start", connection === undefined ? {} : { connection: connection.id, peer: connection.address }, connection?.id);
  trace.headers("headers-received", headers, { stream: stream.id });
  return trace;
}

/** Trace: a request that is not gRPC, answered with an HTTP error status and no gRPC status. */
function traceRejected(trace: CallTrace, response: OutgoingHttpHeaders, why: string): void {
  trace.headers("trailers-sent", response, { trailersOnly: true });
  trace.end(new GrpcError(Code.Internal, `server: not a gRPC request: ${why} (HTTP ${String(response[HEADER_STATUS])})`));
}
