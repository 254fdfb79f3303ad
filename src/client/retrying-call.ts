import { formatTimeout } from "../deadline/index.js";
import { FRAME_HEADER_BYTES } from "../framing/index.js";
import { ClientStream, type Connection, type StreamEndListener } from "../http2/client/index.js";
import { GRPC_PREVIOUS_RPC_ATTEMPTS, GRPC_RETRY_PUSHBACK_MS, GRPC_TIMEOUT } from "../http2/index.js";
import {
  PUSHBACK_STOP,
  parsePushback,
  retryDelayMs,
  type HedgingPolicy,
  type RetryPolicy,
  type RetryThrottle,
} from "../service-config/index.js";
import type { AttemptObserver, ClientCallObserver } from "../pipeline/index.js";
import { Code, GrpcError, codeName } from "../status/index.js";
import { attemptHeaders, endAttempt } from "./call-attempt.js";
import { callCounter, deadlineError, pickConnection, pickOtherConnection, type CallSetup, type Cancellable } from "./call-setup.js";
import { channelCore, type Channel } from "./channel.js";
import type { RetryBufferPool } from "./retry-buffer-pool.js";

/** Who learns the outcome of a retried or hedged call. */
export interface RetryOwner {
  /**
   * The call committed to `stream` (its response headers came, or it is the last attempt): read
   * the response from it. `attempt` is that attempt's observer, which the owner ends with the call.
   */
  committed(stream: ClientStream, attempt: AttemptObserver | undefined): void;
  /** The committed stream ended: undefined for OK, else its status. */
  ended(stream: ClientStream, error: GrpcError | undefined): void;
  /** The call failed with no stream to show for it (no connection, deadline or cancel between attempts). */
  failed(error: GrpcError): void;
}

/** One attempt of a call: its stream and how many of the buffered messages it has sent. */
class Attempt implements StreamEndListener {
  readonly call: RetryingCall;
  /** The attempt's number in its call, from 1, transparent retries included (the trace names it). */
  readonly number: number;
  /** Attempts before this one that count against maxAttempts (AttemptStart.previousAttempts). */
  readonly previousAttempts: number;
  /** The observer of this attempt, until it was told the attempt's end (or handed to the owner at the commit). */
  observer: AttemptObserver | undefined;
  /** The trace has this attempt's end. */
  endTraced = false;
  stream: ClientStream | undefined;
  /** Buffered messages written to this attempt. */
  sent = 0;
  ended = false;
  /** The request never left the client (the connection was gone before the stream opened). */
  neverSent = false;
  /** This attempt lost to another one (hedging) and was cancelled by the call itself. */
  superseded = false;
  flushing: Promise<void> | undefined;
  /** Where outlier detection counts this attempt's end, against the backend that served it. */
  counter: StreamEndListener | undefined;

  constructor(call: RetryingCall, number: number, previousAttempts: number) {
    this.call = call;
    this.number = number;
    this.previousAttempts = previousAttempts;
  }

  onResponseHeaders(): void {
    this.call.attemptHeaders(this);
  }

  onStreamEnd(error: GrpcError | undefined): void {
    // A hedge cancelled because another attempt won says nothing about its backend (A50 counts
    // what backends answered); every other attempt's end counts, retried ones included.
    // A request the server refused unprocessed is not counted either, as on the call path without retries.
    if (!this.superseded && !(error !== undefined && this.stream?.refused === true)) this.counter?.onStreamEnd(error);
    this.call.traceAttemptEnd(this, error);
    this.call.attemptEnded(this, error);
    // The attempt the call committed to hands its observer to the owner, which ends it with the call.
    if (this.observer !== undefined && !this.call.isCommittedTo(this)) this.endObserver(error);
  }

  /** Tells the attempt's observer (if any) how the attempt ended, once. */
  endObserver(error: unknown): void {
    const observer = this.observer;
    if (observer === undefined) return;
    this.observer = undefined;
    endAttempt(observer, error);
  }
}

