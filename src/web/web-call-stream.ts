import type { OutgoingHttpHeaders } from "node:http";
import { FRAME_HEADER_BYTES, writeFrameHeader } from "../framing/index.js";
import { DEFAULT_HIGH_WATER_BYTES, FrameQueue, type RequestHead, SINGLE_MESSAGE, type SingleFrameConsumer } from "../http2/index.js";
import type { BodySink, CallStream, HttpExchange, PeerCertificate } from "../http2/server/index.js";
import type { Metadata } from "../metadata/index.js";
import { Code, GrpcError } from "../status/index.js";
import { type CallTrace, httpTraceLayer } from "../trace/index.js";
import { Base64BodyDecoder } from "./base64-body.js";
import type { WebProtocol } from "./web-protocol.js";

/**
 * How a request body becomes gRPC frames: as it is (gRPC-Web, Connect streaming: the same
 * 5-byte envelopes), base64-decoded (gRPC-Web text), or a bare message that is framed at its end
 * (Connect unary POST), or a message that came in the URL (Connect GET).
 */
export type RequestBody =
  | { kind: "frames" }
  | { kind: "base64" }
  | { kind: "message"; compressed: boolean }
  | { kind: "query"; message: Uint8Array; compressed: boolean };

/**
 * One web call (gRPC-Web or Connect) as the server's role layer sees it: the same CallStream as
 * a gRPC call, so the same handlers, limits, compression and deadlines apply. This base class
 * reads the request into a FrameQueue and tracks the exchange's life; each protocol writes its
 * own response (GrpcWebCallStream, ConnectUnaryCallStream, ConnectStreamCallStream).
 */
export abstract class WebCallStream implements CallStream, BodySink {
  readonly head: RequestHead;
  /** The call's trace (docs/LAYERS.md, "A web call"); undefined when tracing is off. */
  readonly trace: CallTrace | undefined;
  protected readonly exchange: HttpExchange;
  protected readonly protocol: WebProtocol;
  /** Headers every response carries (CORS). */
  protected readonly extraHeaders: OutgoingHttpHeaders;
  protected isFinished = false;
  protected finishStatus: GrpcError | undefined;
  private readonly body: RequestBody;
  private reader: FrameQueue | undefined;
  private base64: Base64BodyDecoder | undefined;
  private bodyChunks: Uint8Array[] | undefined;
  private messageBytes = 0;
  private maxBytes = 0;
  private controller: AbortController | undefined;
  private closeReason: GrpcError | undefined;

  constructor(exchange: HttpExchange, head: RequestHead, protocol: WebProtocol, body: RequestBody, extraHeaders: OutgoingHttpHeaders) {
    this.exchange = exchange;
    this.head = head;
    this.protocol = protocol;
    this.body = body;
    this.extraHeaders = extraHeaders;
    const trace = exchange.trace;
    this.trace = trace;
    if (trace !== undefined) {
      const name =
        body.kind === "query"
          ? "connect GET"
          : protocol.wire === "connect-stream"
            ? "connect stream"
            : protocol.wire === "connect-unary"
              ? "connect unary"
              : protocol.wire;
      trace.emit("call", "start", { protocol: `${name} (${protocol.codec})`, http: exchange.httpVersion, peer: exchange.peer });
      const layer = httpTraceLayer(exchange.httpVersion);
      trace.headers("headers-received", exchange.headers, { http: exchange.httpVersion }, layer);
      // Before onClose below, which marks the call finished.
      exchange.onClose((cutOff) => {
        if (!cutOff || this.isFinished) {
          trace.end(this.endStatus);
          return;
        }
        trace.emit(layer, "cut-off", { http: exchange.httpVersion });
        trace.end(this.endStatus ?? new GrpcError(Code.Cancelled, "web: the client went away before the call finished"));
      });
    }
    exchange.onClose((cutOff) => this.onClose(cutOff));
    exchange.onStop((reason, graceful) => this.onStop(reason, graceful));
  }

  get peer(): string {
    return this.exchange.peer;
  }

  get peerCertificate(): PeerCertificate | undefined {
    return this.exchange.peerCertificate;
  }

  get headersSent(): boolean {
    return this.exchange.headersSent;
  }

  get finished(): boolean {
    return this.isFinished;
  }

