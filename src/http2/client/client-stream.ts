import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http2";
import type { Frame } from "../../framing/index.js";
import type { Metadata } from "../../metadata/index.js";
import { cardinalityError } from "../../pipeline/index.js";
import { Code, GrpcError, codeFromHttpStatus } from "../../status/index.js";
import type { CallTrace } from "../../trace/index.js";
import type { Connection } from "./connection.js";
import { headerListBytes, isGrpcContentType } from "../index.js";
import { GRPC_ENCODING, GRPC_STATUS, HEADER_CONTENT_TYPE, HEADER_STATUS } from "../index.js";
import { metadataFromHeaders } from "../index.js";
import { grpcErrorFromNode, grpcErrorFromRstCode } from "../index.js";
import { statusFromTrailers } from "../index.js";
import { DEFAULT_HIGH_WATER_BYTES, FrameQueue, type FrameWaiter, SINGLE_MESSAGE } from "../index.js";

const OK: unique symbol = Symbol("ok");

/** What node reports as the server's header list limit when the server set none. */
const NO_HEADER_LIST_LIMIT = 0xffffffff;

/**
 * The status of a response whose HTTP status is not 200 and that carries no grpc-status: the code
 * from http-grpc-status-mapping.md, and a message naming the HTTP status and content type.
 */
function httpStatusError(httpStatus: number | undefined, contentType: string | string[] | undefined): GrpcError {
  const code = httpStatus === undefined ? Code.Internal : codeFromHttpStatus(httpStatus);
  return new GrpcError(
    code,
    `protocol: received HTTP status ${httpStatus ?? "(none)"} with content-type ${JSON.stringify(contentType ?? "")}, not a gRPC response`,
  );
}

const OWNER: unique symbol = Symbol("ClientStream");

type OwnedStream = ClientHttp2Stream & { [OWNER]: ClientStream };

function onStreamResponse(this: OwnedStream, headers: IncomingHttpHeaders, flags: number): void {
  this[OWNER].onResponse(headers, flags);
}

function onStreamData(this: OwnedStream, chunk: Buffer): void {
  this[OWNER].onData(chunk);
}

function onStreamTrailers(this: OwnedStream, trailers: IncomingHttpHeaders): void {
  const owner = this[OWNER];
  owner.trailers = trailers;
  if (owner.trace !== undefined) traceReceived(owner.trace, "trailers-received", trailers, false, owner.cancelled);
}

/**
 * Trace: a response header block; a grpc-status in it means the peer ended the call, unless this
 * side had ended it first (trailers that came in the same read as the DATA this side refused).
 */
function traceReceived(trace: CallTrace, name: string, headers: IncomingHttpHeaders, trailersOnly: boolean, cancelled = false): void {
  if (headers[GRPC_STATUS] !== undefined && !cancelled) trace.statusFromPeer = true;
  trace.headers(name, headers, trailersOnly ? { trailersOnly } : undefined);
}

// 'error' is always followed by 'close', which reports the status; the error is kept for it.
function onStreamError(this: OwnedStream, error: Error): void {
  this[OWNER].onError(error);
}

function onStreamClose(this: OwnedStream): void {
  this[OWNER].onClose();
}

/** Who is told when a ClientStream's call ended (see whenFinished). */
export interface StreamEndListener {
  onStreamEnd(error: GrpcError | undefined): void;
  /**
   * Response headers that open a response arrived (not a trailers-only response): the call is
   * committed (gRFC A6), so a retrying call stops its other attempts. Optional.
   */
  onResponseHeaders?(): void;
}

/**
 * The client half of one gRPC call on an HTTP/2 stream, driven by node:http2 events: response
 * headers, DATA into a FrameDecoder, status from trailers or a trailers-only response, or from
 * RST_STREAM, a protocol violation or a local cancel.
 *
 * Readers pull (`next()` per frame, or `whenFinished()` then `takeFrames()` for unary calls, which
 * end at a second message: cardinality violation, UNIMPLEMENTED). Frames go through a FrameQueue:
 * when `paced` is set, unread frames beyond its high water pause the stream, so flow control
 * holds back the server and memory stays bounded; an unpaced (unary) response is held whole.
 * `cancel()` resets with RST_STREAM(CANCEL); no AbortSignal is ever handed to node:http2 (it
 * would send INTERNAL_ERROR).
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#responses
 */
