/** Reconnect backoff settings; every field defaults to the spec's value. */
export interface BackoffOptions {
  /** First delay after a failed connection attempt. Default 1000 ms. */
  initialBackoffMs?: number | undefined;
  /** Growth factor per failed attempt. Default 1.6. */
  multiplier?: number | undefined;
  /** Ceiling of the delay. Default 120000 ms. */
  maxBackoffMs?: number | undefined;
  /** Random spread, as a fraction of the delay (0.2 = ±20 %). Default 0.2. */
  jitter?: number | undefined;
  /** Least time one connection attempt is given. Default 20000 ms. */
  minConnectTimeoutMs?: number | undefined;
}

/**
 * Exponential reconnect backoff with jitter.
 *
 * Each attempt gets `max(currentBackoff, minConnectTimeout)` to connect; after a failure the
 * next attempt starts `currentBackoff` (± jitter) after the previous one began.
 * https://github.com/grpc/grpc/blob/master/doc/connection-backoff.md
 */
export class Backoff {
  private readonly initialMs: number;
  private readonly multiplier: number;
  private readonly maxMs: number;
  private readonly jitter: number;
  readonly minConnectTimeoutMs: number;
  private currentMs: number;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialMs = positive(options.initialBackoffMs, 1000, "initialBackoffMs");
    this.multiplier = positive(options.multiplier, 1.6, "multiplier");
    this.maxMs = positive(options.maxBackoffMs, 120_000, "maxBackoffMs");
    this.jitter = options.jitter ?? 0.2;
    if (!(this.jitter >= 0 && this.jitter < 1)) throw new RangeError("backoff: jitter must be in [0, 1)");
    this.minConnectTimeoutMs = positive(options.minConnectTimeoutMs, 20_000, "minConnectTimeoutMs");
    this.currentMs = this.initialMs;
  }

  /** The time the next connection attempt may take. */
  connectTimeoutMs(): number {
    return Math.max(this.currentMs, this.minConnectTimeoutMs);
  }

  /** Returns the delay before the next attempt (jittered) and grows the backoff. */
  next(): number {
    const delay = this.currentMs * (1 + this.jitter * (this.random() * 2 - 1));
    this.currentMs = Math.min(this.currentMs * this.multiplier, this.maxMs);
    return delay;
  }

  /** Back to the initial delay, after a connection succeeded. */
  reset(): void {
    this.currentMs = this.initialMs;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`backoff: ${name} must be a positive number`);
  return value;
}