  get endStatus(): GrpcError | undefined {
    return this.finishStatus ?? this.closeReason;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.closeReason !== undefined) this.controller.abort(this.closeReason);
    }
    return this.controller.signal;
  }

  readSingle(maxBytes: number, consumer: SingleFrameConsumer): void {
    this.openReader(maxBytes, true).readSingle(consumer);
  }

  readFrames(maxBytes: number): FrameQueue {
    return this.openReader(maxBytes, false);
  }

  drain(): Promise<void> {
    return this.exchange.drain();
  }

  finishAndCancel(error: GrpcError, trailers: Metadata | undefined): void {
    // Over HTTP the status is the answer (a 504, or the trailers in the body): it is sent, and
    // the request is no longer read. The handler's signal aborts too.
    this.closeReason ??= error;
    this.reader?.abort(error);
    this.controller?.abort(this.closeReason);
    this.finish(error, trailers);
  }

  abstract sendHeaders(metadata: Metadata | undefined, encoding: string | undefined): void;
  abstract write(bytes: Uint8Array): boolean;
  abstract respond(metadata: Metadata | undefined, encoding: string | undefined, message: Uint8Array, trailers: Metadata | undefined): void;
  abstract finish(error: GrpcError | undefined, trailers: Metadata | undefined, headers?: Metadata): void;

  /** Marks the call finished on our side and stops reading the request; false if it already was (or the client left). */
  protected beginFinish(error: GrpcError | undefined): boolean {
    if (this.isFinished || this.exchange.closed) return false;
    this.isFinished = true;
    this.finishStatus = error;
    this.reader?.stop();
    return true;
  }

  /** @internal BodySink: a chunk of the request body. */
  onData(chunk: Uint8Array): void {
    const reader = this.reader!;
    try {
      switch (this.body.kind) {
        case "frames":
          reader.push(chunk);
          return;
        case "base64": {
          const bytes = this.base64!.push(chunk);
          if (bytes.length > 0) reader.push(bytes);
          return;
        }
        case "message":
          if (this.bodyChunks === undefined) return; // over the limit: the read failed already
          this.messageBytes += chunk.length;
          if (this.messageBytes > this.maxBytes) {
            this.bodyChunks = undefined;
            reader.fail(
              new GrpcError(Code.ResourceExhausted, `web: request message larger than the server's limit of ${this.maxBytes} bytes`),
            );
            return;
          }
          this.bodyChunks?.push(chunk);
          return;
        case "query":
          return;
      }
    } catch (error) {
      reader.fail(GrpcError.from(error, Code.Internal, "web: the request body is malformed"));
    }
  }

  /** @internal BodySink: the request body ended. */
  onEnd(): void {
    const reader = this.reader!;
    try {
      if (this.body.kind === "base64") {
        const bytes = this.base64!.end();
        if (bytes.length > 0) reader.push(bytes);
      } else if (this.body.kind === "message") {
        if (this.bodyChunks === undefined) return; // over the limit: the read failed already
        reader.push(frameOf(this.bodyChunks, this.messageBytes, this.body.compressed));
      }
      reader.end();
    } catch (error) {
      reader.fail(GrpcError.from(error, Code.Internal, "web: the request body is malformed"));
    }
  }

  /** @internal BodySink: the client went away while sending. */
  onAbort(reason: GrpcError): void {
    this.closeReason ??= reason;
    this.reader?.abort(reason);
  }

  private openReader(maxBytes: number, single: boolean): FrameQueue {
    if (this.reader !== undefined) return this.reader;
    const reader = new FrameQueue(this.exchange, maxBytes, single ? SINGLE_MESSAGE : DEFAULT_HIGH_WATER_BYTES, "server: request");
    this.reader = reader;
    this.maxBytes = maxBytes;
    if (this.closeReason !== undefined) {
      reader.abort(this.closeReason);
      return reader;
    }
    const body = this.body;
    if (body.kind === "query") {
      if (body.message.length > maxBytes)
        reader.fail(
          new GrpcError(
            Code.ResourceExhausted,
            `web: request message of ${body.message.length} bytes exceeds the server's limit of ${maxBytes} bytes`,
          ),
        );
      else {
        reader.push(frameOf([body.message], body.message.length, body.compressed));
        reader.end();
      }
      return reader;
    }
    if (body.kind === "base64") this.base64 = new Base64BodyDecoder();
    else if (body.kind === "message") {
      // A content-length over the limit is refused before any byte of the body is read.
      const declared = Number(this.exchange.headers["content-length"] ?? 0);
      if (declared > maxBytes) {
        reader.fail(
          new GrpcError(
            Code.ResourceExhausted,
            `web: request message of ${declared} bytes (content-length) exceeds the server's limit of ${maxBytes} bytes`,
          ),
        );
        return reader;
      }
      this.bodyChunks = [];
    }
    this.exchange.readBody(this);
    return reader;
  }

  /** The connection stops the call (shutdown, forced close, an HTTP/1.1 timeout): answer `reason`, or abort with it. */
  private onStop(reason: GrpcError, graceful: boolean): void {
    if (graceful) {
      this.finishAndCancel(reason, undefined);
      return;
    }
    this.isFinished = true;
    this.closeReason ??= reason;
    this.reader?.abort(this.closeReason);
    this.controller?.abort(this.closeReason);
  }

  private onClose(cutOff: boolean): void {
    if (!cutOff && this.isFinished) return;
    this.isFinished = true;
    this.closeReason ??= new GrpcError(Code.Cancelled, "web: the client went away before the call finished");
    this.reader?.abort(this.closeReason);
    this.controller?.abort(this.closeReason);
  }
}

/** A bare message as one gRPC frame (5-byte prefix, then the bytes). */
function frameOf(chunks: Uint8Array[], length: number, compressed: boolean): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + length);
  writeFrameHeader(frame, compressed);
  let at = FRAME_HEADER_BYTES;
  for (const chunk of chunks) {
    frame.set(chunk, at);
    at += chunk.length;
  }
  return frame;
}
