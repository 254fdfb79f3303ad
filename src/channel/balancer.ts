import { parseServiceConfig, type ServiceConfig } from "../service-config/index.js";
import { Code, GrpcError, describeError } from "../status/index.js";
import type { BackoffOptions } from "./backoff.js";
import { ConnectivityState, StateCell } from "./connectivity.js";
import { PickQueue } from "./pick-queue.js";
import { createPolicy, isPolicyName, type LoadBalancingPolicy } from "./policies.js";
import type { ChannelControl, Policy } from "./policy.js";
import { resolveTarget } from "./resolver.js";
import { resolverResultOf, type ResolverResult } from "./resolver-result.js";
import { Subchannel, type SubchannelListener, type SubchannelOptions } from "./subchannel.js";
import { formatAddress, type Address, type Target } from "./target.js";
import type { Connect, Transport } from "./transport.js";

/** How a balancer resolves, connects and picks; only `connect` is required. */
export interface BalancerOptions<T extends Transport> {
  /** Opens a transport to an address. */
  connect: Connect<T>;
  /**
   * The policy; it overrides any service config's choice. Default: the service config's first
   * known `loadBalancingConfig` entry, else "pick_first". An unknown name is a TypeError.
   */
  loadBalancingPolicy?: LoadBalancingPolicy | undefined;
  /**
   * The addresses of the target, optionally with a service config (ResolverResult). Default: the
   * system resolver for dns targets, the literal addresses otherwise.
   */
  resolver?: ((target: Target) => Promise<readonly Address[] | ResolverResult>) | undefined;
  /** The default service config: used until (and unless) the resolver returns one. */
  serviceConfig?: ServiceConfig | undefined;
  /** Ignore service configs from the resolver; only `serviceConfig` applies. Default false. */
  ignoreResolverServiceConfig?: boolean | undefined;
  /** Reconnect backoff of each address; defaults are the spec's. */
  backoff?: BackoffOptions | undefined;
  /** Initial keepalive ping period handed to the transports; undefined means off. */
  keepaliveTimeMs?: number | undefined;
  /** Delay before resolving again after the resolver failed. Default 1000 ms. */
  resolverRetryMs?: number | undefined;
}

/**
 * The connection side of a channel, free of any wire protocol: resolves the target, keeps one
 * subchannel per address, lets its policy pick a transport per call, aggregates the channel's
 * connectivity state, and queues calls while there is no transport.
 *
 * A call made in IDLE starts resolving/connecting and waits; in CONNECTING it waits; in READY
 * it gets a transport at once; in TRANSIENT_FAILURE a fail-fast call fails UNAVAILABLE with
 * the last connection (or resolver) error while a wait-for-ready call waits for READY until
 * its deadline; in SHUTDOWN every call fails UNAVAILABLE. After every address failed the
 * target is resolved again before the next attempt, so a name that moved is followed.
 * https://github.com/grpc/grpc/blob/master/doc/connectivity-semantics-and-api.md
 * https://github.com/grpc/grpc/blob/master/doc/wait-for-ready.md
 */
export class Balancer<T extends Transport> implements SubchannelListener {
  readonly target: Target;
  private readonly state = new StateCell();
  private readonly options: BalancerOptions<T>;
  private policy: Policy;
  private policyName: string;
  /** The last valid service config the resolver returned; undefined when it returned none. */
  private resolvedConfig: ServiceConfig | undefined;
  private subchannels: Subchannel<T>[] = [];
  private resolving = false;
  private resolveError: GrpcError | undefined;
  /** Every address failed: resolve again before the next attempt. */
  private stale = false;
  private resolveRetry: NodeJS.Timeout | undefined;
  private readonly queue: PickQueue<T>;

  constructor(target: Target, options: BalancerOptions<T>) {
    this.target = target;
    this.options = options;
    this.policyName = options.loadBalancingPolicy ?? policyOf(options.serviceConfig, "serviceConfig") ?? "pick_first";
    this.policy = createPolicy(this.policyName, this.control);
    this.queue = new PickQueue<T>(
      () => new GrpcError(Code.DeadlineExceeded, `deadline: exceeded while waiting for a connection (${this.describeFailure()})`),
    );
  }

