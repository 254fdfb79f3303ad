import { type Compression, compressionForReceive } from "../compression/index.js";
import type { Frame } from "../framing/index.js";
import { ClientStream, type Connection, type StreamEndListener } from "../http2/client/index.js";
import { Metadata } from "../metadata/index.js";
import { FRAME_HEADER_BYTES } from "../framing/index.js";
import { type AttemptObserver, cardinalityError, decodeMessage, encodeMessage } from "../pipeline/index.js";
import type { Method } from "../service/index.js";
import { GrpcError } from "../status/index.js";
import { attemptHeaders, endAttempt, endAttemptWith } from "./call-attempt.js";
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
import { startCallTrace, traceOutcome } from "./call-trace.js";
import { channelCore, type Channel } from "./channel.js";
import { RetryingCall, type RetryOwner } from "./retrying-call.js";

/**
 * Runs a unary call on the fast path: one `session.request()`, one write with END_STREAM,
 * DATA into the stream's FrameDecoder, the status from trailers, and one promise: the one the
 * caller gets, settled from node's 'close' event. No iterables, no AbortSignal and no timer
 * unless the caller asked for a deadline or gave a signal.
 *
 * A call the server never saw (REFUSED_STREAM, GOAWAY) is retried once on another connection. A
 * method with a retry or hedging policy in the service config runs through a RetryingCall
 * instead (gRFC A6); every other call pays nothing for it.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
export function unaryCall<I, O>(channel: Channel, method: Method<I, O>, request: I, options: CallOptions<I> = NO_CALL_OPTIONS): Promise<O> {
  // Before the resolver's first result (when it may bring a service config): set up after it (A2).
  const waiting = configWait(channel, method, options);
  if (waiting !== undefined)
    return waiting.then(
      (ready) => unaryCall(channel, method, request, ready),
      (error: unknown) => {
        startCallTrace(channel, method, undefined)?.end(error as GrpcError);
        throw error;
      },
    );
  let setup: CallSetup;
  try {
    setup = setupCall(channel, method, options);
  } catch (error) {
    // A status (expired deadline, aborted signal) rejects; a caller's mistake throws right away.
    if (error instanceof GrpcError) {
      startCallTrace(channel, method, undefined)?.end(error);
      return Promise.reject(error);
    }
    throw error;
  }
  return new Promise<O>((resolve, reject) => {
    const trace = setup.trace;
    if (trace !== undefined) ({ resolve, reject } = traceOutcome(trace, resolve, reject));
    const call = new UnaryCall(channel, method, options, setup, resolve, reject);
    if (trace !== undefined) call.request = request;
    let frame: Uint8Array | Promise<Uint8Array>;
    try {
      frame = encodeMessage(request, method.requestCodec, {
        compression: setup.compression,
        maxBytes: setup.maxSendBytes,
        limitName: "client: request",
      });
    } catch (error) {
      reject(error);
      return;
    }
    if (frame instanceof Uint8Array) call.sendFirst(frame);
    else frame.then((bytes) => call.sendFirst(bytes), reject);
  });
}

/** One unary call in flight: opens the stream, then turns its end into the caller's result. */
class UnaryCall<I, O> implements StreamEndListener, RetryOwner {
  private readonly channel: Channel;
  private readonly method: Method<I, O>;
  private readonly options: CallOptions<I>;
  private setup: CallSetup;
  private readonly resolve: (response: O | Promise<O>) => void;
  private readonly reject: (error: unknown) => void;
  private frame: Uint8Array | undefined;
  /** The request, kept only for the trace's decoded view. */
  request: I | undefined;
  private stream: ClientStream | undefined;
  private watch: CallWatch | undefined;
  private retried = false;
  /** The observer of the attempt in flight (or committed to), when the call's observer watches attempts. */
  private attempt: AttemptObserver | undefined;
  /** Outlier detection's count of this call's end, when the policy keeps one. */
  private counter: StreamEndListener | undefined;

  constructor(
    channel: Channel,
    method: Method<I, O>,
    options: CallOptions<I>,
    setup: CallSetup,
    resolve: (response: O | Promise<O>) => void,
    reject: (error: unknown) => void,
  ) {
    this.channel = channel;
    this.method = method;
    this.options = options;
    this.setup = setup;
    this.resolve = resolve;
    this.reject = reject;
  }

  /** Sends the request frame, telling the call's observer (if any) once. */
  sendFirst(frame: Uint8Array): void {
    this.options.observer?.onMessageSent(frame.length - FRAME_HEADER_BYTES, frame[0] === 1);
    this.send(frame);
  }