/**
 * A call with a retry or hedging policy (gRFC A6): sends its messages on one attempt after
 * another (retry) or on several at once (hedging), keeping them in the channel's retry buffer so
 * a new attempt replays them, until one attempt commits: its response headers arrive, or it is
 * the last one possible (out of attempts, a status that is not retried, pushback, throttling,
 * or the buffer overflowed). The owner then reads the response from that attempt's stream.
 *
 * The deadline spans every attempt (the CallWatch cancels this object); each retry carries
 * `grpc-previous-rpc-attempts` and the time left in `grpc-timeout`. Transparent retries do not
 * count as attempts: a request that never left the client is retried until the deadline, one the
 * server refused unprocessed (REFUSED_STREAM, or above a GOAWAY's last stream id) once per call.
 * https://github.com/grpc/proposal/blob/master/A6-client-retries.md
 */
export class RetryingCall implements Cancellable {
  private readonly channel: Channel;
  private readonly setup: CallSetup;
  private readonly policy: RetryPolicy | HedgingPolicy;
  private readonly owner: RetryOwner;
  private readonly paced: boolean;
  private readonly pool: RetryBufferPool;
  private readonly throttle: RetryThrottle | undefined;
  /** The call's observer, when it watches attempts (ClientCallObserver.onAttemptStart). */
  private readonly observer: ClientCallObserver | undefined;
  /** Sent messages, kept for replay; after commit, only those the committed attempt has yet to send. */
  private frames: Uint8Array[] = [];
  private halfClosed = false;
  private heldBytes = 0;
  /** The buffer overflowed: no attempt after those in flight (or the next one, when none is). */
  private overflowed = false;
  private readonly active: Attempt[] = [];
  private committedTo: Attempt | undefined;
  private done = false;
  private cancelledWith: GrpcError | undefined;
  /** The status of a call that failed with no attempt to show for it. */
  private failure: GrpcError | undefined;
  /** Attempts counted against maxAttempts; transparent retries are not. */
  private attempts = 0;
  /** Every attempt sent, transparent ones included: the next one's grpc-previous-rpc-attempts. */
  private sentAttempts = 0;
  private transparentUsed = false;
  /** previousAttempts of the attempt a transparent retry replaces. */
  private refusedPrevious = 0;
  private retriesSincePushback = 0;
  private timer: NodeJS.Timeout | undefined;
  private hedgesStopped = false;
  private picking = 0;
  private lastFailure: { attempt: Attempt; error: GrpcError } | undefined;
  private readyWaiters: (() => void)[] = [];
  /** Hedging: the connections this call's attempts went to, which the next hedge avoids (gRFC A6). */
  private usedConnections: Connection[] | undefined;

  constructor(
    channel: Channel,
    setup: CallSetup,
    policy: RetryPolicy | HedgingPolicy,
    owner: RetryOwner,
    paced: boolean,
    observer?: ClientCallObserver,
  ) {
    this.channel = channel;
    this.observer = observer?.onAttemptStart === undefined ? undefined : observer;
    this.setup = setup;
    this.policy = policy;
    this.owner = owner;
    this.paced = paced;
    const calls = channelCore(channel).calls;
    this.pool = calls.bufferPool;
    this.throttle = calls.throttle;
  }

  /** The call's status once it ended: undefined while running (as ClientStream.status). */
  get status(): GrpcError | null | undefined {
    if (this.committedTo !== undefined) return this.committedTo.stream?.status;
    return this.done ? this.failure : undefined;
  }

  /** Starts the first attempt (and, for hedging, the timer of the next). */
  start(): void {
    this.startAttempt(false);
  }

  /**
   * Sends one message on every live attempt, keeping it for replay while it fits the buffer.
   * Returns undefined when it went out without backpressure, else a promise that resolves when
   * the leading attempt took it.
   */
  write(frame: Uint8Array): Promise<void> | undefined {
    if (this.done) return undefined;
    if (this.committedTo === undefined && !this.overflowed && !this.pool.reserve(frame.byteLength, this.heldBytes)) this.overflow();
    else if (this.committedTo === undefined && !this.overflowed) this.heldBytes += frame.byteLength;
    this.frames.push(frame);
    return this.flushAll();
  }

  /** Half-closes the call: every attempt ends its request once it has sent every message. */
  end(frame?: Uint8Array): void {
    if (frame !== undefined) void this.write(frame);
    this.halfClosed = true;
    void this.flushAll();
  }