  /**
   * The service config in force: the resolver's latest valid one, else the default one given in
   * the options (gRFC A2), else undefined.
   */
  get serviceConfig(): ServiceConfig | undefined {
    return this.resolvedConfig ?? this.options.serviceConfig;
  }

  /** The name of the load-balancing policy in use. */
  get loadBalancingPolicy(): string {
    return this.policyName;
  }

  /** The current connectivity state; `tryToConnect` leaves IDLE by connecting. */
  getState(tryToConnect = false): ConnectivityState {
    if (tryToConnect && this.state.get() === ConnectivityState.Idle) this.exitIdle();
    return this.state.get();
  }

  /** Resolves when the state differs from `current` (at once if it already does). */
  async waitForStateChange(current: ConnectivityState): Promise<ConnectivityState> {
    while (this.state.get() === current) await this.state.changed();
    return this.state.get();
  }

  /**
   * Returns a transport for a new call: synchronously when one is ready (the fast path), else
   * a promise that settles when one is, or rejects per fail-fast, deadline or signal. Throws
   * UNAVAILABLE at once after `close()`.
   */
  pick(waitForReady: boolean, deadline?: number, signal?: AbortSignal): T | Promise<T> {
    const picked = this.policy.pick(this.subchannels);
    if (picked !== undefined) return picked;
    return this.queuePick(waitForReady, deadline, signal);
  }

  /** Closes every transport (active calls finish first) and fails queued calls. */
  close(): void {
    this.state.set(ConnectivityState.Shutdown);
    if (this.resolveRetry !== undefined) clearTimeout(this.resolveRetry);
    for (const subchannel of this.subchannels) subchannel.shutdown();
    this.queue.failAll(shutdownError);
  }

  /** SubchannelListener: recomputes the state, then hands transports or failures to the queued picks. */
  subchannelChanged(): void {
    this.updateState();
    if (this.queue.size === 0) return;
    this.queue.retry(this.pickNow, this.failFast);
    if (this.state.get() === ConnectivityState.Idle && this.queue.size > 0) this.exitIdle();
  }

  /** The addresses in use (after resolution), in resolver order. */
  addresses(): Address[] {
    return this.subchannels.map((subchannel) => subchannel.address);
  }

  /** The keepalive period now in force (it doubles after a `too_many_pings` GOAWAY). */
  keepaliveTimeMs(): number | undefined {
    return this.subchannels[0]?.keepaliveTimeMs ?? this.options.keepaliveTimeMs;
  }

  private queuePick(waitForReady: boolean, deadline: number | undefined, signal: AbortSignal | undefined): Promise<T> {
    if (this.state.get() === ConnectivityState.Shutdown) throw shutdownError();
    if (this.state.get() === ConnectivityState.Idle) this.exitIdle();
    const failure = this.failFast(waitForReady);
    if (failure !== undefined) return Promise.reject(failure);
    return this.queue.wait(waitForReady, deadline, signal);
  }

  private readonly control: ChannelControl = { exitIdle: () => this.exitIdle() };

  /**
   * Takes the resolver's service config (gRFC A2): a valid one replaces the one in force and may
   * switch the policy; `null` or none brings back the default. An invalid one keeps the config
   * in force when there is one, else fails the resolution: returns that error.
   */
  private applyResolvedConfig(result: ResolverResult): GrpcError | undefined {
    if (this.options.ignoreResolverServiceConfig === true || !("serviceConfig" in result) || result.serviceConfig === undefined) {
      this.resolvedConfig = undefined;
    } else if (result.serviceConfig === null) {
      this.resolvedConfig = undefined;
    } else {
      try {
        const config = parseServiceConfig(result.serviceConfig, "resolver serviceConfig");
        policyOf(config, "resolver serviceConfig");
        this.resolvedConfig = config;
      } catch (error) {
        const failure = new GrpcError(Code.Unavailable, `resolver: ${describeError(error)}`, { cause: error });
        if (this.serviceConfig === undefined) return failure;
        // A previous (or default) config stays in force; the bad one is ignored, as A2 asks.
        return undefined;
      }
    }
    // The option's policy overrides the service config's (service_config.proto).
    if (this.options.loadBalancingPolicy === undefined) {
      const name = policyOf(this.serviceConfig, "serviceConfig") ?? "pick_first";
      if (name !== this.policyName) {
        this.policyName = name;
        this.policy = createPolicy(name, this.control);
      }
    }
    return undefined;
  }

