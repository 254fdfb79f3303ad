import type { IncomingMessage, ServerResponse } from "node:http";
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from "node:http2";
import type { TLSSocket } from "node:tls";
import { Code, GrpcError, RstCode } from "../../status/index.js";
import type { CallTrace } from "../../trace/index.js";
import { HEADER_AUTHORITY, HEADER_METHOD, HEADER_PATH, HEADER_STATUS } from "../index.js";
import { type NodeHttpPair, http2CompatPair } from "./node-http.js";
import type { ConnectionStream, ServerConnection } from "./connection.js";
import type { Http1Connection, Http1ConnectionExchange } from "./http1-connection.js";
import { DEFAULT_MAX_RESPONSE_HEADER_BYTES, http1HeadError, http2HeadError } from "./response-head-limit.js";
import { type PeerCertificate, peerCertificateOf, readPeerCertificate } from "./peer-certificate.js";

/** Who receives a request body: its chunks, its end, or why it stopped (called back at most once for end or abort). */
export interface BodySink {
  onData(chunk: Uint8Array): void;
  onEnd(): void;
  onAbort(reason: GrpcError): void;
}

/**
 * One plain HTTP request and its response, over HTTP/2 or HTTP/1.1: what the web protocols
 * (gRPC-Web, Connect, CORS preflights) are served from. It hides the version: headers are
 * lowercase names with `:`-less values, the body is a sequence of chunks paced by pause/resume,
 * and the response is a status, headers and body chunks (no HTTP trailers: browsers cannot read them).
 */
export interface HttpExchange {
  /** The request method ("POST", "GET", "OPTIONS"). */
  readonly method: string;
  /** The request target: path and query ("/pkg.Service/Method?encoding=json"). */
  readonly url: string;
  /** The host the request is addressed to (`:authority` or `host`). */
  readonly authority: string;
  /** The request headers, lowercase names (HTTP/2 pseudo-headers included as node gives them). */
  readonly headers: IncomingHttpHeaders;
  /** "2" or "1.1". */
  readonly httpVersion: string;
  /** Who the client is: "ip:port", "[ip]:port" or "unix:". */
  readonly peer: string;
  /** The client's verified TLS certificate, or undefined. */
  readonly peerCertificate: PeerCertificate | undefined;
  /** True once response headers went out. */
  readonly headersSent: boolean;
  /** The trace of the call served on this exchange (docs/LAYERS.md); undefined when tracing is off. */
  readonly trace: CallTrace | undefined;
  /** True once the exchange is over: the response ended and flushed, or the client went away. */
  readonly closed: boolean;
  /** Starts delivering the body to `sink`; once only. */
  readBody(sink: BodySink): void;
  /** Stops delivering body chunks until resume() (flow control holds the client back). */
  pause(): void;
  resume(): void;
  /**
   * Why a response head of `status` and `headers` would not reach the client, or undefined when it
   * fits: over HTTP/1.1, its size against `web.http1.maxResponseHeaderBytes` (no peer setting says
   * what an HTTP/1.1 client accepts; node's refuses a head over 16 KiB); over HTTP/2, against
   * node:http2's limit for a header block it sends, as for a gRPC call. INTERNAL, naming the limit.
   */
  checkResponseHead(status: number, headers: OutgoingHttpHeaders): GrpcError | undefined;
  /** Sends the status and headers; the body follows with write() and end(). */
  respond(status: number, headers: OutgoingHttpHeaders): void;
  /** Writes a body chunk; false means wait for drain(). */
  write(chunk: Uint8Array): boolean;
  /** Resolves when the response buffer drained, or the exchange closed. */
  drain(): Promise<void>;
  /** Ends the response, with a last chunk. */
  end(chunk?: Uint8Array): void;
  /** Cuts the exchange off (RST_STREAM(CANCEL) on HTTP/2, the connection closed on HTTP/1.1). */
  destroy(): void;
  /** Called once when the exchange closes; `cutOff` says the client went away before the response ended. */
  onClose(listener: (cutOff: boolean) => void): void;
  /**
   * Hands the request over to code written for node's HTTP API: the request and response objects
   * a node server's request listener receives (HTTP/1.1's own, or node's HTTP/2 compatibility
   * objects over the stream). Call it before reading the body or responding, and use nothing else
   * of the exchange afterwards. Undefined when the request was answered already (an `Expect`
   * other than 100-continue gets 417, as from node's servers).
   */
  toNodeHttp(): NodeHttpPair | undefined;
  /**
   * Registers who ends the call served on this exchange when its connection must stop it:
   * `graceful` (a shutdown's grace period is over) means answer `reason` the protocol's way, and the
   * exchange is cut soon after; otherwise (a forced shutdown, an HTTP/1.1 timeout) the call aborts
   * with `reason` as the exchange is cut. Without a listener the exchange is just cut.
   */
  onStop(listener: (reason: GrpcError, graceful: boolean) => void): void;
}

