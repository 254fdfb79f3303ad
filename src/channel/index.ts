// The channel layer's surface: target names, resolution, connection backoff, connectivity
// states, subchannels, load-balancing policies and the balancer that ties them together.
// None of it touches node:http2: the connection is handed in as a `Connect` function.
export { Backoff, type BackoffOptions } from "./backoff.js";
export { ConnectivityState, StateCell } from "./connectivity.js";
export { parseTarget, formatAddress, type Address, type Target } from "./target.js";
export { resolveTarget } from "./resolver.js";
export type { Connect, ConnectAttempt, Transport, TransportOwner } from "./transport.js";
export { Subchannel, type SubchannelListener, type SubchannelOptions } from "./subchannel.js";
export type { ChannelControl, Policy } from "./policy.js";
export { isPolicyName, type LoadBalancingPolicy } from "./policies.js";
export { resolverResultOf, type ResolverResult } from "./resolver-result.js";
export { Balancer, type BalancerOptions } from "./balancer.js";