  private readonly pickNow = (): T | undefined => this.policy.pick(this.subchannels);

  private readonly failFast = (waitForReady: boolean): GrpcError | undefined => {
    if (this.state.get() === ConnectivityState.Shutdown) return shutdownError();
    if (waitForReady || this.state.get() !== ConnectivityState.TransientFailure) return undefined;
    return new GrpcError(Code.Unavailable, this.describeFailure());
  };

  private describeFailure(): string {
    if (this.resolveError !== undefined) return this.resolveError.statusMessage;
    for (const subchannel of this.subchannels) if (subchannel.lastError !== undefined) return subchannel.lastError.statusMessage;
    return `connect: no connection to ${this.target.authority} yet (state ${this.state.get()})`;
  }

  private exitIdle(): void {
    if (this.subchannels.length === 0 || this.stale) {
      this.resolve();
      return;
    }
    this.policy.exitIdle(this.subchannels);
  }

  private resolve(): void {
    if (this.resolving || this.state.get() === ConnectivityState.Shutdown) return;
    this.resolving = true;
    this.state.set(ConnectivityState.Connecting);
    const resolver = this.options.resolver ?? resolveTarget;
    Promise.resolve(this.target)
      .then(resolver)
      .then((answer) => {
        const result = resolverResultOf(answer);
        const failure = this.applyResolvedConfig(result);
        if (failure !== undefined) throw failure;
        return result.addresses;
      })
      .then(
        (addresses) => {
          this.resolving = false;
          this.resolveError = undefined;
          this.stale = false;
          if (this.state.get() === ConnectivityState.Shutdown) return;
          const options: SubchannelOptions<T> = {
            connect: this.options.connect,
            backoff: this.options.backoff,
            keepaliveTimeMs: this.options.keepaliveTimeMs,
          };
          // Addresses already known keep their subchannel (and its backoff); the others go.
          const known = new Map(this.subchannels.map((subchannel) => [formatAddress(subchannel.address), subchannel]));
          this.subchannels = addresses.map((address) => {
            const key = formatAddress(address);
            const existing = known.get(key);
            known.delete(key);
            return existing ?? new Subchannel<T>(address, options, this);
          });
          for (const gone of known.values()) gone.shutdown();
          this.exitIdle();
          this.subchannelChanged();
        },
        (error: unknown) => {
          this.resolving = false;
          this.resolveError = GrpcError.from(error, Code.Unavailable, `resolver: ${describeError(error)}`);
          this.state.set(ConnectivityState.TransientFailure);
          this.subchannelChanged();
          this.resolveRetry = setTimeout(() => {
            this.resolveRetry = undefined;
            this.state.set(ConnectivityState.Idle);
            if (this.queue.size > 0) this.resolve();
          }, this.options.resolverRetryMs ?? 1000);
          this.resolveRetry.unref();
        },
      );
  }

  private updateState(): void {
    if (this.resolving || this.subchannels.length === 0) return;
    const state = this.policy.aggregateState(this.subchannels, this.state.get());
    if (state === ConnectivityState.TransientFailure) this.stale = true;
    this.state.set(state);
  }
}

/**
 * The policy a service config chooses: the first `loadBalancingConfig` entry this channel
 * knows. A list naming none is invalid (service_config.proto), a TypeError naming `path`.
 */
function policyOf(config: ServiceConfig | undefined, path: string): LoadBalancingPolicy | undefined {
  const list = config?.loadBalancingConfig;
  if (list === undefined || list.length === 0) return undefined;
  for (const entry of list) if (isPolicyName(entry.name)) return entry.name;
  throw new TypeError(
    `service config: ${path}.loadBalancingConfig names no policy this channel knows (${list.map((entry) => entry.name).join(", ")})`,
  );
}

function shutdownError(): GrpcError {
  return new GrpcError(Code.Unavailable, "channel: closed");
}