/** The stop listener of an exchange (see HttpExchange.onStop). */
type StopListener = (reason: GrpcError, graceful: boolean) => void;

/** respond() options: no `date` header (node adds one by default; see ServerStream). */
const NO_DATE = Object.freeze({ sendDate: false }) as object;

/** The CANCELLED reason of a client that went away mid-request. */
function clientGone(version: string): GrpcError {
  return new GrpcError(Code.Cancelled, `http2: the client went away before the call finished (HTTP/${version})`);
}

function peerOf(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return "unix:";
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * An HttpExchange over one HTTP/2 stream that is not a gRPC call. It counts on its connection as
 * a gRPC call does: in the open streams (idle timer, shutdown drain), as sending (ping strikes),
 * and, when the client resets it before the response ended, in the rapid-reset budget.
 */
export class Http2Exchange implements HttpExchange, ConnectionStream {
  readonly method: string;
  readonly url: string;
  readonly authority: string;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersion = "2";
  /** @internal Set by the listener when tracing is on. */
  trace: CallTrace | undefined;
  /** @internal Links of the connection's list of open streams (ServerConnection). */
  previousOnConnection: ConnectionStream | undefined;
  /** @internal */
  nextOnConnection: ConnectionStream | undefined;
  private readonly stream: ServerHttp2Stream;
  private readonly connection: ServerConnection | undefined;
  private stopListener: StopListener | undefined;
  /** True once our side ended or cut the exchange: a close after that is no peer reset. */
  private ended = false;

  constructor(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, connection?: ServerConnection) {
    this.stream = stream;
    this.headers = headers;
    this.connection = connection;
    this.method = String(headers[HEADER_METHOD] ?? "");
    this.url = String(headers[HEADER_PATH] ?? "");
    this.authority = String(headers[HEADER_AUTHORITY] ?? "");
    // 'error' is always followed by 'close', which onClose() reports.
    stream.on("error", () => {});
    if (connection !== undefined) {
      connection.add(this);
      stream.once("close", () => {
        connection.remove(this);
        if (!this.ended) connection.onPeerReset();
      });
    }
  }

  get peer(): string {
    const socket = this.stream.session?.socket;
    return peerOf(socket?.remoteAddress, socket?.remotePort);
  }

  get peerCertificate(): PeerCertificate | undefined {
    const session = this.stream.session;
    return session === undefined ? undefined : peerCertificateOf(session as ServerHttp2Session);
  }

  get headersSent(): boolean {
    return this.stream.headersSent;
  }

  get closed(): boolean {
    return this.stream.closed || this.stream.destroyed;
  }

  readBody(sink: BodySink): void {
    const stream = this.stream;
    stream.on("data", (chunk: Buffer) => sink.onData(chunk));
    stream.once("end", () => sink.onEnd());
    stream.once("close", () => {
      if (!stream.readableEnded) sink.onAbort(clientGone("2"));
    });
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  checkResponseHead(status: number, headers: OutgoingHttpHeaders): GrpcError | undefined {
    return http2HeadError(status, headers);
  }

  respond(status: number, headers: OutgoingHttpHeaders): void {
    if (this.closed || this.stream.headersSent) return;
    this.stream.respond({ ...headers, [HEADER_STATUS]: status }, NO_DATE);
    this.connection?.onSend();
    this.trace?.headers("headers-sent", { [HEADER_STATUS]: status, ...headers }, { http: "2" });
  }

  write(chunk: Uint8Array): boolean {
    if (this.closed) return true;
    this.connection?.onSend();
    return this.stream.write(chunk);
  }

  drain(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off("drain", done);
        this.stream.off("close", done);
        resolve();
      };
      this.stream.on("drain", done);
      this.stream.on("close", done);
    });
  }

  end(chunk?: Uint8Array): void {
    if (this.closed) return;
    this.ended = true;
    if (chunk !== undefined) this.connection?.onSend();
    if (chunk === undefined) this.stream.end();
    else this.stream.end(chunk);
    // A client still sending after our response ended would hold the stream: its rest is read and
    // dropped, and RST_STREAM(NO_ERROR) ends the stream if the client has not ended it a turn of
    // the loop after our last frame was handed over. Resetting at once, on 'finish', lets node 22
    // send the reset ahead of a response that is a single HEADERS frame, which the client then never sees.
    if (!this.stream.readableEnded)
      this.stream.once("finish", () => {
        if (this.stream.closed || this.stream.readableEnded) return;
        this.stream.resume();
        setImmediate(() => {
          if (!this.stream.closed && !this.stream.readableEnded) this.stream.close(RstCode.NoError);
        });
      });
  }

  destroy(): void {
    this.ended = true;
    if (!this.closed) this.stream.close(RstCode.Cancel);
  }

  onClose(listener: (cutOff: boolean) => void): void {
    const stream = this.stream;
    stream.once("close", () => listener(!stream.writableFinished || (stream.rstCode !== undefined && stream.rstCode !== RstCode.NoError)));
  }

  toNodeHttp(): NodeHttpPair | undefined {
    return http2CompatPair(this.stream, this.headers);
  }

  onStop(listener: StopListener): void {
    this.stopListener = listener;
  }

  /** @internal ConnectionStream: a forced close cuts the call with `reason`. */
  cancel(rstCode: number, reason: GrpcError): void {
    this.ended = true;
    this.stopListener?.(reason, false);
    if (!this.closed) this.stream.close(rstCode);
  }

  /** @internal ConnectionStream: a shutdown's grace period is over; the call answers `reason` its protocol's way. */
  finishAndCancel(error: GrpcError, _trailers: undefined): void {
    if (this.stopListener === undefined) this.destroy();
    else this.stopListener(error, true);
  }
}

