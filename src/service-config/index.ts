// The service config (gRFC A2) and the pure parts of retries and hedging (gRFC A6): parsing and
// validation, the method lookup, retry backoff, server pushback and the throttling token bucket.
// The client and channel layers apply them; nothing here touches the network.
export { parseDuration } from "./duration.js";
export { codeFromConfig } from "./status-codes.js";
export {
  MAX_ATTEMPTS_LIMIT,
  methodConfigFor,
  type HedgingPolicy,
  type LoadBalancingConfig,
  type MethodConfig,
  type MethodName,
  type RetryPolicy,
  type RetryThrottling,
  type ServiceConfig,
} from "./service-config.js";
export type {
  HedgingPolicyJson,
  LoadBalancingConfigJson,
  MethodConfigJson,
  MethodNameJson,
  RetryPolicyJson,
  RetryThrottlingJson,
  ServiceConfigJson,
} from "./service-config-json.js";
export { parseServiceConfig } from "./parse-service-config.js";
export { RetryThrottle } from "./retry-throttle.js";
export { PUSHBACK_STOP, parsePushback, retryDelayMs } from "./retry-delay.js";
