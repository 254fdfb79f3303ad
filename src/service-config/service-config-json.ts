/**
 * A service config as JSON, the shape gRFC A2 defines and `ChannelOptions.serviceConfig` accepts
 * (as this object, or as its JSON text). Durations are proto3 JSON strings ("1.5s"), status
 * codes are names ("UNAVAILABLE") or numbers. Fields this library does not know are ignored, as
 * the spec asks, so a config written for another gRPC works here.
 * https://github.com/grpc/proposal/blob/master/A2-service-configs-in-dns.md
 */
export interface ServiceConfigJson {
  /** Load-balancing policies in order of preference: `[{ "round_robin": {} }]`; the first one the channel knows is used. */
  loadBalancingConfig?: readonly LoadBalancingConfigJson[] | undefined;
  /** Deprecated by `loadBalancingConfig` (used only without it): a policy name such as "round_robin". */
  loadBalancingPolicy?: string | undefined;
  /** Per-method settings; the most specific name match wins (method, then service, then the default `{}`). */
  methodConfig?: readonly MethodConfigJson[] | undefined;
  /** Throttles retries and hedges of the whole channel when too many calls fail (gRFC A6). */
  retryThrottling?: RetryThrottlingJson | undefined;
  /** Client-side health checking (gRFC A17): the service name asked of `grpc.health.v1.Health`. */
  healthCheckConfig?: { serviceName?: string | null | undefined } | undefined;
}

/** One entry of `loadBalancingConfig`: exactly one key, the policy name, holding its config object. */
export type LoadBalancingConfigJson = Readonly<Record<string, object>>;

/** The name a method config applies to: a method, every method of a service, or (`{}`) every method. */
export interface MethodNameJson {
  /** Full service name with its package ("helloworld.Greeter"); absent or "" only in the default `{}`. */
  service?: string | null | undefined;
  /** Method name ("SayHello"); absent or "" for every method of `service`. */
  method?: string | null | undefined;
}

/** One `methodConfig` entry. `retryPolicy` and `hedgingPolicy` are mutually exclusive. */
export interface MethodConfigJson {
  /** The methods this entry applies to; each name may appear once in the whole config. */
  name?: readonly MethodNameJson[] | undefined;
  /** Wait for a READY connection instead of failing fast; a call's own `waitForReady` wins. */
  waitForReady?: boolean | undefined;
  /** Deadline of each call ("1.5s"); a call's own deadline wins when it is earlier. */
  timeout?: string | undefined;
  /** Send limit per request message in bytes; the smaller of this and the channel's applies. */
  maxRequestMessageBytes?: number | undefined;
  /** Receive limit per response message in bytes; the smaller of this and the channel's or call's applies. */
  maxResponseMessageBytes?: number | undefined;
  /** Retries of failed attempts (gRFC A6). */
  retryPolicy?: RetryPolicyJson | undefined;
  /** Parallel attempts (gRFC A6); for idempotent methods only. */
  hedgingPolicy?: HedgingPolicyJson | undefined;
}

/** A retry policy (gRFC A6): every field is required. */
export interface RetryPolicyJson {
  /** Attempts including the first: an integer > 1; more than 5 counts as 5. */
  maxAttempts: number;
  /** Upper bound of the first retry's random delay ("0.1s"); > 0. */
  initialBackoff: string;
  /** Cap of the growing delay bound ("1s"); > 0. */
  maxBackoff: string;
  /** Growth of the delay bound per retry; > 0. */
  backoffMultiplier: number;
  /** The statuses that are retried, e.g. ["UNAVAILABLE"]; non-empty. */
  retryableStatusCodes: readonly (string | number)[];
}

/** A hedging policy (gRFC A6). */
export interface HedgingPolicyJson {
  /** Attempts including the first: an integer > 1; more than 5 counts as 5. */
  maxAttempts: number;
  /** Time between starting attempts ("0.5s"); default "0s": all at once. */
  hedgingDelay?: string | undefined;
  /** Statuses after which the other attempts go on; any other status ends the call. Default none. */
  nonFatalStatusCodes?: readonly (string | number)[] | undefined;
}

/** Retry throttling (gRFC A6): a token bucket per channel. */
export interface RetryThrottlingJson {
  /** Bucket size, in (0, 1000]; retries and hedges stop while tokens <= maxTokens / 2. */
  maxTokens: number;
  /** Tokens a successful call gives back, > 0, up to 3 decimal places. */
  tokenRatio: number;
}
