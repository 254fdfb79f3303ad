// The channel layer's surface: target names, resolution, connection backoff and connectivity
// states. None of it touches node:http2.
export { Backoff, type BackoffOptions } from "./backoff.js";
export { ConnectivityState, StateCell } from "./connectivity.js";
export { parseTarget, formatAddress, type Address, type Target } from "./target.js";
export { resolveTarget } from "./resolver.js";
