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
import { Code, GrpcError, RstCode, describeError } from "../../status/index.js";
import { isGrpcContentType } from "../index.js";
import { HEADER_ALLOW, HEADER_CONTENT_TYPE, HEADER_METHOD, HEADER_STATUS, METHOD_POST } from "../index.js";
import { grpcErrorFromNode } from "../index.js";
import { type RequestHead, requestHeadFromHeaders } from "../index.js";
import { type ConnectionPolicy, type ResolvedConnectionPolicy, ServerConnection } from "./connection.js";
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
 * TLS for a listener: ALPN "h2" only; `ca` + `requireClientCertificate` turn on mTLS, and a
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
  private readonly secure: boolean;
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
    this.secure = tls !== undefined;
    this.server =
      tls === undefined
        ? createServer(common)
        : createSecureServer({
            ...common,
            ...secureContextOptions(tls),
            requestCert: (tls.requireClientCertificate ?? false) || (tls.requestClientCertificate ?? false),
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

function secureContextOptions(tls: ServerTlsCredentials): { cert: string | Buffer; key: string | Buffer; ca?: (string | Buffer)[] } {
  const options: { cert: string | Buffer; key: string | Buffer; ca?: (string | Buffer)[] } = { cert: toPem(tls.cert), key: toPem(tls.key) };
  if (tls.ca !== undefined) options.ca = (Array.isArray(tls.ca) ? tls.ca : [tls.ca]).map(toPem);
  return options;
}

function toPem(value: string | Uint8Array): string | Buffer {
  return typeof value === "string" ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
