/**
 * A token bucket: `burst` tokens to start with, refilled at `perSecond`, one spent per event.
 *
 * How the server budgets what a client may do often but not in floods: resetting calls
 * (CVE-2023-44487, rapid reset) and sending SETTINGS (CVE-2019-9515).
 */
export class TokenBucket {
  private readonly burst: number;
  private readonly perSecond: number;
  private tokens: number;
  private updatedAt = performance.now();

  constructor(burst: number, perSecond: number) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.tokens = burst;
  }

  /** Spends one token; false when none was left (the budget is spent). */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
