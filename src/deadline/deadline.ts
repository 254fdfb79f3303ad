/**
 * A deadline: the absolute time a call must end by, in epoch milliseconds (Date.now() scale).
 *
 * Absolute, so it can be handed across hops and compared without drifting; Infinity means none.
 */
export type Deadline = number;

/** The longest delay setTimeout honours (2^31-1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The deadline `timeoutMs` after `now`; a negative or zero timeout is already expired. */
export function deadlineFromTimeout(timeoutMs: number, now: number = Date.now()): Deadline {
  if (Number.isNaN(timeoutMs)) throw new RangeError("deadline: timeoutMs is NaN");
  return now + timeoutMs;
}

/** Milliseconds left until `deadline`, never below 0 (0 means expired). */
export function remainingMs(deadline: Deadline, now: number = Date.now()): number {
  return Math.max(0, deadline - now);
}

/** The earliest of the given deadlines, ignoring undefined ones; undefined when none is given. */
export function earliest(...deadlines: (Deadline | undefined)[]): Deadline | undefined {
  let result: Deadline | undefined;
  for (const deadline of deadlines)
    if (deadline !== undefined && !Number.isNaN(deadline) && (result === undefined || deadline < result)) result = deadline;
  return result;
}
