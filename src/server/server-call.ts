import { type Compression, compressionForSend } from "../compression/index.js";
import { type Deadline, MAX_TIMER_MS } from "../deadline/index.js";
import type { Frame } from "../framing/index.js";
import type { FrameQueue, SingleFrameConsumer } from "../http2/index.js";
import type { ServerStream } from "../http2/server/index.js";
import { Metadata } from "../metadata/index.js";
import { decodeMessage, encodeMessage } from "../pipeline/index.js";
import type { Method } from "../service/index.js";
import { Code, GrpcError } from "../status/index.js";
import { RequestMessages } from "./request-messages.js";
import type { ServerContext } from "./server-context.js";

/** Server-wide settings every call reads. */
export interface CallRuntime {
  maxReceiveMessageBytes: number;
  maxSendMessageBytes: number;
  maxTimeoutMs: number | undefined;
  compressions: readonly Compression[];
  responseCompression: string | undefined;
}

/**
 * The state of one call on the server, and the ServerContext its handler sees.
 *
 * Everything optional is lazy: the AbortSignal, headers and trailers metadata, request metadata.
 * `end()` is the single place the outcome is written, whatever ended the call.
 */
export class ServerCall implements ServerContext {
  readonly method: Method;
  readonly stream: ServerStream;
  readonly deadline: Deadline | undefined;
  compression: string | undefined;
  compressMessages = true;
  requestCompressed = false;
  /** The grpc-encoding of the request messages, once negotiated. */
  receiveCompression: Compression | undefined;
  /** The error the core (handler) failed with, kept even if an interceptor swallows it. */
  coreError: unknown;
  private readonly runtime: CallRuntime;
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private responseHeaders: Metadata | undefined;
  private responseTrailers: Metadata | undefined;
  private sendCompression: Compression | undefined;
  private pendingResponse: Uint8Array | undefined;
  private expired: GrpcError | undefined;
  private compressionChosen = false;
  private ended = false;

  constructor(stream: ServerStream, method: Method, runtime: CallRuntime) {
    this.stream = stream;
    this.method = method;
    this.runtime = runtime;
    let timeoutMs = stream.head.timeoutMs;
    if (runtime.maxTimeoutMs !== undefined && (timeoutMs === undefined || runtime.maxTimeoutMs < timeoutMs))
      timeoutMs = runtime.maxTimeoutMs;
    // A timeout beyond what a timer can hold is treated as no deadline (ARCHITECTURE.md §7).
    if (timeoutMs !== undefined && timeoutMs <= MAX_TIMER_MS) {
      this.deadline = Date.now() + timeoutMs;
      this.timer = setTimeout(expire, Math.max(0, Math.ceil(timeoutMs)), this);
    }
  }

  get metadata(): Metadata {
    return this.stream.head.metadata;
  }

  get peer(): string {
    return this.stream.peer;
  }

  get headers(): Metadata {
    return (this.responseHeaders ??= new Metadata());
  }

  get trailers(): Metadata {
    return (this.responseTrailers ??= new Metadata());
  }

