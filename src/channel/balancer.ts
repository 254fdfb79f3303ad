import { parseServiceConfig, type LoadBalancingConfig, type ServiceConfig } from "../service-config/index.js";
import { Code, GrpcError, describeError } from "../status/index.js";
import type { BackoffOptions } from "./backoff.js";
import type { CallCounter } from "./call-counter.js";
import { ConnectivityState, StateCell } from "./connectivity.js";
import type { HealthCheckOptions } from "./health-check.js";
import { PickQueue } from "./pick-queue.js";
import { choiceOfName, createPolicy, parseLoadBalancingConfig, type LoadBalancingPolicy } from "./policies.js";
import type { ChannelControl, Policy } from "./policy.js";
import { lookupServiceConfig, type ServiceConfigLookupOptions } from "./dns-service-config.js";
import { resolveTarget } from "./resolver.js";
import { resolverResultOf, type ResolverResult } from "./resolver-result.js";
import { Subchannel, type SubchannelListener, type SubchannelOptions } from "./subchannel.js";
import { formatAddress, type Address, type Target } from "./target.js";
import type { Connect, Transport } from "./transport.js";

/** How a balancer resolves, connects and picks; only `connect` is required. */
export interface BalancerOptions<T extends Transport> {
  /** Opens a transport to an address. */
  connect: Connect<T>;
  /** Default "pick_first". An unknown name is a TypeError. */
  loadBalancingPolicy?: LoadBalancingPolicy | undefined;
  /**
   * A gRFC A2 `loadBalancingConfig` list (JSON): the first registered policy in it is used,
   * its config validated (a TypeError naming the path). Takes precedence over `loadBalancingPolicy`
   * and over any service config's choice.
   */
  loadBalancingConfig?: unknown;
  /** The default service config: used until (and unless) the resolver returns one. */
  serviceConfig?: ServiceConfig | undefined;
  /** Ignore service configs from the resolver; only `serviceConfig` applies. Default false. */
  ignoreResolverServiceConfig?: boolean | undefined;
  /** Client-side health checking (gRFC A17) for the policies that use it (round_robin). Default off. */
  healthCheck?: HealthCheckOptions<T> | undefined;
  /**
   * The least time between two resolutions asked for by a lost connection (a READY subchannel
   * going IDLE or TRANSIENT_FAILURE). Default 30000 ms, as gRPC's DNS resolver.
   */
  minResolveIntervalMs?: number | undefined;
  /** The addresses of the target. Default: the system resolver for dns targets, the literal addresses otherwise. */
  resolver?: ((target: Target) => Promise<readonly Address[] | ResolverResult>) | undefined;
  /**
   * With the default resolver and a dns target, also look up the service config in the TXT
   * records of `_grpc_config.<host>` (gRFC A2) and return it with the addresses. Default off.
   */
  dnsServiceConfig?: boolean | ServiceConfigLookupOptions | undefined;
  /** Reconnect backoff of each address; defaults are the spec's. */
  backoff?: BackoffOptions | undefined;
  /** Initial keepalive ping period handed to the transports; undefined means off. */
  keepaliveTimeMs?: number | undefined;
  /** Delay before resolving again after the resolver failed. Default 1000 ms. */
  resolverRetryMs?: number | undefined;
  /**
   * Whether `resolver` may return a service config (a user's resolver may; a wrapper that only
   * traces the default one may not). Default: true when `resolver` is given.
   */
  resolverMayBringConfig?: boolean | undefined;
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
 * target is resolved again before the next attempt, so a name that moved is followed; a READY
 * subchannel that loses its connection also asks for a resolution (at most one per
 * `minResolveIntervalMs`), so backends that come and go behind one name are found.
 * https://github.com/grpc/grpc/blob/master/doc/connectivity-semantics-and-api.md
 * https://github.com/grpc/grpc/blob/master/doc/wait-for-ready.md
 */
export class Balancer<T extends Transport> implements SubchannelListener {
  readonly target: Target;
  private readonly state = new StateCell();
  private readonly options: BalancerOptions<T>;
  private policy: Policy;
  /** The parsed config of the policy in force, as JSON, to tell a changed config from the same one. */
  private policyKey: string;
  /** The name of the policy in force. */
  private policyName: string;
  private readonly control: ChannelControl = { exitIdle: () => this.exitIdle() };
  private subchannels: Subchannel<T>[] = [];
  private resolving = false;
  private resolveError: GrpcError | undefined;
  /** Every address failed: resolve again before the next attempt. */
  private stale = false;
  private resolveRetry: NodeJS.Timeout | undefined;
  /** The resolution running now keeps the channel's state (a re-resolution while connected). */
  private resolvingInBackground = false;
  private lastResolveMs = -Infinity;
  private reresolveTimer: NodeJS.Timeout | undefined;
  /** The last valid service config the resolver returned; undefined when it returned none. */
  private resolvedConfig: ServiceConfig | undefined;
  private subchannelOfTransport = new WeakMap<T, Subchannel<T>>();
  private readonly queue: PickQueue<T>;
  /** Until the first resolution settled, when its result may carry a service config: what calls wait on (A2). */
  private firstResolution: Promise<void> | undefined;
  private settleFirstResolution: (() => void) | undefined;