  /** Sends the request frame on a connection picked now, or when the channel has one. */
  send(frame: Uint8Array): void {
    this.frame = frame;
    const credentials = this.setup.credentials;
    if (credentials !== undefined) {
      applyCallCredentials(this.channel, this.method, this.setup, credentials).then((setup) => {
        this.setup = setup;
        this.send(frame);
      }, this.reject);
      return;
    }
    const policy = this.setup.policy;
    // A request too big for the retry buffer is sent once, without retries (gRFC A6).
    if (policy !== undefined && !this.retried && frame.byteLength <= channelCore(this.channel).calls.bufferPool.perCallLimitBytes) {
      this.retried = true;
      // The request as the application sent it, once; each attempt's stream traces its own headers.
      const trace = this.setup.trace;
      if (trace !== undefined) trace.messageSent(frame, this.setup.compression?.name, this.request);
      const call = new RetryingCall(this.channel, this.setup, policy, this, false, this.options.observer);
      call.end(frame);
      this.watch = needsWatch(this.setup) ? new CallWatch(call, this.setup) : undefined;
      call.start();
      return;
    }
    // One attempt (a second one when the server refused the first unprocessed: a transparent retry).
    const observer = this.options.observer;
    if (observer?.onAttemptStart !== undefined) this.attempt = observer.onAttemptStart({ previousAttempts: 0, transparent: this.retried });
    try {
      const connection = pickConnection(this.channel, this.setup);
      if (connection instanceof Promise)
        connection.then(
          (ready) => this.open(ready),
          (error: unknown) => this.fail(error),
        );
      else this.open(connection);
    } catch (error) {
      this.fail(error);
    }
  }

  /** The call failed before or as its stream opened: the attempt ends with it. */
  private fail(error: unknown): void {
    const attempt = this.attempt;
    if (attempt !== undefined) {
      this.attempt = undefined;
      endAttempt(attempt, error);
    }
    this.reject(error);
  }

  /**
   * @internal StreamEndListener: the call ended, OK (undefined) or with a status. Runs in node's
   * 'close' event, so nothing may escape: a throwing onHeaders/onTrailers fails the call.
   */
  onStreamEnd(error: GrpcError | undefined): void {
    const stream = this.stream!;
    this.watch?.dispose();
    if (error !== undefined && stream.refused && !this.retried) {
      this.retried = true;
      const attempt = this.attempt;
      if (attempt !== undefined) {
        this.attempt = undefined;
        endAttempt(attempt, error);
      }
      this.send(this.frame!);
      return;
    }
    this.counter?.onStreamEnd(error);
    try {
      reportMetadata(stream, this.options);
      if (error !== undefined) this.fail(finalError(error, this.setup.deadline));
      else {
        const response = this.decode(stream, stream.takeFrames());
        const attempt = this.attempt;
        if (attempt !== undefined) {
          this.attempt = undefined;
          endAttemptWith(attempt, response);
        }
        this.resolve(response);
      }
    } catch (failure) {
      this.fail(failure);
    }
  }

  /** @internal RetryOwner: the attempt whose end is the call's (its observer ends with the call). */
  committed(stream: ClientStream, attempt: AttemptObserver | undefined): void {
    this.stream = stream;
    this.attempt = attempt;
  }

  /** @internal RetryOwner: the committed attempt ended. */
  ended(stream: ClientStream, error: GrpcError | undefined): void {
    this.stream = stream;
    this.onStreamEnd(error);
  }

  /** @internal RetryOwner: no attempt to show for the call. */
  failed(error: GrpcError): void {
    this.watch?.dispose();
    this.fail(finalError(error, this.setup.deadline));
  }

  private open(connection: Connection): void {
    try {
      const trace = this.setup.trace;
      const attempt = this.attempt;
      const headers = attempt === undefined ? this.setup.headers : attemptHeaders(this.setup.headers, attempt);
      const stream = new ClientStream(connection, headers, this.setup.maxReceiveBytes, false, trace);
      this.stream = stream;
      this.counter = callCounter(this.channel, connection);
      const frame = this.frame!;
      stream.end(frame);
      if (attempt !== undefined) attempt.onMessageSent(frame.length - FRAME_HEADER_BYTES, frame[0] === 1);
      if (trace !== undefined) trace.messageSent(frame, this.setup.compression?.name, this.request);
      this.watch = needsWatch(this.setup) ? new CallWatch(stream, this.setup) : undefined;
      stream.whenFinished(this);
    } catch (error) {
      this.fail(error);
    }
  }

  private decode(stream: ClientStream, frames: Frame[]): O | Promise<O> {
    if (frames.length !== 1) throw cardinalityError("response", frames.length);
    const frame = frames[0]!;
    const observer = this.options.observer;
    if (observer !== undefined) {
      observer.onMessageReceived(frame.payload.length, frame.compressed);
      this.attempt?.onMessageReceived(frame.payload.length, frame.compressed);
    }
    let compression: Compression | undefined;
    try {
      compression = compressionForReceive(stream.encoding, this.channel.compressions);
    } catch (error) {
      throw receiveCompressionError(error);
    }
    const trace = this.setup.trace;
    if (trace === undefined) return decodeMessage(frame, this.method.responseCodec, { compression, maxBytes: this.setup.maxReceiveBytes });
    return trace.receive(frame, stream.encoding, () =>
      decodeMessage(frame, this.method.responseCodec, { compression, maxBytes: this.setup.maxReceiveBytes }),
    );
  }
}

/** Calls `onHeaders` / `onTrailers` with what arrived; trailers-only responses have empty headers. */
export function reportMetadata<I>(stream: ClientStream, options: CallOptions<I>, headers = true, trailers = true): void {
  if (headers && options.onHeaders !== undefined && stream.responseHeaders !== undefined)
    options.onHeaders(stream.responseHeaders === stream.trailers ? new Metadata() : stream.responseMetadata()!);
  if (trailers && options.onTrailers !== undefined) options.onTrailers(stream.trailerMetadata() ?? new Metadata());
}