  get headersSent(): boolean {
    return this.stream.headersSent;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = (this.controller = new AbortController());
      if (this.expired !== undefined) controller.abort(this.expired);
      else {
        const streamSignal = this.stream.signal;
        if (streamSignal.aborted) controller.abort(streamSignal.reason);
        else streamSignal.addEventListener("abort", () => controller.abort(streamSignal.reason), { once: true });
      }
    }
    return this.controller.signal;
  }

  /** True once nothing more may be sent: the call ended, expired, or the stream closed. */
  get done(): boolean {
    return this.ended || this.stream.finished;
  }

  sendHeaders(): void {
    if (this.stream.headersSent || this.done) return;
    this.chooseCompression();
    this.stream.sendHeaders(this.responseHeaders, this.sendCompression?.name);
  }

  /** Decodes one request frame, recording whether it came compressed. */
  decode(frame: Frame): unknown {
    this.requestCompressed = frame.compressed;
    return decodeMessage(frame, this.method.requestCodec, {
      compression: this.receiveCompression,
      maxBytes: this.runtime.maxReceiveMessageBytes,
    });
  }

  /**
   * Decodes the request of a single-request call: synchronously unless it is compressed. Zero or
   * several messages are UNIMPLEMENTED (statuscodes.md).
   */
  decodeSingle(frames: Frame[]): unknown {
    if (frames.length !== 1)
      throw new GrpcError(
        Code.Unimplemented,
        `server: cardinality violation: ${this.method.path} expects exactly one request message, got ${frames.length === 0 ? "none" : "more than one"}`,
      );
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
      if (sent !== true && !(await sent)) break;
    }
  }

  private async sendEachAsync(responses: AsyncIterable<unknown>): Promise<void> {
    for await (const response of responses) {
      const sent = this.sendOne(response);
      if (sent !== true && !(await sent)) break;
    }
  }

  /**
   * Encodes and writes one response (headers first): true to go on, false once the call is over,
   * a promise of the same when compressing or when node's buffer is full and the client's flow
   * control must let it drain first.
   */
  private sendOne(response: unknown): boolean | Promise<boolean> {
    const frame = this.encodeNext(response);
    return frame instanceof Uint8Array ? this.send(frame) : frame.then((bytes) => this.send(bytes));
  }

  private send(frame: Uint8Array): boolean | Promise<boolean> {
    if (this.done) return false;
    this.sendHeaders();
    if (this.stream.write(frame)) return true;
    return this.stream.drain().then(() => !this.done);
  }

  /**
   * Ends the call: OK (with the pending unary response, if any) or the error's status. A
   * non-GrpcError becomes UNKNOWN with a generic message; the original never reaches the peer.
   */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (error === undefined && this.coreError !== undefined) error = this.coreError;
    if (this.stream.finished) return;
    if (error !== undefined) {
      const status = GrpcError.from(error, Code.Unknown, "server: the handler failed");
      this.stream.finish(status, this.responseTrailers, this.responseHeaders);
      return;
    }
    const response = this.pendingResponse;
    if (response !== undefined) {
      this.pendingResponse = undefined;
      this.stream.respond(this.responseHeaders, this.sendCompression?.name, response, this.responseTrailers);
    } else this.stream.finish(undefined, this.responseTrailers, this.responseHeaders);
  }

  /** @internal Deadline timer: DEADLINE_EXCEEDED to the client, RST_STREAM(CANCEL), the handler's signal aborted. */
  expire(): void {
    this.timer = undefined;
    if (this.done) return;
    this.ended = true;
    this.expired = new GrpcError(Code.DeadlineExceeded, "server: deadline exceeded");
    this.controller?.abort(this.expired);
    this.stream.finishAndCancel(this.expired, this.responseTrailers);
  }

  /** Fixes the response compression before the first message, since grpc-encoding goes in the headers. */
  private chooseCompression(): void {
    if (this.stream.headersSent || this.compressionChosen) return;
    this.compressionChosen = true;
    this.sendCompression = compressionForSend(
      this.compression ?? this.runtime.responseCompression,
      this.stream.head.acceptEncoding,
      this.runtime.compressions,
    );
  }

  private encodeNext(response: unknown): Uint8Array | Promise<Uint8Array> {
    this.chooseCompression();
    return this.encode(response);
  }

  private encode(response: unknown): Uint8Array | Promise<Uint8Array> {
    return encodeMessage(response, this.method.responseCodec, {
      compression: this.compressMessages ? this.sendCompression : undefined,
      maxBytes: this.runtime.maxSendMessageBytes,
    });
  }
}

// A shared timer callback (setTimeout passes the call): no closure per call.
function expire(call: ServerCall): void {
  call.expire();
}