  constructor(target: Target, options: BalancerOptions<T>) {
    this.target = target;
    this.options = options;
    const minResolveIntervalMs = options.minResolveIntervalMs;
    if (minResolveIntervalMs !== undefined && !(minResolveIntervalMs >= 0))
      throw new RangeError("channel: minResolveIntervalMs must be a number >= 0");
    const choice =
      options.loadBalancingConfig !== undefined
        ? parseLoadBalancingConfig(options.loadBalancingConfig)
        : options.loadBalancingPolicy !== undefined
          ? choiceOfName(options.loadBalancingPolicy)
          : parseLoadBalancingConfig(configList(options.serviceConfig), "serviceConfig.loadBalancingConfig");
    this.policy = createPolicy(choice, this.control);
    this.policyKey = JSON.stringify(choice);
    this.policyName = choice.name;
    this.queue = new PickQueue<T>(
      () => new GrpcError(Code.DeadlineExceeded, `deadline: exceeded while waiting for a connection (${this.describeFailure()})`),
    );
    const lookup = options.dnsServiceConfig;
    const mayBringConfig =
      options.ignoreResolverServiceConfig !== true &&
      ((options.resolverMayBringConfig ?? options.resolver !== undefined) ||
        (lookup !== undefined && lookup !== false && target.scheme === "dns"));
    if (mayBringConfig) this.firstResolution = new Promise<void>((resolve) => (this.settleFirstResolution = resolve));
  }

  /**
   * Before the resolver's first result, when it may bring a service config (a custom resolver, or
   * DNS TXT lookups): a promise that settles once that result (or the resolver's failure) is in,
   * and starts the resolution if the channel is IDLE. A call started before then reads its
   * method config after it (gRFC A2: calls wait for the resolver's config as they wait for an
   * address). Undefined otherwise: the config in force is final until the next result.
   */
  configPending(): Promise<void> | undefined {
    const pending = this.firstResolution;
    if (pending !== undefined && this.state.get() === ConnectivityState.Idle) this.exitIdle();
    return pending;
  }

