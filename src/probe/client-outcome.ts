import { codeName, isCode } from "../status/index.js";
import type { ClientOutcome } from "./client-check.js";
import type { Judgement } from "./server-check.js";

const NEVER_CALLED = "the client never called the probe's server, so its status says nothing about this response";

/** The client's result in one line: `printed 14 UNAVAILABLE "message" (exit 0, 1 call)`. */
export function describeOutcome(outcome: ClientOutcome): string {
  const parts: string[] = [];
  if (outcome.code === undefined) parts.push("printed no status line");
  else {
    const message =
      outcome.message === undefined
        ? ""
        : ` ${JSON.stringify(outcome.message.length > 100 ? `${outcome.message.slice(0, 97)}...` : outcome.message)}`;
    parts.push(`${outcome.code} ${isCode(outcome.code) ? codeName(outcome.code) : "?"}${message}`);
  }
  const facts = [
    outcome.timedOut ? "killed after the time bound" : outcome.signal !== null ? `ended by ${outcome.signal}` : `exit ${outcome.exitCode}`,
    `${outcome.attempts} call${outcome.attempts === 1 ? "" : "s"}`,
  ];
  const tail = outcome.code === undefined && outcome.stderrTail !== "" ? `; stderr: ${JSON.stringify(outcome.stderrTail)}` : "";
  return `${parts.join(" ")} (${facts.join(", ")})${tail}`;
}

/**
 * PASS when the client reported one of `expected`; a retry is allowed when `retryMayHide`
 * (then a later attempt's OK also passes, as the spec allows retrying such a call).
 */
export function expectCode(
  outcome: ClientOutcome,
  expected: readonly number[],
  options: { retryMayHide?: boolean; message?: (message: string) => string | undefined } = {},
): Judgement {
  const observed = describeOutcome(outcome);
  const names = expected.map((code) => `${codeName(code)} (${code})`).join(" or ");
  if (outcome.code === undefined) return { verdict: "FAIL", observed, note: `expected ${names}; the client reported no status` };
  if (outcome.attempts === 0) return { verdict: "FAIL", observed, note: NEVER_CALLED };
  if (options.retryMayHide === true && outcome.code === 0 && outcome.attempts > 1)
    return { verdict: "PASS", observed, note: "retried on a new attempt, which the probe answered OK" };
  if (!expected.includes(outcome.code)) return { verdict: "FAIL", observed, note: `expected ${names}` };
  const problem = options.message?.(outcome.message ?? "");
  return problem === undefined ? { verdict: "PASS", observed } : { verdict: "FAIL", observed, note: problem };
}

/** PASS when the client reported an error status (preferably `preferred`), FAIL on OK or no status. */
export function expectFailure(outcome: ClientOutcome, preferred: number): Judgement {
  const observed = describeOutcome(outcome);
  if (outcome.code === undefined) return { verdict: "FAIL", observed, note: "the client reported no status" };
  if (outcome.attempts === 0) return { verdict: "FAIL", observed, note: NEVER_CALLED };
  if (outcome.code === 0) return { verdict: "FAIL", observed, note: "the client took a broken response for success" };
  if (outcome.code !== preferred)
    return { verdict: "PASS", observed, note: `failed; ${codeName(preferred)} (${preferred}) would say more precisely why` };
  return { verdict: "PASS", observed };
}
