import { type Compression, compressionForSend } from "../compression/index.js";
import { type Deadline, MAX_TIMER_MS } from "../deadline/index.js";
import { FRAME_HEADER_BYTES, type Frame } from "../framing/index.js";
import type { FrameQueue, SingleFrameConsumer } from "../http2/index.js";
import type { CallStream } from "../http2/server/index.js";
import { cardinalityError, decodeMessage, encodeMessage } from "../pipeline/index.js";
import type { Method } from "../service/index.js";
import { Code, GrpcError } from "../status/index.js";
import type { Logger } from "../trace/index.js";
import { CallContext } from "./call-context.js";
import type { CoreOutcome } from "./dispatch.js";
import { logLateFailure } from "./late-failure.js";
import { RequestMessages } from "./request-messages.js";

/** Server-wide settings every call reads. */
export interface CallRuntime {
  maxReceiveMessageBytes: number;
  maxSendMessageBytes: number;
  maxTimeoutMs: number | undefined;
  compressions: readonly Compression[];
  responseCompression: string | undefined;
  /** Where an unexpected handler failure is reported; undefined when silenced. */
  logger: Logger | undefined;
}

/**
 * The state of one call on the server: its stream, deadline timer, compression and pending
 * response. What the handler sees is `context`, a separate object (CallContext).
 *
 * `end()` is the single place the outcome is written, whatever ended the call; the call is the
 * CoreOutcome of a call without interceptors (succeed() and fail() end it).
 */
export class ServerCall implements CoreOutcome {
  readonly method: Method;
  readonly stream: CallStream;
  readonly deadline: Deadline | undefined;
  /** What the handler and interceptors see. */
  readonly context: CallContext;
  /** The grpc-encoding of the request messages, once negotiated. */
  receiveCompression: Compression | undefined;
  /** The error the core (handler) failed with, kept even if an interceptor swallows it. */
  coreError: unknown;
  /** DEADLINE_EXCEEDED once the deadline passed (the context's signal reads it). */
  expired: GrpcError | undefined;
  private readonly runtime: CallRuntime;
  private timer: NodeJS.Timeout | undefined;
  private sendCompression: Compression | undefined;
  private pendingResponse: Uint8Array | undefined;
  /** The pending response as the handler returned it, kept only for the trace's decoded view. */
  private tracedResponse: unknown;
  private compressionChosen = false;
  private ended = false;
  private endsOnReset = false;
  /** True when the stream's signal ended the call (endOnReset). */
  private cutOff = false;

  constructor(stream: CallStream, method: Method, runtime: CallRuntime) {
    this.stream = stream;
    this.method = method;
    this.runtime = runtime;
    this.context = new CallContext(this);
    let timeoutMs = stream.head.timeoutMs;
    if (runtime.maxTimeoutMs !== undefined && (timeoutMs === undefined || runtime.maxTimeoutMs < timeoutMs))
      timeoutMs = runtime.maxTimeoutMs;
    // A timeout beyond what a timer can hold is treated as no deadline (docs/ARCHITECTURE.md §10).
    if (timeoutMs !== undefined && timeoutMs <= MAX_TIMER_MS) {
      this.deadline = Date.now() + timeoutMs;
      this.timer = setTimeout(expire, Math.max(0, Math.ceil(timeoutMs)), this);
    }
  }

  /** True once nothing more may be sent: the call ended, expired, or the stream closed. */
  get done(): boolean {
    return this.ended || this.stream.finished;
  }

  /** Sends the response headers now (ServerContext.sendHeaders), unless sent or over. */
  sendHeaders(): void {
    if (this.stream.headersSent || this.done) return;
    this.chooseCompression();
    this.stream.sendHeaders(this.context.responseHeaders, this.sendCompression?.name);
  }

  /** Decodes one request frame, recording whether it came compressed. */
  decode(frame: Frame): unknown {
    this.context.requestCompressed = frame.compressed;
    this.context.observer?.onMessageReceived(frame.payload.length, frame.compressed);
    const options = { compression: this.receiveCompression, maxBytes: this.runtime.maxReceiveMessageBytes };
    const trace = this.stream.trace;
    if (trace === undefined) return decodeMessage(frame, this.method.requestCodec, options);
    return trace.receive(frame, this.stream.head.encoding, () => decodeMessage(frame, this.method.requestCodec, options));
  }

  /**
   * Decodes the request of a single-request call: synchronously unless it is compressed. Zero or
   * several messages are UNIMPLEMENTED (statuscodes.md).
   */
  decodeSingle(frames: Frame[]): unknown {
    if (frames.length !== 1) throw cardinalityError("request", frames.length);
    return this.decode(frames[0]!);
  }

