import type { GrpcError } from "../status/index.js";

/**
 * The call results of one address for outlier detection (gRFC A50 "Call Counter", after
 * Envoy's): calls end into the active bucket; each sweep of the detector swaps the buckets, so
 * it reads the results of the last interval while new ones accumulate.
 *
 * `onStreamEnd` has the shape of the client's stream-end listener, so the call path hands the
 * counter itself to the stream: no closure per call.
 * https://github.com/grpc/proposal/blob/master/A50-xds-outlier-detection.md#call-counter
 */
export class CallCounter {
  private activeSuccesses = 0;
  private activeFailures = 0;
  /** Successes of the last finished interval. */
  successes = 0;
  /** Failures (any status but OK) of the last finished interval. */
  failures = 0;

  /** A call on this address ended: OK (undefined) or with a status. */
  onStreamEnd(error: GrpcError | undefined): void {
    if (error === undefined) this.activeSuccesses++;
    else this.activeFailures++;
  }

  /** Ends an interval: its results become `successes`/`failures`, and counting starts again at zero. */
  swap(): void {
    this.successes = this.activeSuccesses;
    this.failures = this.activeFailures;
    this.activeSuccesses = this.activeFailures = 0;
  }

  /** Calls of the last finished interval. */
  get volume(): number {
    return this.successes + this.failures;
  }
}