  /** Cancels the call: every attempt is reset, and no other starts. */
  cancel(error: GrpcError): void {
    if (this.done) return;
    if (this.committedTo !== undefined) {
      this.committedTo.stream?.cancel(error);
      return;
    }
    this.cancelledWith ??= error;
    this.clearTimer();
    if (this.active.length === 0 || this.active.every((attempt) => attempt.stream === undefined)) this.fail(error);
    else for (const attempt of this.active.slice()) attempt.stream?.cancel(error);
  }

  /** @internal An attempt received response headers: the call commits to it. */
  attemptHeaders(attempt: Attempt): void {
    if (this.committedTo === undefined && !this.done) this.commit(attempt);
  }

  /** @internal An attempt's stream ended. */
  attemptEnded(attempt: Attempt, error: GrpcError | undefined): void {
    attempt.ended = true;
    this.remove(attempt);
    if (this.done) return;
    const committed = this.committedTo;
    if (committed !== undefined) {
      if (committed !== attempt) return; // an attempt that lost, cancelled at the commit
      this.finish(attempt, error);
      return;
    }
    if (error === undefined || this.cancelledWith !== undefined) {
      this.commit(attempt);
      this.finish(attempt, error);
      return;
    }
    const stream = attempt.stream!;
    // Never processed by the server: not counted as an attempt; a request that never left the
    // client is retried until the deadline, one the server refused once per call (A6).
    if (stream.refused && (attempt.neverSent || !this.transparentUsed)) {
      if (!attempt.neverSent) this.transparentUsed = true;
      this.refusedPrevious = attempt.previousAttempts;
      this.setup.trace?.emit("call", "retry-transparent", { attempt: attempt.number, sent: !attempt.neverSent });
      // After one macrotask: a connection that died under this stream has told its subchannel by then,
      // so the pick does not land on it again.
      this.clearTimer();
      this.timer = setTimeout(this.transparentRetryNow, 0);
      return;
    }
    const policy = this.policy;
    const codes = policy.kind === "retry" ? policy.retryableStatusCodes : policy.nonFatalStatusCodes;
    const retryable = codes.includes(error.code);
    const pushback = parsePushback(stream.trailers?.[GRPC_RETRY_PUSHBACK_MS]);
    if (retryable || pushback === PUSHBACK_STOP) this.throttle?.recordFailure();
    if (policy.kind === "retry") {
      if (!retryable || pushback === PUSHBACK_STOP || !this.mayStartAnother()) {
        this.setup.trace?.emit("call", "retry-stop", { attempt: attempt.number, reason: this.stopReason(retryable, pushback) });
        this.commit(attempt);
        this.finish(attempt, error);
        return;
      }
      let delayMs: number;
      if (pushback !== undefined) {
        delayMs = pushback;
        this.retriesSincePushback = 0;
      } else delayMs = retryDelayMs(policy, ++this.retriesSincePushback);
      this.setup.trace?.emit("call", "retry-delay", {
        attempt: attempt.number,
        delayMs: Math.round(delayMs),
        pushback: pushback !== undefined,
      });
      this.lastFailure = { attempt, error };
      this.timer = setTimeout(this.retryNow, delayMs);
      return;
    }
    // Hedging: a fatal status ends the call; a non-fatal one lets the others go on and starts the next at once.
    if (!retryable) {
      this.setup.trace?.emit("call", "retry-stop", { attempt: attempt.number, reason: this.stopReason(retryable, pushback) });
      this.commit(attempt);
      this.finish(attempt, error);
      return;
    }
    this.lastFailure = { attempt, error };
    if (pushback === PUSHBACK_STOP) {
      this.setup.trace?.emit("call", "retry-stop", { attempt: attempt.number, reason: this.stopReason(retryable, pushback) });
      this.hedgesStopped = true;
      this.clearTimer();
    } else if (pushback !== undefined) {
      this.clearTimer();
      if (this.attempts < policy.maxAttempts) {
        this.setup.trace?.emit("call", "retry-delay", { attempt: attempt.number, delayMs: pushback, pushback: true });
        this.timer = setTimeout(this.hedgeNow, pushback);
      }
    } else if (this.mayStartAnother()) {
      // "At once", after one macrotask, as for the transparent retry above.
      this.clearTimer();
      this.timer = setTimeout(this.hedgeNow, 0);
    }
    this.settleIfExhausted();
  }