  /** Hands `consumer` the frames of a single-request call (see ServerStream.readSingle). */
  readSingle(consumer: SingleFrameConsumer): void {
    this.stream.readSingle(this.runtime.maxReceiveMessageBytes, consumer);
  }

  /** The request messages of a streaming call, decoded as they arrive. */
  requests(): AsyncIterableIterator<unknown> {
    return new RequestMessages(this);
  }

  /** The request frames of a streaming call (RequestMessages opens them on first read). */
  readFrames(): FrameQueue {
    return this.stream.readFrames(this.runtime.maxReceiveMessageBytes);
  }

  /**
   * Encodes the single response, which end() then sends with headers and trailers in one go;
   * returns a promise only when compressing.
   */
  setResponse(response: unknown): Promise<void> | undefined {
    if (this.done) return undefined;
    this.chooseCompression();
    const frame = this.encode(response);
    if (this.stream.trace !== undefined) this.tracedResponse = response;
    if (frame instanceof Uint8Array) {
      this.pendingResponse = frame;
      return undefined;
    }
    return frame.then((bytes) => void (this.pendingResponse = bytes));
  }

  /**
   * Sends every response the handler produces, paced by the client's flow control. A synchronous
   * iterable is drained without a promise per message: it only waits when node's buffer is full.
   */
  sendAll(responses: AsyncIterable<unknown> | Iterable<unknown>): Promise<void> {
    if (responses === null || typeof responses !== "object" || !(Symbol.asyncIterator in responses || Symbol.iterator in responses))
      throw new TypeError(`server: the handler of ${this.method.path} must return an iterable (use async function*)`);
    return Symbol.asyncIterator in responses ? this.sendEachAsync(responses) : this.sendEach(responses);
  }

  private async sendEach(responses: Iterable<unknown>): Promise<void> {
    for (const response of responses) {
      const sent = this.sendOne(response);
      if (sent !== true && !(await sent)) return this.cutShort();
    }
  }

  private async sendEachAsync(responses: AsyncIterable<unknown>): Promise<void> {
    for await (const response of responses) {
      const sent = this.sendOne(response);
      if (sent !== true && !(await sent)) return this.cutShort();
    }
  }

  /**
   * The call ended while the handler still had responses to send. When the stream ended it (a
   * shutdown's grace period ran out, the client reset it), the handler did not succeed: its
   * outcome (and an interceptor's `next()`) is the stream's reason, as the client saw it.
   */
  private cutShort(): void {
    if ((this.ended && !this.cutOff) || !this.stream.finished) return;
    throw this.stream.signal.reason ?? new GrpcError(Code.Cancelled, "server: the call ended before the handler's responses were sent");
  }

  /**
   * Encodes and writes one response (headers first): true to go on, false once the call is over,
   * a promise of the same when compressing or when node's buffer is full and the client's flow
   * control must let it drain first.
   */
  private sendOne(response: unknown): boolean | Promise<boolean> {
    const frame = this.encodeNext(response);
    return frame instanceof Uint8Array ? this.send(frame, response) : frame.then((bytes) => this.send(bytes, response));
  }

  private send(frame: Uint8Array, response: unknown): boolean | Promise<boolean> {
    if (this.done) return false;
    this.sendHeaders();
    this.context.observer?.onMessageSent(frame.length - FRAME_HEADER_BYTES, frame[0] === 1);
    const written = this.stream.write(frame);
    if (this.stream.trace !== undefined) this.traceSent(frame, response);
    if (written) return true;
    return this.stream.drain().then(() => !this.done);
  }

  /** CoreOutcome: the handler is done and its responses are written; the call ends OK. */
  succeed(): void {
    this.end();
  }

  /** CoreOutcome: the handler (or reading the request, or writing a response) failed. */
  fail(error: unknown): void {
    this.end(error);
  }

