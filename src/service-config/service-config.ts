import type { Code } from "../status/index.js";

/** Attempts beyond this count as this many, whatever a config says (gRFC A6 "Limits on Retries and Hedges"). */
export const MAX_ATTEMPTS_LIMIT = 5;

/** A validated retry policy; durations in ms. */
export interface RetryPolicy {
  readonly kind: "retry";
  /** Attempts including the first, already capped at 5. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly retryableStatusCodes: readonly Code[];
}

/** A validated hedging policy; durations in ms. */
export interface HedgingPolicy {
  readonly kind: "hedging";
  /** Attempts including the first, already capped at 5. */
  readonly maxAttempts: number;
  readonly hedgingDelayMs: number;
  readonly nonFatalStatusCodes: readonly Code[];
}

/** A method name a method config applies to; "" means every service or every method. */
export interface MethodName {
  readonly service: string;
  readonly method: string;
}

/** A validated `methodConfig` entry; an absent setting is undefined. */
export interface MethodConfig {
  readonly names: readonly MethodName[];
  readonly waitForReady: boolean | undefined;
  /** Deadline of each call, in ms from its start. */
  readonly timeoutMs: number | undefined;
  readonly maxRequestMessageBytes: number | undefined;
  readonly maxResponseMessageBytes: number | undefined;
  /** The retry or hedging policy, if any (never both). */
  readonly policy: RetryPolicy | HedgingPolicy | undefined;
}

/** A validated `loadBalancingConfig` entry: a policy name and its (unvalidated) config object. */
export interface LoadBalancingConfig {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** Validated retry throttling. */
export interface RetryThrottling {
  readonly maxTokens: number;
  readonly tokenRatio: number;
}

/**
 * A service config after validation (`parseServiceConfig`): frozen, durations in ms, status
 * codes as numbers.
 */
export interface ServiceConfig {
  /** Policies in order of preference (the deprecated `loadBalancingPolicy` becomes one entry). */
  readonly loadBalancingConfig: readonly LoadBalancingConfig[];
  readonly methodConfig: readonly MethodConfig[];
  readonly retryThrottling: RetryThrottling | undefined;
  /** The service name of client-side health checks (gRFC A17), if any. */
  readonly healthCheckServiceName: string | undefined;
}

/** Per config: its method configs by "service/method", "service/" and "/" (the default), built once. */
const methodIndexes = new WeakMap<ServiceConfig, Map<string, MethodConfig>>();

/** The method index of a config (keys as in `methodIndexes`), built on first use. */
function methodIndex(config: ServiceConfig): Map<string, MethodConfig> {
  let index = methodIndexes.get(config);
  if (index === undefined) {
    index = new Map();
    for (const entry of config.methodConfig) for (const name of entry.names) index.set(`${name.service}/${name.method}`, entry);
    methodIndexes.set(config, index);
  }
  return index;
}

/**
 * The method config that applies to a call of `path` ("/pkg.Service/Method"): the entry naming
 * the method, else the one naming its service, else the default `{}`, else undefined.
 * https://github.com/grpc/grpc/blob/master/doc/service_config.md
 */
export function methodConfigFor(config: ServiceConfig, path: string): MethodConfig | undefined {
  const byName = methodIndex(config);
  if (byName.size === 0) return undefined;
  const slash = path.indexOf("/", 1);
  const service = slash < 0 ? path.slice(1) : path.slice(1, slash);
  return byName.get(path.slice(1)) ?? byName.get(`${service}/`) ?? byName.get("/");
}
