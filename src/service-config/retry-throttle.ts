import type { RetryThrottling } from "./service-config.js";

/**
 * The retry token bucket of one channel (gRFC A6 "Throttling Retry Attempts and Hedged RPCs"):
 * starts full at `maxTokens`; a failed attempt (a retryable or non-fatal status, or pushback
 * saying stop) takes one token, a successful call gives back `tokenRatio`. While tokens are at
 * or below half of `maxTokens`, no retry or hedge is started; first attempts always go.
 */
export class RetryThrottle {
  readonly maxTokens: number;
  readonly tokenRatio: number;
  // Counted in thousandths, so that adding 0.1 ten times is exactly one token.
  private milliTokens: number;
  private readonly milliRatio: number;
  private readonly milliMax: number;

  constructor(config: RetryThrottling) {
    this.maxTokens = config.maxTokens;
    this.tokenRatio = config.tokenRatio;
    this.milliMax = Math.round(config.maxTokens * 1000);
    this.milliRatio = Math.round(config.tokenRatio * 1000);
    this.milliTokens = this.milliMax;
  }

  /** The tokens now, between 0 and maxTokens. */
  get tokens(): number {
    return this.milliTokens / 1000;
  }

  /** Whether a retry or hedge may start now: tokens above half the bucket. */
  allows(): boolean {
    return this.milliTokens * 2 > this.milliMax;
  }

  /** An attempt failed in a way that counts (retryable or non-fatal status, or pushback "stop"). */
  recordFailure(): void {
    this.milliTokens = Math.max(0, this.milliTokens - 1000);
  }

  /** A call succeeded. */
  recordSuccess(): void {
    this.milliTokens = Math.min(this.milliMax, this.milliTokens + this.milliRatio);
  }
}