/**
 * An HttpExchange over an HTTP/1.1 (or 1.0) request and its response, in flight on its
 * Http1Connection until the response is over.
 */
export class Http1Exchange implements HttpExchange, Http1ConnectionExchange {
  readonly method: string;
  readonly url: string;
  readonly authority: string;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersion: string;
  /** @internal Set by the listener when tracing is on. */
  trace: CallTrace | undefined;
  private readonly request: IncomingMessage;
  private readonly response: ServerResponse;
  private readonly connection: Http1Connection | undefined;
  private readonly maxResponseHeaderBytes: number;
  private stopListener: StopListener | undefined;

  /** `maxResponseHeaderBytes` is `web.http1.maxResponseHeaderBytes` (see checkResponseHead). */
  constructor(
    request: IncomingMessage,
    response: ServerResponse,
    connection?: Http1Connection,
    maxResponseHeaderBytes = DEFAULT_MAX_RESPONSE_HEADER_BYTES,
  ) {
    this.request = request;
    this.response = response;
    this.connection = connection;
    this.maxResponseHeaderBytes = maxResponseHeaderBytes;
    this.headers = request.headers;
    this.method = request.method ?? "";
    this.url = request.url ?? "";
    this.authority = request.headers.host ?? "";
    this.httpVersion = request.httpVersion;
    // 'error' is always followed by 'close', which onClose() reports.
    request.on("error", () => {});
    response.on("error", () => {});
    if (connection !== undefined) {
      connection.add(this);
      response.once("close", () => connection.remove(this));
    }
  }

