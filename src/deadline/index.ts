export { formatTimeout, parseTimeout } from "./timeout-header.js";
export { MAX_TIMER_MS, deadlineFromTimeout, earliest, remainingMs, type Deadline } from "./deadline.js";
export { deadlineSignal, type Clock, type DeadlineSignal } from "./deadline-signal.js";
