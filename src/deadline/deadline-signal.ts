import { Code, GrpcError } from "../status/index.js";
import { MAX_TIMER_MS, type Deadline } from "./deadline.js";

/** The clock and timers deadlineSignal uses; tests pass a fake one to cover month-long deadlines. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
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
 * Node fires a setTimeout longer than 2^31-1 ms at once, so the wait is cut into steps of at most
 * MAX_TIMER_MS and re-armed until the deadline: a 30-day deadline fires after 30 days. A deadline
 * already past gives an aborted signal; Infinity never aborts.
 */
export function deadlineSignal(deadline: Deadline, clock: Clock = systemClock): { signal: AbortSignal; dispose(): void } {
  if (Number.isNaN(deadline)) throw new RangeError("deadline: deadline is NaN");
  const controller = new AbortController();
  let timer: unknown;
  const check = (): void => {
    timer = undefined;
    const left = deadline - clock.now();
    if (left <= 0) {
      const at = Number.isFinite(deadline) ? new Date(deadline).toISOString() : String(deadline);
      controller.abort(new GrpcError(Code.DeadlineExceeded, `deadline: exceeded (deadline was ${at})`));
    } else if (left !== Infinity) {
      timer = clock.setTimeout(check, Math.min(Math.ceil(left), MAX_TIMER_MS));
    }
  };
  check();
  return {
    signal: controller.signal,
    dispose() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