  private readonly transparentRetryNow = (): void => {
    this.timer = undefined;
    if (this.done || this.committedTo !== undefined) return;
    this.startAttempt(true);
    // Hedging: the timer of the next hedge was cleared for this one; schedule it again.
    const policy = this.policy;
    if (policy.kind === "hedging" && this.timer === undefined && this.attempts < policy.maxAttempts && !this.hedgesStopped)
      this.timer = setTimeout(this.hedgeNow, policy.hedgingDelayMs);
  };

  private readonly retryNow = (): void => {
    this.timer = undefined;
    if (this.done) return;
    this.startAttempt(false);
  };

  private readonly hedgeNow = (): void => {
    this.timer = undefined;
    if (this.done || this.committedTo !== undefined) return;
    if (this.mayStartAnother()) this.startAttempt(false);
    else this.hedgesStopped = true;
    this.settleIfExhausted();
  };

  /** Why a failed attempt is not retried, for the trace. */
  private stopReason(retryable: boolean, pushback: number | undefined): string {
    if (!retryable) return "status not retryable";
    if (pushback === PUSHBACK_STOP) return "server pushback said stop";
    if (this.cancelledWith !== undefined) return "call cancelled";
    if (this.attempts >= this.policy.maxAttempts) return `all ${this.policy.maxAttempts} attempts made`;
    if (this.overflowed) return "retry buffer full";
    return "retry throttling";
  }

  /** @internal Whether the call committed to `attempt` (its owner then ends the attempt's observer). */
  isCommittedTo(attempt: Attempt): boolean {
    return this.committedTo === attempt;
  }

  /** @internal Traces an attempt's end with its status. */
  traceAttemptEnd(attempt: Attempt, error: GrpcError | undefined): void {
    const trace = this.setup.trace;
    if (trace === undefined || attempt.endTraced) return;
    attempt.endTraced = true;
    const data: Record<string, unknown> =
      error === undefined
        ? { attempt: attempt.number, code: Code.Ok, codeName: "OK" }
        : { attempt: attempt.number, code: error.code, codeName: codeName(error.code), message: error.statusMessage };
    trace.emit("call", "attempt-end", data);
  }

  /** A retry or hedge may start: attempts left, not committed or overflowed, throttling allows. */
  private mayStartAnother(): boolean {
    if (this.attempts >= this.policy.maxAttempts || this.overflowed || this.hedgesStopped || this.cancelledWith !== undefined) return false;
    return this.throttle === undefined || this.throttle.allows();
  }

  /** Hedging: with nothing in flight and nothing more to start, the last failure is the call's. */
  private settleIfExhausted(): void {
    if (this.done || this.committedTo !== undefined || this.active.length > 0 || this.picking > 0 || this.timer !== undefined) return;
    const last = this.lastFailure!;
    this.commit(last.attempt);
    this.finish(last.attempt, last.error);
  }

  private startAttempt(transparent: boolean): void {
    if (!transparent) this.attempts++;
    const previous = this.sentAttempts++;
    const previousAttempts = transparent ? this.refusedPrevious : this.attempts - 1;
    const attempt = new Attempt(this, previous + 1, previousAttempts);
    if (this.observer !== undefined) attempt.observer = this.observer.onAttemptStart!({ previousAttempts, transparent });
    const trace = this.setup.trace;
    if (trace !== undefined) {
      const data: Record<string, unknown> = { attempt: attempt.number, previousRpcAttempts: previous, transparent };
      if (this.policy.kind === "hedging" && !transparent && previousAttempts > 0) data.hedge = true;
      trace.emit("call", "attempt-start", data);
    }
    this.active.push(attempt);
    if (this.policy.kind === "hedging" && !transparent && this.attempts < this.policy.maxAttempts && !this.hedgesStopped) {
      this.clearTimer();
      this.timer = setTimeout(this.hedgeNow, this.policy.hedgingDelayMs);
    }
    let connection: Connection | Promise<Connection>;
    try {
      const used = this.usedConnections;
      connection = used === undefined ? pickConnection(this.channel, this.setup) : pickOtherConnection(this.channel, this.setup, used);
    } catch (error) {
      this.pickFailed(attempt, error);
      return;
    }
    if (!(connection instanceof Promise)) {
      this.open(attempt, connection, previous);
      return;
    }
    this.picking++;
    connection.then(
      (ready) => {
        this.picking--;
        this.open(attempt, ready, previous);
      },
      (error: unknown) => {
        this.picking--;
        this.pickFailed(attempt, error);
      },
    );
  }

