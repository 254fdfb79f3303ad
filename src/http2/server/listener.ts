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
import type { AddressInfo } from "node:net";
import { Code, GrpcError, RstCode } from "../../status/index.js";
import { isGrpcContentType } from "../index.js";
import { HEADER_ALLOW, HEADER_CONTENT_TYPE, HEADER_METHOD, HEADER_STATUS, METHOD_POST } from "../index.js";
import { grpcErrorFromNode } from "../index.js";
import { type RequestHead, requestHeadFromHeaders } from "../index.js";
import { type ConnectionPolicy, type ResolvedConnectionPolicy, ServerConnection } from "./connection.js";
import { ServerStream, baseResponseHeaders } from "./server-stream.js";

/** Where to listen: a TCP host and port (port 0 picks a free one) or a unix socket path. */
export type ListenAddress = { host?: string; port: number } | { path: string };

/** TLS for a listener: ALPN "h2" only; `ca` + `requireClientCertificate` turn on mTLS. */
export interface ServerTlsOptions {
  /** The server's certificate chain (PEM), leaf first. */
  cert: string | Uint8Array;
  /** The private key of `cert` (PEM). */
  key: string | Uint8Array;
  /** CA certificates that client certificates must chain to. */
  ca?: string | Uint8Array | (string | Uint8Array)[];
  /** Ask for a client certificate and reject clients without a valid one. Default false. */
  requireClientCertificate?: boolean;
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
}

/** What listen() bound to. */
export interface BoundAddress {
  /** The TCP port (useful with port 0), or undefined for a unix socket. */
  port: number | undefined;
  /** The unix socket path, or undefined for TCP. */
  path: string | undefined;
}

const CONNECTION = Symbol("tsgrpc.connection");
type TrackedSession = ServerHttp2Session & { [CONNECTION]?: ServerConnection };

const POLICY_DEFAULTS: ResolvedConnectionPolicy = {
  keepaliveTimeMs: 2 * 60 * 60 * 1000,
  keepaliveTimeoutMs: 20_000,
  minPingIntervalMs: 5 * 60 * 1000,
  permitKeepaliveWithoutCalls: false,
  maxPingStrikes: 2,
  maxConnectionIdleMs: Infinity,
  maxConnectionAgeMs: Infinity,
  maxConnectionAgeGraceMs: Infinity,
};

