// The JSON form of the load-balancing configs (gRFC A2 `loadBalancingConfig`), as users write
// them in channel options or a service config. Each policy's file validates its own.

/**
 * One entry of gRFC A2's `loadBalancingConfig` list: an object with exactly one key, the
 * policy's name, whose value is that policy's config.
 * https://github.com/grpc/grpc/blob/master/doc/service_config.md
 */
export type LoadBalancingConfigEntry =
  | { pick_first: PickFirstConfig; round_robin?: never; outlier_detection_experimental?: never }
  | { round_robin: Record<string, never>; pick_first?: never; outlier_detection_experimental?: never }
  | { outlier_detection_experimental: OutlierDetectionConfig; pick_first?: never; round_robin?: never };

/** A google.protobuf.Duration in its JSON form: seconds with up to 9 decimals and an "s" ("10s", "0.25s"). */
export type DurationString = `${number}s`;

/** The JSON config of pick_first (`{ "pick_first": { "shuffleAddressList": true } }`). */
export interface PickFirstConfig {
  /** Shuffle the addresses of every resolver result before trying them (gRFC A62). Default false. */
  shuffleAddressList?: boolean | undefined;
}

/** Success-rate ejection (gRFC A50): eject addresses whose success rate is a statistical outlier. */
export interface SuccessRateEjectionConfig {
  /** Ejection below `mean - stdev * stdevFactor / 1000` of the success rates. Default 1900. */
  stdevFactor?: number | undefined;
  /** Chance in % that a detected outlier is ejected. Default 100. */
  enforcementPercentage?: number | undefined;
  /** Addresses with enough calls needed before any is judged. Default 5. */
  minimumHosts?: number | undefined;
  /** Calls in one interval for an address to be judged. Default 100. */
  requestVolume?: number | undefined;
}

/** Failure-percentage ejection (gRFC A50): eject addresses whose failure percentage is over a threshold. */
export interface FailurePercentageEjectionConfig {
  /** Ejection above this failure percentage. Default 85. */
  threshold?: number | undefined;
  /** Chance in % that a detected outlier is ejected. Default 100. */
  enforcementPercentage?: number | undefined;
  /** Addresses needed before any is judged. Default 5. */
  minimumHosts?: number | undefined;
  /** Calls in one interval for an address to be judged. Default 50. */
  requestVolume?: number | undefined;
}

/**
 * The JSON config of `outlier_detection_experimental` (gRFC A50; durations in the JSON form
 * "10s"). Without either ejection config the policy only delegates to its child.
 */
export interface OutlierDetectionConfig {
  /** Time between sweeps. Default "10s". */
  interval?: DurationString | undefined;
  /** Ejection time, multiplied by the number of times the address was ejected. Default "30s". */
  baseEjectionTime?: DurationString | undefined;
  /** Longest ejection. Default the larger of "300s" and baseEjectionTime. */
  maxEjectionTime?: DurationString | undefined;
  /** Most addresses ejected at once, in % (at least one is always possible). Default 10. */
  maxEjectionPercent?: number | undefined;
  successRateEjection?: SuccessRateEjectionConfig | undefined;
  failurePercentageEjection?: FailurePercentageEjectionConfig | undefined;
  /** The policy that balances over the addresses not ejected (an A2 loadBalancingConfig list). Required. */
  childPolicy: readonly LoadBalancingConfigEntry[];
}
