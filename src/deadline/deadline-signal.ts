import { Code, GrpcError } from "../status/index.js";
import { MAX_TIMER_MS, type Deadline } from "./deadline.js";

/** The clock and timers deadlineSignal uses; tests pass a fake one to cover month-long deadlines. */
export interface Clock {
  /** The current time in milliseconds since the epoch, as Date.now. */
  now(): number;
  /** Calls `callback` after `ms` milliseconds; returns a handle for clearTimeout. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer setTimeout returned. */
  clearTimeout(handle: unknown): void;
}

/** What deadlineSignal returns: the signal (created on first use) and the function that clears its timer. */
export interface DeadlineSignal {
  /** Aborts at the deadline with GrpcError(DeadlineExceeded). */
  readonly signal: AbortSignal;
  /** Clears the timer; call it when the guarded work ends first. */
  dispose(): void;
}

const systemClock: Clock = {
  now: Date.now,
  setTimeout(callback, ms) {
    // A deadline alone must not keep the process alive: the call it guards does that.
    return setTimeout(callback, ms).unref();
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * An AbortSignal that aborts at `deadline` with GrpcError(DeadlineExceeded); call dispose() in a
 * finally block to clear its timer.
 *
 * The signal and its timer are created on first access of `signal`: an AbortSignal costs far more
 * than the rest of a unary call's bookkeeping, and many calls finish without anyone listening.
 * Node fires a setTimeout longer than 2^31-1 ms at once, so the wait is cut into steps of at most
 * MAX_TIMER_MS and re-armed until the deadline: a 30-day deadline fires after 30 days. A deadline
 * already past gives an aborted signal; Infinity never aborts.
 */
export function deadlineSignal(deadline: Deadline, clock: Clock = systemClock): DeadlineSignal {
  if (Number.isNaN(deadline)) throw new RangeError("deadline: deadline is NaN");
  return new LazyDeadlineSignal(deadline, clock);
}

class LazyDeadlineSignal implements DeadlineSignal {
  private controller: AbortController | undefined;
  private timer: unknown;
  private disposed = false;

  constructor(
    private readonly deadline: Deadline,
    private readonly clock: Clock,
  ) {}

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      this.check();
    }
    return this.controller.signal;
  }

  /** Clears the timer; an arrow so that `const { signal, dispose } = deadlineSignal(…)` works. */
  readonly dispose = (): void => {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  };

  /** Aborts if the deadline has passed; otherwise arms the next step, unless disposed. */
  private readonly check = (): void => {
    this.timer = undefined;
    const left = this.deadline - this.clock.now();
    if (left <= 0) {
      const at = Number.isFinite(this.deadline) ? new Date(this.deadline).toISOString() : String(this.deadline);
      this.controller!.abort(new GrpcError(Code.DeadlineExceeded, `deadline: exceeded (deadline was ${at})`));
    } else if (left !== Infinity && !this.disposed) {
      this.timer = this.clock.setTimeout(this.check, Math.min(Math.ceil(left), MAX_TIMER_MS));
    }
  };
}
