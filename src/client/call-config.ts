import { RetryThrottle, methodConfigFor, type MethodConfig, type ServiceConfig } from "../service-config/index.js";
import type { RetryBufferPool } from "./retry-buffer-pool.js";

/**
 * What a channel's service config means for its calls: the method config of each method (looked
 * up once per config and cached by path), the retry throttle and the retry buffer. The config
 * in force is the balancer's (the resolver's, else the default), read at each call, so a new
 * one from the resolver applies to the calls that start after it.
 */
export class CallConfig {
  /** False when the channel disabled retries and hedging (gRFC A6 "Disabling Retries"). */
  readonly retries: boolean;
  readonly bufferPool: RetryBufferPool;
  private readonly balancer: { readonly serviceConfig: ServiceConfig | undefined };
  private cachedFor: ServiceConfig | undefined;
  private readonly byPath = new Map<string, MethodConfig | null>();
  private throttleOf: RetryThrottle | undefined;

  constructor(balancer: { readonly serviceConfig: ServiceConfig | undefined }, retries: boolean, bufferPool: RetryBufferPool) {
    this.balancer = balancer;
    this.retries = retries;
    this.bufferPool = bufferPool;
  }

  /** The method config of calls to `path`, or undefined (no service config, or none for this method). */
  methodConfig(path: string): MethodConfig | undefined {
    const config = this.balancer.serviceConfig;
    if (config === undefined) return undefined;
    if (config !== this.cachedFor) this.adopt(config);
    let found = this.byPath.get(path);
    if (found === undefined) {
      found = methodConfigFor(config, path) ?? null;
      this.byPath.set(path, found);
    }
    return found ?? undefined;
  }

  /** The channel's retry throttle, when the service config in force has `retryThrottling`. */
  get throttle(): RetryThrottle | undefined {
    const config = this.balancer.serviceConfig;
    if (config !== this.cachedFor && config !== undefined) this.adopt(config);
    return config === undefined ? undefined : this.throttleOf;
  }

  private adopt(config: ServiceConfig): void {
    this.cachedFor = config;
    this.byPath.clear();
    const throttling = config.retryThrottling;
    // A new config with the same throttling keeps the tokens (the failures counted so far still count).
    if (throttling === undefined) this.throttleOf = undefined;
    else if (this.throttleOf?.maxTokens !== throttling.maxTokens || this.throttleOf.tokenRatio !== throttling.tokenRatio)
      this.throttleOf = new RetryThrottle(throttling);
  }
}