  private firstResolutionSettled(): void {
    this.firstResolution = undefined;
    this.settleFirstResolution?.();
    this.settleFirstResolution = undefined;
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

  /**
   * pick() for a hedged attempt: a transport on another subchannel than the ones `used` by the
   * call's earlier attempts when the policy has one ready (gRFC A6: "hedged RPCs ... should be
   * sent to distinct backends when possible"), else whatever pick() gives.
   */
  pickOther(used: readonly T[], waitForReady: boolean, deadline?: number, signal?: AbortSignal): T | Promise<T> {
    if (used.length > 0) {
      const picked = this.policy.pick(this.subchannels, (subchannel) => used.some((transport) => subchannel.owns(transport)));
      if (picked !== undefined) return picked;
    }
    return this.pick(waitForReady, deadline, signal);
  }

  /**
   * Where the end of a call on `transport` is counted (outlier detection), or undefined when
   * the policy counts nothing. The call path hands it the call's end (status or OK).
   */
  callCounter(transport: T): CallCounter | undefined {
    if (!this.policy.tracksCalls) return undefined;
    let subchannel = this.subchannelOfTransport.get(transport);
    if (subchannel === undefined) {
      subchannel = this.subchannels.find((candidate) => candidate.owns(transport));
      if (subchannel === undefined) return undefined;
      this.subchannelOfTransport.set(transport, subchannel);
    }
    return subchannel.callCounter;
  }

  /**
   * Switches to the policy of an A2 `loadBalancingConfig` list (a service config that changed,
   * e.g. from DNS). The list is validated first (a TypeError leaves the policy in force); the
   * same config as the one in force changes nothing. Otherwise the old policy stops, its
   * connections close gracefully (calls in flight finish on them), and the target is resolved
   * and connected anew under the new policy.
   */
  setLoadBalancingConfig(list: unknown, path = "loadBalancingConfig"): void {
    const choice = parseLoadBalancingConfig(list, path);
    const key = JSON.stringify(choice);
    if (key === this.policyKey || this.state.get() === ConnectivityState.Shutdown) return;
    const policy = createPolicy(choice, this.control);
    this.policy.close?.();
    this.policy = policy;
    this.policyKey = key;
    this.policyName = choice.name;
    for (const subchannel of this.subchannels) subchannel.shutdown();
    this.subchannels = [];
    this.subchannelOfTransport = new WeakMap();
    if (this.state.get() !== ConnectivityState.Idle) this.resolve();
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

  /**
   * Takes the resolver's service config (gRFC A2): a valid one replaces the one in force and may
   * switch the policy; `null` or none brings back the default. An invalid one keeps the config
   * in force when there is one, else fails the resolution: returns that error.
   */
  private applyResolvedConfig(result: ResolverResult): GrpcError | undefined {
    const before = this.serviceConfig;
    if (this.options.ignoreResolverServiceConfig === true || result.serviceConfig === undefined || result.serviceConfig === null) {
      this.resolvedConfig = undefined;
    } else {
      try {
        const config = parseServiceConfig(result.serviceConfig, "resolver serviceConfig");
        parseLoadBalancingConfig(configList(config), "resolver serviceConfig.loadBalancingConfig");
        this.resolvedConfig = config;
      } catch (error) {
        const failure = new GrpcError(Code.Unavailable, `resolver: ${describeError(error)}`, { cause: error });
        if (this.serviceConfig === undefined) return failure;
        // A previous (or default) config stays in force; the bad one is ignored, as A2 asks.
        return undefined;
      }
    }
    // A policy given in the options overrides the service config's (service_config.proto); the
    // policy changes only with the config in force (not with every resolution).
    if (this.serviceConfig !== before && this.options.loadBalancingPolicy === undefined && this.options.loadBalancingConfig === undefined)
      this.setLoadBalancingConfig(configList(this.serviceConfig), "serviceConfig.loadBalancingConfig");
    return undefined;
  }

  /** Closes every transport (active calls finish first) and fails queued calls. */
  close(): void {
    this.state.set(ConnectivityState.Shutdown);
    this.policy.close?.();
    if (this.reresolveTimer !== undefined) clearTimeout(this.reresolveTimer);
    if (this.resolveRetry !== undefined) clearTimeout(this.resolveRetry);
    for (const subchannel of this.subchannels) subchannel.shutdown();
    this.queue.failAll(shutdownError);
    // Calls waiting for the first config go on, and their pick fails UNAVAILABLE (closed).
    this.firstResolutionSettled();
  }

  /** SubchannelListener: recomputes the state, then hands transports or failures to the queued picks. */
  subchannelChanged(): void {
    this.updateState();
    if (this.queue.size === 0) return;
    this.queue.retry(this.pickNow, this.failFast);
    if (this.state.get() === ConnectivityState.Idle && this.queue.size > 0) this.exitIdle();
  }

  /**
   * SubchannelListener: a READY subchannel lost its connection; the target is resolved again,
   * at most once per `minResolveIntervalMs`, without changing the channel's state.
   */
  connectionLost(): void {
    if (this.reresolveTimer !== undefined || this.resolving || this.state.get() === ConnectivityState.Shutdown) return;
    const waitMs = this.lastResolveMs + (this.options.minResolveIntervalMs ?? 30_000) - performance.now();
    if (waitMs <= 0) {
      this.resolve(true);
      return;
    }
    this.reresolveTimer = setTimeout(() => {
      this.reresolveTimer = undefined;
      this.resolve(true);
    }, waitMs);
    this.reresolveTimer.unref();
  }

  /** The addresses in use (after resolution), in the policy's order (resolver order, or shuffled by pick_first). */
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

  private resolve(background = false): void {
    if (this.resolving || this.state.get() === ConnectivityState.Shutdown) return;
    this.resolving = true;
    this.resolvingInBackground = background;
    this.lastResolveMs = performance.now();
    if (!background) this.state.set(ConnectivityState.Connecting);
    const resolver = this.options.resolver ?? this.defaultResolver;
    Promise.resolve(this.target)
      .then(resolver)
      .then((answer) => {
        const resolved = resolverResultOf(answer);
        // Still resolving: a policy switch here waits for these addresses instead of resolving again.
        const failure = this.state.get() === ConnectivityState.Shutdown ? undefined : this.applyResolvedConfig(resolved);
        if (failure !== undefined) throw failure;
        return resolved;
      })
      .then(
        (resolved) => {
          this.resolving = false;
          this.firstResolutionSettled();
          this.resolveError = undefined;
          this.stale = false;
          if (this.state.get() === ConnectivityState.Shutdown) return;
          const addresses = this.policy.orderAddresses?.(resolved.addresses) ?? resolved.addresses;
          const options: SubchannelOptions<T> = {
            connect: this.options.connect,
            backoff: this.options.backoff,
            keepaliveTimeMs: this.options.keepaliveTimeMs,
            healthCheck: this.policy.usesHealthChecks ? this.options.healthCheck : undefined,
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
          this.policy.addressesChanged?.(this.subchannels);
          this.exitIdle();
          this.subchannelChanged();
        },
        (error: unknown) => {
          this.resolving = false;
          this.firstResolutionSettled();
          // A re-resolution that failed while connected keeps the addresses it has (gRPC does too).
          if (background && this.subchannels.length > 0) return;
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

  /** The system resolver, with the TXT service config when `dnsServiceConfig` asks for it. */
  private readonly defaultResolver = async (target: Target): Promise<readonly Address[] | ResolverResult> => {
    const lookup = this.options.dnsServiceConfig;
    if (lookup === undefined || lookup === false || target.scheme !== "dns") return resolveTarget(target);
    const [addresses, serviceConfig] = await Promise.all([
      resolveTarget(target),
      lookupServiceConfig(target.host, lookup === true ? {} : lookup),
    ]);
    return { addresses, serviceConfig };
  };

  private updateState(): void {
    if ((this.resolving && !this.resolvingInBackground) || this.subchannels.length === 0) return;
    const state = this.policy.aggregateState(this.subchannels, this.state.get());
    if (state === ConnectivityState.TransientFailure) this.stale = true;
    this.state.set(state);
  }
}

/**
 * The `loadBalancingConfig` list of a parsed service config as A2 JSON, pick_first when it has
 * none (service_config.proto's default).
 */
function configList(config: ServiceConfig | undefined): Record<string, unknown>[] {
  const list: readonly LoadBalancingConfig[] = config?.loadBalancingConfig ?? [];
  if (list.length === 0) return [{ pick_first: {} }];
  return list.map((entry) => ({ [entry.name]: entry.config }));
}

function shutdownError(): GrpcError {
  return new GrpcError(Code.Unavailable, "channel: closed");
}