  get peer(): string {
    const socket = this.request.socket;
    return peerOf(socket.remoteAddress, socket.remotePort);
  }

  get peerCertificate(): PeerCertificate | undefined {
    return readPeerCertificate(this.request.socket as TLSSocket);
  }

  get headersSent(): boolean {
    return this.response.headersSent;
  }

  get closed(): boolean {
    return this.response.closed || this.response.destroyed;
  }

  readBody(sink: BodySink): void {
    const request = this.request;
    request.on("data", (chunk: Buffer) => sink.onData(chunk));
    request.once("end", () => sink.onEnd());
    this.response.once("close", () => {
      if (!request.readableEnded) sink.onAbort(clientGone(this.httpVersion));
    });
  }

  pause(): void {
    this.request.pause();
  }

  resume(): void {
    this.request.resume();
  }

  checkResponseHead(status: number, headers: OutgoingHttpHeaders): GrpcError | undefined {
    return http1HeadError(status, headers, this.maxResponseHeaderBytes);
  }

  respond(status: number, headers: OutgoingHttpHeaders): void {
    if (this.closed || this.response.headersSent) return;
    this.response.sendDate = false;
    // A closing connection takes no more requests; and an answer given before the request body
    // was read (a limit, an error) closes the connection rather than read a body nobody wants.
    if (this.connection?.closing === true || this.bodyUnread) this.response.shouldKeepAlive = false;
    this.response.writeHead(status, headers as Record<string, string | string[] | number>);
    this.trace?.headers("headers-sent", { [HEADER_STATUS]: status, ...headers }, { http: this.httpVersion }, "http1");
  }

  write(chunk: Uint8Array): boolean {
    if (this.closed) return true;
    return this.response.write(chunk);
  }

  drain(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.response.off("drain", done);
        this.response.off("close", done);
        resolve();
      };
      this.response.on("drain", done);
      this.response.on("close", done);
    });
  }

  end(chunk?: Uint8Array): void {
    if (this.closed) return;
    if (chunk === undefined) this.response.end();
    else this.response.end(chunk);
  }

  destroy(): void {
    if (!this.closed) this.response.destroy();
  }

  onClose(listener: (cutOff: boolean) => void): void {
    const response = this.response;
    response.once("close", () => listener(!response.writableFinished));
  }

  toNodeHttp(): NodeHttpPair {
    return { request: this.request, response: this.response };
  }

  onStop(listener: StopListener): void {
    this.stopListener = listener;
  }

  /** True while the request has a body that did not arrive in full. */
  private get bodyUnread(): boolean {
    const headers = this.request.headers;
    const hasBody = headers["transfer-encoding"] !== undefined || (headers["content-length"] ?? "0") !== "0";
    return hasBody && !this.request.complete;
  }

  /** @internal Http1ConnectionExchange: see HttpExchange.onStop. */
  stop(reason: GrpcError, graceful: boolean): void {
    if (graceful && this.stopListener !== undefined) {
      this.stopListener(reason, true);
      return;
    }
    this.stopListener?.(reason, false);
    this.destroy();
  }

  /** @internal Http1ConnectionExchange: the call aborts with `reason`; the socket is left to the caller. */
  abort(reason: GrpcError): void {
    this.stopListener?.(reason, false);
  }
}
