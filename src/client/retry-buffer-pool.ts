/** Default size of a channel's retry buffer: 16 MiB, as grpc-js (gRFC A6 "retry_buffer_size_in_bytes"). */
export const DEFAULT_RETRY_BUFFER_BYTES = 16 * 1024 * 1024;
/** Default share of one call: 1 MiB, as grpc-js (gRFC A6 "per_rpc_buffer_limit_in_bytes"). */
export const DEFAULT_PER_CALL_RETRY_BUFFER_BYTES = 1024 * 1024;

/**
 * The bytes of sent messages a channel keeps so that retried and hedged calls can replay them
 * (gRFC A6 "Memory Management"). A call reserves each message as it is sent; one that does not
 * fit, in its own share or in the channel's total, commits to the attempt in flight and gives
 * its bytes back, as does every call once it is committed.
 */
export class RetryBufferPool {
  readonly limitBytes: number;
  readonly perCallLimitBytes: number;
  private usedBytes = 0;

  constructor(limitBytes: number, perCallLimitBytes: number) {
    this.limitBytes = limitBytes;
    this.perCallLimitBytes = perCallLimitBytes;
  }

  /** Bytes reserved now, across the channel's calls. */
  get used(): number {
    return this.usedBytes;
  }

  /** Reserves `bytes` for a call already holding `heldBytes`; false (nothing reserved) when it does not fit. */
  reserve(bytes: number, heldBytes: number): boolean {
    if (heldBytes + bytes > this.perCallLimitBytes || this.usedBytes + bytes > this.limitBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  /** Gives back bytes reserved earlier. */
  release(bytes: number): void {
    this.usedBytes -= bytes;
  }
}