export class ClientStream implements FrameWaiter {
  /** Response headers as received (or the trailers-only block); undefined until they arrive. */
  responseHeaders: IncomingHttpHeaders | undefined;
  /** Trailers (the same block as `responseHeaders` for a trailers-only response). */
  trailers: IncomingHttpHeaders | undefined;
  /**
   * True when the server never saw the call (REFUSED_STREAM before any response, or a GOAWAY that
   * excluded it): the call can be retried transparently on another connection.
   */
  refused = false;
  /** @internal The call's trace; undefined when tracing is off (the only cost then: this field's checks). */
  readonly trace: CallTrace | undefined;
  private readonly stream: ClientHttp2Stream | undefined;
  private readonly connection: Connection | undefined;
  /** The response frames; undefined when the request never went out. */
  private readonly queue: FrameQueue | undefined;
  private readonly paced: boolean;
  private outcome: GrpcError | typeof OK | undefined;
  private localError: GrpcError | undefined;
  private nodeError: Error | undefined;
  private resolveNext: ((frame: Frame | undefined) => void) | undefined;
  private rejectNext: ((error: GrpcError) => void) | undefined;
  private drainWaiter: (() => void) | undefined;
  private endListener: StreamEndListener | undefined;

  constructor(connection: Connection, headers: OutgoingHttpHeaders, maxReceiveBytes: number, paced: boolean, trace?: CallTrace) {
    this.paced = paced;
    this.trace = trace;
    // Checklist 7: headers beyond the server's SETTINGS_MAX_HEADER_LIST_SIZE would only earn a
    // RST_STREAM that names no cause; fail here instead, saying which limit was hit.
    const limit = connection.session.remoteSettings.maxHeaderListSize;
    if (limit !== undefined && limit < NO_HEADER_LIST_LIMIT) {
      const bytes = headerListBytes(headers);
      if (bytes > limit) {
        this.outcome = new GrpcError(
          Code.ResourceExhausted,
          `metadata: the request headers take ${bytes} bytes, over the server's header list limit of ${limit} bytes (SETTINGS_MAX_HEADER_LIST_SIZE)`,
        );
        return;
      }
    }
    let stream: ClientHttp2Stream;
    try {
      stream = connection.session.request(headers);
    } catch (error) {
      // The session closed or got a GOAWAY between the pick and this request: nothing was sent.
      this.refused = true;
      this.outcome = grpcErrorFromNode(error);
      return;
    }
    this.stream = stream;
    if (trace !== undefined) traceRequest(trace, connection, stream, headers);
    this.queue = new FrameQueue(stream, maxReceiveBytes, paced ? DEFAULT_HIGH_WATER_BYTES : SINGLE_MESSAGE, "client: response");
    this.connection = connection;
    connection.acquire();
    // Shared listeners find their ClientStream through the stream: no closures per call.
    (stream as OwnedStream)[OWNER] = this;
    stream.on("response", onStreamResponse);
    stream.on("data", onStreamData);
    stream.on("trailers", onStreamTrailers);
    stream.on("error", onStreamError);
    stream.on("close", onStreamClose);
  }

  /** The response's `grpc-encoding`, once headers arrived. */
  get encoding(): string | undefined {
    return this.responseHeaders?.[GRPC_ENCODING] as string | undefined;
  }

  /** Response headers as metadata (reserved names dropped). */
  responseMetadata(): Metadata | undefined {
    return this.responseHeaders === undefined ? undefined : metadataFromHeaders(this.responseHeaders);
  }

  /** Trailing metadata, once the call ended. */
  trailerMetadata(): Metadata | undefined {
    return this.trailers === undefined ? undefined : metadataFromHeaders(this.trailers);
  }

  /**
   * Sends bytes; returns undefined when the stream took them without backpressure, else a
   * promise that resolves on 'drain'. Writes after the call ended are dropped: the server's
   * status (or our cancel) is what the caller will see.
   */
  write(bytes: Uint8Array): Promise<void> | undefined {
    const stream = this.stream;
    if (stream === undefined || this.outcome !== undefined || stream.writableEnded || stream.destroyed) return undefined;
    if (stream.write(bytes)) return undefined;
    return new Promise((resolve) => {
      this.drainWaiter = resolve;
      stream.once("drain", this.onDrain);
    });
  }