/**
 * One listening node:http2 server (h2c or TLS) that accepts gRPC requests and hands each to
 * `onCall` as a ServerStream, in the same tick as node's 'stream' event (no queue, no promise).
 *
 * Requests that are not gRPC never get that far: a method other than POST is answered with HTTP
 * 405, a content-type that is not application/grpc* with HTTP 415, and a malformed grpc-timeout
 * with a trailers-only INTERNAL status.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
export class Http2Listener {
  private readonly server: Http2Server | Http2SecureServer;
  private readonly baseHeaders: Readonly<OutgoingHttpHeaders>;
  private readonly policy: ResolvedConnectionPolicy;
  private readonly connections = new Set<ServerConnection>();
  private readonly onCall: (stream: ServerStream) => void;
  private closed = false;

  constructor(options: ListenerOptions, onCall: (stream: ServerStream) => void, tls?: ServerTlsOptions) {
    this.onCall = onCall;
    this.baseHeaders = baseResponseHeaders(options.acceptEncoding);
    const policy = { ...POLICY_DEFAULTS };
    for (const key of Object.keys(POLICY_DEFAULTS) as (keyof ConnectionPolicy)[])
      if (options[key] !== undefined) (policy as Record<string, unknown>)[key] = options[key];
    this.policy = policy;
    const settings: Settings = {
      maxConcurrentStreams: options.maxConcurrentStreams ?? 100,
      maxHeaderListSize: options.maxHeaderListBytes ?? 16 * 1024,
    };
    const common = { settings, maxSessionMemory: options.maxSessionMemoryMb ?? 64 };
    this.server =
      tls === undefined
        ? createServer(common)
        : createSecureServer({
            ...common,
            cert: toPem(tls.cert),
            key: toPem(tls.key),
            ca: tls.ca === undefined ? undefined : (Array.isArray(tls.ca) ? tls.ca : [tls.ca]).map(toPem),
            requestCert: tls.requireClientCertificate ?? false,
            rejectUnauthorized: tls.requireClientCertificate ?? false,
            allowHTTP1: false,
          });
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
        const bound = this.server.address();
        resolve(
          typeof bound === "string" || bound === null
            ? { port: undefined, path: "path" in address ? address.path : (bound ?? undefined) }
            : { port: (bound as AddressInfo).port, path: undefined },
        );
      };
      if ("path" in address) this.server.listen(address.path, onListening);
      else this.server.listen(address.port, address.host ?? "127.0.0.1", onListening);
    });
  }

  /**
   * Stops accepting connections and sends GOAWAY on every open one; calls in flight get `graceMs`
   * to finish, then the rest end UNAVAILABLE "server: shutting down" (trailers, then
   * RST_STREAM(CANCEL)) and the connections close.
   * Resolves once every connection is gone.
   */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.goAway();
    if (this.connections.size > 0) {
      const timer = Number.isFinite(graceMs) ? setTimeout(() => this.shutDownAll(graceMs), Math.max(0, graceMs)) : undefined;
      await closed;
      clearTimeout(timer);
    } else await closed;
  }

  /** Cancels every call and closes every connection at once. */
  forceClose(): Promise<void> {
    this.closed = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.destroyAll();
    return closed;
  }

  /** The grace period is over: every open call ends UNAVAILABLE, saying so, and the connections close. */
  private shutDownAll(graceMs: number): void {
    const reason = new GrpcError(Code.Unavailable, `server: shutting down, the call did not finish within the ${graceMs} ms grace period`);
    for (const connection of this.connections) connection.shutDown(reason);
  }

  private destroyAll(): void {
    const reason = new GrpcError(Code.Unavailable, "server: shutting down");
    for (const connection of this.connections) connection.destroy(reason);
  }

  private onSession(session: TrackedSession): void {
    const connection = new ServerConnection(session, this.policy);
    session[CONNECTION] = connection;
    this.connections.add(connection);
    session.once("close", () => this.connections.delete(connection));
    // 'error' is always followed by 'close'; the streams report what it means for each call.
    session.on("error", () => {});
    if (this.closed) connection.goAway();
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    if (headers[HEADER_METHOD] !== METHOD_POST) {
      stream.on("error", () => {});
      stream.respond({ [HEADER_STATUS]: 405, [HEADER_ALLOW]: METHOD_POST }, { endStream: true });
      return;
    }
    if (!isGrpcContentType(headers[HEADER_CONTENT_TYPE])) {
      stream.on("error", () => {});
      stream.respond({ [HEADER_STATUS]: 415, [HEADER_CONTENT_TYPE]: "text/plain" }, { waitForTrailers: false });
      stream.end(`tsgrpc: content-type ${JSON.stringify(headers[HEADER_CONTENT_TYPE] ?? "")} is not application/grpc\n`);
      return;
    }
    const connection = (stream.session as TrackedSession)[CONNECTION]!;
    let head: RequestHead;
    try {
      head = requestHeadFromHeaders(headers);
    } catch (error) {
      const failed = new ServerStream(stream, EMPTY_HEAD, connection, this.baseHeaders);
      failed.finish(grpcErrorFromNode(error), undefined);
      return;
    }
    const call = new ServerStream(stream, head, connection, this.baseHeaders);
    if (this.closed) {
      call.cancel(RstCode.RefusedStream, new GrpcError(Code.Unavailable, "server: shutting down"));
      return;
    }
    this.onCall(call);
  }
}

const EMPTY_HEAD: RequestHead = {
  path: "",
  authority: "",
  metadata: undefined as never,
  timeoutMs: undefined,
  encoding: undefined,
  acceptEncoding: undefined,
};

function toPem(value: string | Uint8Array): string | Buffer {
  return typeof value === "string" ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