  private open(attempt: Attempt, connection: Connection, previous: number): void {
    if (this.done || this.committedTo !== undefined || this.cancelledWith !== undefined) {
      this.remove(attempt);
      this.abandon(
        attempt,
        this.cancelledWith ?? new GrpcError(Code.Cancelled, "cancelled: the call ended before this attempt opened its stream"),
      );
      if (this.cancelledWith !== undefined && this.active.length === 0) this.fail(this.cancelledWith);
      return;
    }
    let stream: ClientStream;
    try {
      const headers = this.headers(previous);
      const observer = attempt.observer;
      stream = new ClientStream(
        connection,
        observer === undefined ? headers : attemptHeaders(headers, observer),
        this.setup.maxReceiveBytes,
        this.paced,
        this.setup.trace,
      );
    } catch (error) {
      this.pickFailed(attempt, error);
      return;
    }
    attempt.stream = stream;
    if (this.policy.kind === "hedging") (this.usedConnections ??= []).push(connection);
    attempt.neverSent = stream.refused && stream.status !== undefined;
    if (!attempt.neverSent) attempt.counter = callCounter(this.channel, connection);
    stream.whenFinished(attempt);
    if (!attempt.ended) void this.flush(attempt);
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const wake of waiters) wake();
  }

  /** No connection for an attempt (fail-fast, deadline, shutdown): the call fails, as a first attempt would. */
  private pickFailed(attempt: Attempt, error: unknown): void {
    this.remove(attempt);
    this.abandon(attempt, GrpcError.from(error, Code.Unavailable, "client: no connection for a retry attempt"));
    if (this.done || this.committedTo !== undefined) return;
    if (this.active.length > 0) return; // hedging: the attempts in flight decide
    this.fail(GrpcError.from(error, Code.Unavailable, "client: no connection for a retry attempt"));
  }

  /** An attempt that ends without a stream (no connection, or the call ended first): traced, its observer told. */
  private abandon(attempt: Attempt, error: GrpcError): void {
    this.traceAttemptEnd(attempt, error);
    attempt.endObserver(error);
  }

  /** The request headers of an attempt: the first one's as set up; later ones say how many came before and the time left. */
  private headers(previous: number): CallSetup["headers"] {
    if (previous === 0) return this.setup.headers;
    const headers: Record<string, unknown> = { ...this.setup.headers, [GRPC_PREVIOUS_RPC_ATTEMPTS]: String(previous) };
    const deadline = this.setup.deadline;
    if (deadline !== undefined) headers[GRPC_TIMEOUT] = formatTimeout(Math.max(1, deadline - Date.now()));
    return headers as CallSetup["headers"];
  }

  /** Writes the buffered messages an attempt has not sent yet, then ends its request when half-closed. */
  private flush(attempt: Attempt): Promise<void> | undefined {
    if (attempt.flushing !== undefined) return attempt.flushing;
    const stream = attempt.stream;
    if (stream === undefined) return undefined;
    while (attempt.sent < this.frames.length) {
      if (attempt.ended || stream.status !== undefined) return undefined;
      const frame = this.frames[attempt.sent++]!;
      this.release(attempt);
      attempt.observer?.onMessageSent(frame.length - FRAME_HEADER_BYTES, frame[0] === 1);
      // The last message of a half-closed call goes out with END_STREAM, in one DATA frame (as on the call path without retries).
      if (this.halfClosed && attempt.sent === this.frames.length) {
        stream.end(frame);
        return undefined;
      }
      const drained = stream.write(frame);
      if (drained !== undefined) {
        attempt.flushing = drained.then(() => {
          attempt.flushing = undefined;
          return this.flush(attempt);
        });
        return attempt.flushing;
      }
    }
    if (this.halfClosed && !attempt.ended) stream.end();
    return undefined;
  }

  /** Flushes every live attempt; the promise is the leading attempt's backpressure (or the wait for an attempt). */
  private flushAll(): Promise<void> | undefined {
    let wait: Promise<void> | undefined;
    for (const attempt of this.active.slice()) {
      const flushing = this.flush(attempt);
      if (attempt === this.committedTo || wait === undefined) wait = flushing;
    }
    if (this.active.every((attempt) => attempt.stream === undefined) && !this.done)
      return new Promise((resolve) => this.readyWaiters.push(resolve));
    return wait;
  }

  /** After the commit, the committed attempt's sent messages leave the buffer. */
  private release(attempt: Attempt): void {
    if (attempt !== this.committedTo || attempt.sent < 64) return;
    this.frames.splice(0, attempt.sent);
    attempt.sent = 0;
  }

  /** The message did not fit the buffer: retry commits to the attempt in flight, hedging to the one furthest along. */
  private overflow(): void {
    this.overflowed = true;
    this.hedgesStopped = true;
    this.clearTimer();
    this.giveBack();
    let leading: Attempt | undefined;
    for (const attempt of this.active)
      if (attempt.stream !== undefined && (leading === undefined || attempt.sent > leading.sent)) leading = attempt;
    if (leading !== undefined) this.commit(leading);
  }

  private commit(attempt: Attempt): void {
    if (this.committedTo !== undefined) return;
    this.committedTo = attempt;
    this.setup.trace?.emit("call", "commit", { attempt: attempt.number });
    this.clearTimer();
    this.giveBack();
    this.frames.splice(0, attempt.sent);
    attempt.sent = 0;
    // Built only when another attempt is in flight: a status costs a stack trace, and most calls commit to their only attempt.
    let lost: GrpcError | undefined;
    for (const other of this.active.slice()) {
      if (other === attempt) continue;
      lost ??= new GrpcError(Code.Cancelled, "cancelled: another attempt of this hedged call answered first");
      this.remove(other);
      other.ended = true;
      other.superseded = true;
      other.stream?.cancel(lost);
      // Its end is traced now, where the call cancelled it: the stream's close may come later.
      this.traceAttemptEnd(other, lost);
    }
    const observer = attempt.observer;
    attempt.observer = undefined;
    this.owner.committed(attempt.stream!, observer);
  }

  private finish(attempt: Attempt, error: GrpcError | undefined): void {
    this.done = true;
    this.clearTimer();
    this.frames = [];
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const wake of waiters) wake();
    if (error === undefined) this.throttle?.recordSuccess();
    this.owner.ended(attempt.stream!, error);
  }

  private fail(error: GrpcError): void {
    if (this.done) return;
    this.done = true;
    this.failure = error;
    this.clearTimer();
    this.giveBack();
    this.frames = [];
    for (const attempt of this.active.slice()) {
      if (attempt.stream !== undefined) attempt.stream.cancel(error);
      else {
        // Still picking a connection: its end is now (open() and pickFailed() find the call done).
        this.remove(attempt);
        this.abandon(attempt, error);
      }
    }
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const wake of waiters) wake();
    this.owner.failed(error.code === Code.DeadlineExceeded || this.setup.deadline === undefined ? error : this.deadlineAware(error));
  }

  /** A cancel that raced the deadline reads as DEADLINE_EXCEEDED. */
  private deadlineAware(error: GrpcError): GrpcError {
    const deadline = this.setup.deadline!;
    return error.code === Code.Cancelled && Date.now() >= deadline ? deadlineError(deadline, deadline) : error;
  }

  private giveBack(): void {
    if (this.heldBytes === 0) return;
    this.pool.release(this.heldBytes);
    this.heldBytes = 0;
  }

  private remove(attempt: Attempt): void {
    const index = this.active.indexOf(attempt);
    if (index >= 0) this.active.splice(index, 1);
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
