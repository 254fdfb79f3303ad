import { compressionForReceive, type Compression } from "../compression/index.js";
import { FRAME_HEADER_BYTES, type Frame } from "../framing/index.js";
import { ClientStream } from "../http2/client/index.js";
import type { FrameWaiter } from "../http2/index.js";
import { type AttemptObserver, cardinalityError, decodeMessage, encodeMessage } from "../pipeline/index.js";
import type { Method } from "../service/index.js";
import { Code, GrpcError, describeError } from "../status/index.js";
import { attemptHeaders, endAttempt } from "./call-attempt.js";
import { applyCallCredentials } from "./call-credentials.js";
import { NO_CALL_OPTIONS, type CallOptions } from "./call-options.js";
import {
  CallWatch,
  callCounter,
  configWait,
  finalError,
  needsWatch,
  pickConnection,
  receiveCompressionError,
  setupCall,
  type CallSetup,
} from "./call-setup.js";
import { startCallTrace } from "./call-trace.js";
import { channelCore, type Channel } from "./channel.js";
import { RetryingCall } from "./retrying-call.js";
import { reportMetadata } from "./unary-call.js";

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A streaming call (server-streaming, client-streaming or bidi) as an async iterator of
 * responses. The call starts at once; requests are pumped from `requests` as their own task,
 * paced by HTTP/2 flow control, while responses are read as the consumer pulls them (a slow
 * `for await` pauses the stream). Breaking out of the loop cancels the call with
 * RST_STREAM(CANCEL).
 *
 * With a single `request` (server-streaming), a call the server never saw is retried once. A
 * method with a retry or hedging policy runs through a RetryingCall (gRFC A6): the requests are
 * kept in the retry buffer and replayed on each new attempt (the caller's iterable is read
 * once), and responses are read from the attempt the call commits to.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
export class StreamCall<I, O> implements AsyncIterableIterator<O>, FrameWaiter {
  private readonly channel: Channel;
  private readonly method: Method<I, O>;
  private readonly options: CallOptions<I>;
  private readonly single: boolean;
  private readonly request: I | undefined;
  private readonly requests: AsyncIterable<I> | undefined;
  private setup: CallSetup | undefined;
  private stream: ClientStream | undefined;
  private retrying: RetryingCall | undefined;
  /** The observer of the attempt in flight (or committed to), when the call's observer watches attempts. */
  private attempt: AttemptObserver | undefined;
  private watch: CallWatch | undefined;
  private opening: Promise<void> | undefined;
  private failure: GrpcError | undefined;
  private compression: Compression | undefined;
  private headersReported = false;
  private retried = false;
  private delivered = 0;
  private ended = false;
  private resolveNext: ((result: IteratorResult<O> | Promise<IteratorResult<O>>) => void) | undefined;
  private rejectNext: ((error: unknown) => void) | undefined;

