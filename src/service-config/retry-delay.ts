import type { RetryPolicy } from "./service-config.js";

/** What `parsePushback` returns for a pushback that says: do not retry. */
export const PUSHBACK_STOP = -1;

const PUSHBACK_PATTERN = /^(?:0|[1-9][0-9]{0,9})$/;

/**
 * Reads a `grpc-retry-pushback-ms` trailer: undefined when absent, the delay in ms when it is a
 * non-negative 32-bit integer without leading zeros, and PUSHBACK_STOP when it is negative or
 * cannot be read, which means the server asks not to retry at all (gRFC A6 "Pushback").
 */
export function parsePushback(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !PUSHBACK_PATTERN.test(text)) return PUSHBACK_STOP;
  const ms = Number(text);
  return ms > 0x7fff_ffff ? PUSHBACK_STOP : ms;
}

/**
 * The random delay before retry number `retry` (1 for the first retry) of a retry policy:
 * `random(0, min(initialBackoff * backoffMultiplier^(n-1), maxBackoff))`, where n counts the
 * retries since the last server pushback (it resets the backoff to its initial bound).
 * https://github.com/grpc/proposal/blob/master/A6-client-retries.md#exponential-backoff
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const bound = Math.min(policy.initialBackoffMs * policy.backoffMultiplier ** (retry - 1), policy.maxBackoffMs);
  return random() * bound;
}