  /** Sends the last bytes with END_STREAM (an empty DATA frame with END_STREAM when `bytes` is undefined). */
  end(bytes?: Uint8Array): void {
    const stream = this.stream;
    if (stream === undefined || this.outcome !== undefined || stream.writableEnded || stream.destroyed) return;
    if (bytes === undefined) stream.end();
    else stream.end(bytes);
  }

  /** True once this side ended the call (cancel()): its status is ours, whatever arrives after. */
  get cancelled(): boolean {
    return this.localError !== undefined;
  }

  /** Ends the call locally with `error` and resets the stream with RST_STREAM(CANCEL). */
  cancel(error: GrpcError): void {
    if (this.outcome !== undefined) return;
    this.localError ??= error;
    // Late data is dropped, and a paused stream resumed: it would hold back its 'close'.
    this.queue?.fail(this.localError);
    const stream = this.stream;
    if (stream === undefined || stream.closed) return;
    this.trace?.reset(true, constants.NGHTTP2_CANCEL, this.localError.message);
    stream.close(constants.NGHTTP2_CANCEL);
  }

  /**
   * Calls `listener` back once the call ended: with undefined for OK, else its status. At once
   * if it already ended, else from node's 'close' event. One listener per stream.
   */
  whenFinished(listener: StreamEndListener): void {
    if (this.outcome !== undefined) listener.onStreamEnd(this.outcome === OK ? undefined : this.outcome);
    else this.endListener = listener;
  }

  /** The frames received so far (for unary calls, once finished). */
  takeFrames(): Frame[] {
    return this.queue === undefined ? [] : this.queue.takeAll();
  }

  /** The next frame if one is already here (no promise), whatever the call's outcome. */
  take(): Frame | undefined {
    return this.queue?.take();
  }

  /** The next frame; undefined once the call ended OK; rejects with the status otherwise. */
  next(): Promise<Frame | undefined> {
    const frame = this.take();
    if (frame !== undefined) return Promise.resolve(frame);
    return new Promise((resolve, reject) => {
      this.resolveNext = resolve;
      this.rejectNext = reject;
      this.waitForFrame(this);
    });
  }

  /**
   * When take() found nothing: calls `waiter` back once, with the next frame, the end of a call
   * that ended OK, or its status (at once if the call already ended). One waiter at a time.
   */
  waitForFrame(waiter: FrameWaiter): void {
    const queue = this.queue;
    if (queue !== undefined) queue.waitForFrame(waiter);
    else if (this.outcome === OK) waiter.onEnd();
    else waiter.onReadError(this.outcome!);
  }

  /** @internal FrameWaiter: the frame a waiting next() gets. */
  onFrame(frame: Frame): void {
    const resolve = this.resolveNext!;
    this.resolveNext = this.rejectNext = undefined;
    resolve(frame);
  }

  /** @internal FrameWaiter: the call ended OK. */
  onEnd(): void {
    const resolve = this.resolveNext!;
    this.resolveNext = this.rejectNext = undefined;
    resolve(undefined);
  }

  /** @internal FrameWaiter: the call ended with a status. */
  onReadError(error: GrpcError): void {
    const reject = this.rejectNext!;
    this.resolveNext = this.rejectNext = undefined;
    reject(error);
  }

  /** The status once known: undefined while running, null for OK. */
  get status(): GrpcError | null | undefined {
    return this.outcome === undefined ? undefined : this.outcome === OK ? null : this.outcome;
  }

  private readonly onDrain = (): void => {
    const wake = this.drainWaiter;
    this.drainWaiter = undefined;
    wake?.();
  };

  /** @internal */
  onError(error: Error): void {
    this.nodeError ??= error;
  }