  constructor(channel: Channel, method: Method<I, O>, options: CallOptions<I>, single: boolean, request?: I, requests?: AsyncIterable<I>) {
    this.channel = channel;
    this.method = method;
    this.options = options;
    this.single = single;
    this.request = request;
    this.requests = requests;
    if (!single && !isIterable(requests))
      throw new TypeError(`client: ${method.path} takes an AsyncIterable (or Iterable) of requests, got ${describeValue(requests)}`);
    // Before the resolver's first result (when it may bring a service config): set up after it (A2).
    const waiting = configWait(channel, method, options);
    if (waiting !== undefined) {
      this.opening = waiting.then(
        (ready) => {
          if (this.ended) return;
          try {
            this.setup = setupCall(channel, method, ready);
          } catch (error) {
            if (error instanceof GrpcError) startCallTrace(channel, method, undefined)?.end(error);
            throw error;
          }
          return this.open();
        },
        (error: unknown) => {
          startCallTrace(channel, method, undefined)?.end(error as GrpcError);
          throw error;
        },
      );
      this.opening.catch(() => undefined);
      return;
    }
    try {
      this.setup = setupCall(channel, method, options);
    } catch (error) {
      if (!(error instanceof GrpcError)) throw error;
      this.failure = error;
      startCallTrace(channel, method, undefined)?.end(error);
      return;
    }
    this.opening = this.open();
    // The failure is reported by next(); this only keeps Node from calling it unhandled.
    this.opening.catch(() => undefined);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<O> {
    return this;
  }

  next(): Promise<IteratorResult<O>> {
    // Past the first message, no async function: a queued frame is decoded at once, and a
    // missing one is waited for with one promise, settled from the 'data' event (FrameWaiter).
    const stream = this.stream;
    if (stream === undefined || this.delivered === 0 || this.ended) return this.receive();
    const frame = stream.take();
    if (frame === undefined)
      return new Promise((resolve, reject) => {
        this.resolveNext = resolve;
        this.rejectNext = reject;
        stream.waitForFrame(this);
      });
    try {
      const result = this.deliver(stream, frame);
      return result instanceof Promise ? result : Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** @internal FrameWaiter: the response a waiting next() gets. */
  onFrame(frame: Frame): void {
    const resolve = this.resolveNext!;
    const reject = this.rejectNext!;
    this.resolveNext = this.rejectNext = undefined;
    try {
      resolve(this.deliver(this.stream!, frame));
    } catch (error) {
      reject(error);
    }
  }

  /** @internal FrameWaiter: the call ended OK. */
  onEnd(): void {
    const resolve = this.resolveNext!;
    const reject = this.rejectNext!;
    this.resolveNext = this.rejectNext = undefined;
    try {
      resolve(this.complete(this.stream!));
    } catch (error) {
      reject(error);
    }
  }

  /** @internal FrameWaiter: the call ended with a status. */
  onReadError(error: GrpcError): void {
    const reject = this.rejectNext!;
    this.resolveNext = this.rejectNext = undefined;
    try {
      this.failWith(this.stream!, error);
    } catch (failure) {
      reject(failure);
    }
  }

  /** The first response (opening the call, retrying a refused one), or the end of a call that never got one. */
  private async receive(): Promise<IteratorResult<O>> {
    if (this.ended) return DONE;
    if (this.failure !== undefined) return this.fail(this.failure);
    if (this.stream === undefined) {
      try {
        await this.opening;
      } catch (error) {
        return this.fail(finalError(error, this.setup?.deadline));
      }
      if (this.ended) return DONE;
    }
    const stream = this.stream!;
    let frame: Frame | undefined;
    try {
      frame = await stream.next();
    } catch (error) {
      if (stream.refused && this.single && !this.retried && this.delivered === 0) {
        this.retried = true;
        this.endAttempt(error);
        this.watch?.dispose();
        this.stream = undefined;
        this.opening = this.open();
        return this.receive();
      }
      return this.failWith(stream, error);
    }
    this.reportHeaders(stream);
    if (frame === undefined) return this.complete(stream);
    if (this.delivered === 0) {
      try {
        this.compression = compressionForReceive(stream.encoding, this.channel.compressions);
      } catch (error) {
        const status = receiveCompressionError(error);
        stream.cancel(status);
        return this.fail(status);
      }
    }
    return this.deliver(stream, frame);
  }

  /** The call ended OK: trailers to onTrailers, the iteration done. */
  private complete(stream: ClientStream): IteratorResult<O> {
    this.finish();
    this.endAttempt(undefined);
    this.setup?.trace?.end(undefined);
    reportMetadata(stream, this.options, false, true);
    return DONE;
  }

  /** The call ended with a status (or the connection failed): metadata reported, the iteration rejects. */
  private failWith(stream: ClientStream, error: unknown): never {
    this.reportHeaders(stream);
    reportMetadata(stream, this.options, false, true);
    return this.fail(finalError(error, this.setup!.deadline));
  }

  /** Decodes one response; a message that cannot be decoded cancels the call with its status. */
  private deliver(stream: ClientStream, frame: Frame): IteratorResult<O> | Promise<IteratorResult<O>> {
    this.delivered++;
    const observer = this.options.observer;
    if (observer !== undefined) {
      observer.onMessageReceived(frame.payload.length, frame.compressed);
      this.attempt?.onMessageReceived(frame.payload.length, frame.compressed);
    }
    let value: O | Promise<O>;
    try {
      const options = { compression: this.compression, maxBytes: this.setup!.maxReceiveBytes };
      const trace = this.setup!.trace;
      value =
        trace === undefined
          ? decodeMessage(frame, this.method.responseCodec, options)
          : trace.receive(frame, stream.encoding, () => decodeMessage(frame, this.method.responseCodec, options));
    } catch (error) {
      return this.decodeFailed(stream, error);
    }
    if (!(value instanceof Promise)) return { done: false, value };
    return value.then(
      (message) => ({ done: false, value: message }),
      (error: unknown) => this.decodeFailed(stream, error),
    );
  }

  private decodeFailed(stream: ClientStream, error: unknown): never {
    const status = error as GrpcError;
    stream.cancel(status);
    return this.fail(status);
  }

  /** Ends the call early: RST_STREAM(CANCEL) if it is still running. */
  async return(): Promise<IteratorResult<O>> {
    if (!this.ended) {
      const cancelled = new GrpcError(Code.Cancelled, "cancelled: the response iterator was closed by the client");
      (this.retrying ?? this.stream)?.cancel(cancelled);
      this.finish();
      this.endAttempt(cancelled);
      this.setup?.trace?.end(cancelled);
    }
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<O>> {
    await this.return();
    throw error;
  }

  private async open(): Promise<void> {
    let setup = this.setup!;
    if (setup.credentials !== undefined)
      this.setup = setup = await applyCallCredentials(this.channel, this.method, setup, setup.credentials);
    if (setup.policy !== undefined) return this.openRetrying(setup);
    // One attempt (a second one when the server refused the first unprocessed: a transparent retry).
    const observer = this.options.observer;
    const attempt =
      observer?.onAttemptStart === undefined ? undefined : observer.onAttemptStart({ previousAttempts: 0, transparent: this.retried });
    this.attempt = attempt;
    let connection = pickConnection(this.channel, setup);
    if (connection instanceof Promise) connection = await connection;
    if (this.ended) return;
    const headers = attempt === undefined ? setup.headers : attemptHeaders(setup.headers, attempt);
    const stream = new ClientStream(connection, headers, setup.maxReceiveBytes, true, setup.trace);
    this.stream = stream;
    const counter = callCounter(this.channel, connection);
    if (counter !== undefined) stream.whenFinished(counter);
    this.watch = needsWatch(setup) ? new CallWatch(stream, setup) : undefined;
    if (this.single) {
      let frame = encodeMessage(this.request as I, this.method.requestCodec, {
        compression: setup.compression,
        maxBytes: setup.maxSendBytes,
        limitName: "client: request",
      });
      if (frame instanceof Promise) frame = await frame;
      // A transparent retry resends the same request: the observer heard it the first time.
      if (!this.retried) this.options.observer?.onMessageSent(frame.length - FRAME_HEADER_BYTES, frame[0] === 1);
      stream.end(frame);
      attempt?.onMessageSent(frame.length - FRAME_HEADER_BYTES, frame[0] === 1);
      setup.trace?.messageSent(frame, setup.compression?.name, this.request);
    } else void this.pump(stream, this.requests!, attempt);
  }

  /** Opens a call with a retry or hedging policy; resolves once it committed to an attempt's stream. */
  private async openRetrying(setup: CallSetup): Promise<void> {
    let frame: Uint8Array | undefined;
    if (this.single) {
      const encoded = encodeMessage(this.request as I, this.method.requestCodec, {
        compression: setup.compression,
        maxBytes: setup.maxSendBytes,
      });
      frame = encoded instanceof Promise ? await encoded : encoded;
      // A request too big for the retry buffer is sent once, without retries (gRFC A6).
      if (frame.byteLength > channelCore(this.channel).calls.bufferPool.perCallLimitBytes) {
        this.setup = { ...setup, policy: undefined };
        return this.open();
      }
    }
    if (this.ended) return;
    this.retried = true;
    await new Promise<void>((resolve, reject) => {
      const call = new RetryingCall(
        this.channel,
        setup,
        setup.policy!,
        {
          committed: (stream, attempt) => {
            this.stream = stream;
            this.attempt = attempt;
            resolve();
          },
          // The response is read from the committed stream, which reports its own end.
          ended: () => undefined,
          failed: reject,
        },
        true,
        this.options.observer,
      );
      this.retrying = call;
      this.watch = needsWatch(setup) ? new CallWatch(call, setup) : undefined;
      if (frame !== undefined) call.end(frame);
      else void this.pump(call, this.requests!);
      call.start();
    });
  }

  /** Sends the requests; `attempt` hears them on a plain stream (a retrying call tells each attempt's observer itself). */
  private async pump(stream: RequestSink, requests: AsyncIterable<I>, attempt?: AttemptObserver): Promise<void> {
    const setup = this.setup!;
    const compressMessage = this.options.compressMessage;
    const codec = this.method.requestCodec;
    const observer = this.options.observer;
    let index = 0;
    try {
      for await (const message of requests) {
        // The call already ended (server status or cancel): stop pulling requests.
        if (stream.status !== undefined) return;
        const compression =
          setup.compression !== undefined && (compressMessage === undefined || compressMessage(message, index))
            ? setup.compression
            : undefined;
        index++;
        let frame = encodeMessage(message, codec, { compression, maxBytes: setup.maxSendBytes, limitName: "client: request" });
        if (frame instanceof Promise) frame = await frame;
        if (observer !== undefined) {
          observer.onMessageSent(frame.length - FRAME_HEADER_BYTES, frame[0] === 1);
          attempt?.onMessageSent(frame.length - FRAME_HEADER_BYTES, frame[0] === 1);
        }
        const drained = stream.write(frame);
        if (setup.trace !== undefined) setup.trace.messageSent(frame, compression?.name, message);
        if (drained !== undefined) await drained;
      }
      stream.end();
    } catch (error) {
      stream.cancel(GrpcError.from(error, Code.Cancelled, `cancelled: the request iterable threw: ${describeError(error)}`));
    }
  }

  private reportHeaders(stream: ClientStream): void {
    if (this.headersReported) return;
    this.headersReported = true;
    reportMetadata(stream, this.options, true, false);
  }

  private fail(error: GrpcError): never {
    this.finish();
    this.endAttempt(error);
    this.setup?.trace?.end(error);
    throw error;
  }

  private finish(): void {
    this.ended = true;
    this.watch?.dispose();
  }

  /** Tells the attempt's observer (if any) how the attempt ended, once. */
  private endAttempt(error: unknown): void {
    const attempt = this.attempt;
    if (attempt === undefined) return;
    this.attempt = undefined;
    endAttempt(attempt, error);
  }
}

/** Where a streaming call's requests go: one stream, or a retrying call's attempts. */
interface RequestSink {
  write(bytes: Uint8Array): Promise<void> | undefined;
  end(): void;
  cancel(error: GrpcError): void;
  readonly status: GrpcError | null | undefined;
}

/**
 * A client-streaming call: sends `requests`, expects exactly one response (zero or two is
 * UNIMPLEMENTED "cardinality violation", doc/statuscodes.md).
 */
export function clientStreamingCall<I, O>(
  channel: Channel,
  method: Method<I, O>,
  requests: AsyncIterable<I>,
  options: CallOptions<I> = NO_CALL_OPTIONS,
): Promise<O> {
  return singleResponse(new StreamCall(channel, method, options, false, undefined, requests));
}

async function singleResponse<I, O>(call: StreamCall<I, O>): Promise<O> {
  const first = await call.next();
  if (first.done) throw cardinalityError("response", 0);
  const second = await call.next();
  if (!second.done) {
    await call.return();
    throw cardinalityError("response", 2);
  }
  return first.value;
}

/** True for what `for await` accepts: an AsyncIterable or an Iterable. */
function isIterable(value: unknown): boolean {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  const object = value as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown };
  return typeof object[Symbol.asyncIterator] === "function" || typeof object[Symbol.iterator] === "function";
}

function describeValue(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}