  /**
   * Ends the call: OK (with the pending unary response, if any) or the error's status. A
   * non-GrpcError becomes UNKNOWN with a generic message; the original never reaches the peer.
   */
  end(error?: unknown): void {
    if (error === undefined && this.coreError !== undefined) error = this.coreError;
    if (this.ended) {
      // The call ended before the handler did (a reset, the deadline): what it returns is dropped.
      logLateFailure(this.runtime.logger, this.method.path, this.expired ?? this.stream.endStatus, error);
      return;
    }
    this.ended = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const context = this.context;
    if (this.stream.finished) {
      // Finished elsewhere (the client's reset, a lost connection, a shutdown): that is the outcome.
      logLateFailure(this.runtime.logger, this.method.path, this.stream.endStatus, error);
      this.reportEnd();
      return;
    }
    if (error !== undefined) {
      if (!(error instanceof GrpcError))
        this.runtime.logger?.error(`tsgrpc server: ${this.method.path} failed, the client gets UNKNOWN:`, error);
      const status = GrpcError.from(error, Code.Unknown, "server: the handler failed");
      this.stream.finish(status, context.responseTrailers, context.responseHeaders);
      this.reportEnd();
      return;
    }
    const response = this.pendingResponse;
    if (response !== undefined) {
      this.pendingResponse = undefined;
      context.observer?.onMessageSent(response.length - FRAME_HEADER_BYTES, response[0] === 1);
      this.stream.respond(context.responseHeaders, this.sendCompression?.name, response, context.responseTrailers);
      if (this.stream.trace !== undefined) this.traceSent(response, this.tracedResponse);
    } else this.stream.finish(undefined, context.responseTrailers, context.responseHeaders);
    this.reportEnd();
  }

  /**
   * Tells the observer (if any) the status the call ended with: the one finish() sent (or the
   * oversize error that replaced it), or, when the stream was already gone (the client reset it,
   * the connection was lost) and finish() could do nothing, why it closed.
   */
  private reportEnd(): void {
    const observer = this.context.observer;
    if (observer === undefined) return;
    const stream = this.stream;
    const status = stream.endStatus;
    observer.onEnd(
      stream.finished || status !== undefined ? status : new GrpcError(Code.Cancelled, "server: the stream closed before the call ended"),
    );
  }

  /**
   * Ends the call as soon as its stream is cut off (the client's RST_STREAM, a lost connection, a
   * shutdown) instead of when the handler returns, so an observer hears the end when it happened:
   * a handler that ignores its signal does not stretch a cancelled call. Called when an observer
   * is set; calls without one keep the cost of an AbortSignal off their path.
   */
  endOnReset(): void {
    if (this.endsOnReset || this.ended) return;
    this.endsOnReset = true;
    const signal = this.stream.signal;
    if (signal.aborted) this.handleEvent();
    else signal.addEventListener("abort", this, { once: true });
  }

  /**
   * @internal The stream's signal aborted (see endOnReset): the call ends with the signal's reason.
   * Nothing is written here: the stream is gone, or whoever aborted it (a web call's graceful
   * stop) writes that status itself.
   */
  handleEvent(): void {
    if (this.ended) return;
    this.ended = true;
    this.cutOff = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const reason: unknown = this.stream.signal.reason;
    this.context.observer?.onEnd(
      reason instanceof GrpcError ? reason : new GrpcError(Code.Cancelled, "server: the stream closed before the call ended"),
    );
  }

  /** @internal Deadline timer: DEADLINE_EXCEEDED to the client, RST_STREAM(CANCEL), the handler's signal aborted. */
  expire(): void {
    this.timer = undefined;
    if (this.done) return;
    this.ended = true;
    this.expired = new GrpcError(Code.DeadlineExceeded, "deadline: exceeded on the server");
    this.context.abort(this.expired);
    this.stream.finishAndCancel(this.expired, this.context.responseTrailers);
    this.context.observer?.onEnd(this.expired);
  }

  private traceSent(frame: Uint8Array, response: unknown): void {
    this.stream.trace?.messageSent(frame, this.context.compressMessages ? this.sendCompression?.name : undefined, response);
  }

  /** Fixes the response compression before the first message, since grpc-encoding goes in the headers. */
  private chooseCompression(): void {
    if (this.stream.headersSent || this.compressionChosen) return;
    this.compressionChosen = true;
    // An explicit per-call choice is honoured unless the client's grpc-accept-encoding leaves it
    // out; a request without that header says nothing, so it is used (as gRPC C-core does). The
    // server-wide default needs the client to list it (doc/compression.md).
    const explicit = this.context.compression;
    const acceptEncoding = this.stream.head.acceptEncoding;
    this.sendCompression = compressionForSend(
      explicit ?? this.runtime.responseCompression,
      explicit !== undefined && acceptEncoding === undefined ? explicit : acceptEncoding,
      this.runtime.compressions,
    );
  }

  private encodeNext(response: unknown): Uint8Array | Promise<Uint8Array> {
    this.chooseCompression();
    return this.encode(response);
  }

  private encode(response: unknown): Uint8Array | Promise<Uint8Array> {
    return encodeMessage(response, this.method.responseCodec, {
      compression: this.context.compressMessages ? this.sendCompression : undefined,
      maxBytes: this.runtime.maxSendMessageBytes,
      limitName: "server: response",
    });
  }
}

// A shared timer callback (setTimeout passes the call): no closure per call.
function expire(call: ServerCall): void {
  call.expire();
}