  /** @internal */
  onResponse(headers: IncomingHttpHeaders, flags: number): void {
    this.responseHeaders = headers;
    if (this.trace !== undefined) {
      const trailersOnly = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      traceReceived(this.trace, trailersOnly ? "trailers-received" : "headers-received", headers, trailersOnly);
    }
    const httpStatus = headers[HEADER_STATUS] as unknown as number | undefined;
    // Not a gRPC response (a proxy's error page): the HTTP status decides, and the body is never
    // read as messages (http-grpc-status-mapping.md). A grpc-status in these headers still wins.
    if (httpStatus !== 200 && headers[GRPC_STATUS] === undefined) {
      this.cancel(httpStatusError(httpStatus, headers[HEADER_CONTENT_TYPE]));
      return;
    }
    if ((flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0) this.trailers = headers;
    else if (!isGrpcContentType(headers[HEADER_CONTENT_TYPE])) {
      const contentType = headers[HEADER_CONTENT_TYPE];
      this.cancel(
        new GrpcError(Code.Unknown, `protocol: response content-type ${JSON.stringify(contentType ?? "")} is not application/grpc`),
      );
    } else this.endListener?.onResponseHeaders?.();
  }

  /** @internal */
  onData(chunk: Buffer): void {
    if (this.localError !== undefined) return;
    const queue = this.queue!;
    queue.push(chunk);
    const error = queue.failure;
    if (error !== undefined) this.cancel(error);
    // An unpaced (unary) call wants one message: a second one ends it now instead of buffering more.
    else if (!this.paced && queue.length > 1) this.cancel(cardinalityError("response", 2));
  }

  /** The status of a call we did not end ourselves: trailers, else RST_STREAM, else the connection. */
  private remoteOutcome(): GrpcError | typeof OK {
    const stream = this.stream!;
    const connection = this.connection!;
    if (this.trailers !== undefined) {
      const httpStatus = this.responseHeaders?.[HEADER_STATUS] as unknown as number | undefined;
      const status = statusFromTrailers(this.trailers, httpStatus);
      if (status !== undefined) return status;
      // END_STREAM with every message whole (a message cut short fails the read here).
      this.queue!.end();
      return this.queue!.failure ?? OK;
    }
    const rstCode = stream.rstCode ?? constants.NGHTTP2_NO_ERROR;
    // Checklist 22: a stream above GOAWAY's last stream id, or refused, never reached the server.
    const lastSeen = connection.goawayLastStreamId;
    if (this.responseHeaders === undefined)
      this.refused =
        rstCode === constants.NGHTTP2_REFUSED_STREAM || stream.id === undefined || (lastSeen !== undefined && stream.id > lastSeen);
    const session = connection.session;
    if (session.destroyed || (session.closed && this.nodeError !== undefined)) {
      // The connection went away under the call (checklist 23): UNAVAILABLE, whatever RST code Node made up.
      return (
        connection.closeReason ?? new GrpcError(Code.Unavailable, "http2: connection lost before the call ended", { cause: this.nodeError })
      );
    }
    if (rstCode !== constants.NGHTTP2_NO_ERROR) {
      return grpcErrorFromRstCode(rstCode, this.nodeError);
    }
    if (this.nodeError !== undefined) return grpcErrorFromNode(this.nodeError);
    // Headers, then END_STREAM without trailers: no grpc-status, which the HTTP status decides (200: UNKNOWN).
    if (this.responseHeaders !== undefined)
      return statusFromTrailers({}, this.responseHeaders[HEADER_STATUS] as unknown as number | undefined) ?? OK;
    return new GrpcError(Code.Internal, "protocol: stream closed without trailers (no grpc-status received)");
  }

  /** @internal */
  onClose(): void {
    this.connection!.release();
    const rstCode = this.stream!.rstCode;
    if (this.trace !== undefined && this.localError === undefined && rstCode !== undefined && rstCode !== constants.NGHTTP2_NO_ERROR)
      this.trace.reset(false, rstCode);
    const drain = this.drainWaiter;
    this.drainWaiter = undefined;
    drain?.();
    const outcome = this.localError ?? this.remoteOutcome();
    this.outcome = outcome;
    const listener = this.endListener;
    this.endListener = undefined;
    listener?.onStreamEnd(outcome === OK ? undefined : outcome);
    // A waiting next() hears the outcome after the frames queued before it.
    if (outcome === OK) this.queue!.end();
    else this.queue!.fail(outcome);
  }
}

/** Trace: the connection the call was put on, then its request headers as sent. */
function traceRequest(trace: CallTrace, connection: Connection, stream: ClientHttp2Stream, headers: OutgoingHttpHeaders): void {
  const connectionTrace = connection.trace;
  trace.emit("connection", "pick", { connection: connectionTrace?.id, address: connectionTrace?.address }, connectionTrace?.id);
  trace.headers("headers-sent", headers, { stream: stream.id });
}
