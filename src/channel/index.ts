// The channel layer's surface: target names, resolution, connection backoff, connectivity
// states, subchannels, load-balancing policies and the balancer that ties them together.
// None of it touches node:http2: the connection is handed in as a `Connect` function.
export { Backoff, type BackoffOptions } from "./backoff.js";
export { ConnectivityState, StateCell } from "./connectivity.js";
export { parseTarget, formatAddress, type Address, type Target } from "./target.js";
export { resolveTarget } from "./resolver.js";
export {
  chooseServiceConfig,
  lookupServiceConfig,
  type ServiceConfigClient,
  type ServiceConfigLookupOptions,
} from "./dns-service-config.js";
export type { Connect, ConnectAttempt, Transport, TransportOwner } from "./transport.js";
export { Subchannel, type SubchannelListener, type SubchannelOptions } from "./subchannel.js";
export type { ChannelControl, LoadBalancingChoice, Policy, PolicyFactory, PolicyRegistry } from "./policy.js";
export { parseLoadBalancingConfig, type LoadBalancingPolicy } from "./policies.js";
// Types only; `export *` keeps the file loaded, so c8 (all: true) does not count it as uncovered.
export * from "./load-balancing-config.js";
export { CallCounter } from "./call-counter.js";
export {
  ServingStatus,
  type HealthCheckOptions,
  type HealthWatchCall,
  type HealthWatchListener,
  type WatchHealth,
} from "./health-check.js";
export { HEALTH_WATCH_PATH, decodeHealthCheckResponse, encodeHealthCheckRequest } from "./health-messages.js";
export { isPolicyName } from "./policies.js";
export { resolverResultOf, type ResolverResult } from "./resolver-result.js";
export { Balancer, type BalancerOptions } from "./balancer.js";
