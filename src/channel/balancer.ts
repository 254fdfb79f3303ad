import { Code, GrpcError, describeError } from "../status/index.js";
import type { BackoffOptions } from "./backoff.js";
import { ConnectivityState, StateCell } from "./connectivity.js";
import { PickQueue } from "./pick-queue.js";
import { createPolicy, type LoadBalancingPolicy } from "./policies.js";
import type { ChannelControl, Policy } from "./policy.js";
import { resolveTarget } from "./resolver.js";
import { Subchannel, type SubchannelListener, type SubchannelOptions } from "./subchannel.js";
import { formatAddress, type Address, type Target } from "./target.js";
import type { Connect, Transport } from "./transport.js";

/** How a balancer resolves, connects and picks; only `connect` is required. */
export interface BalancerOptions<T extends Transport> {
  /** Opens a transport to an address. */
  connect: Connect<T>;
  /** Default "pick_first". An unknown name is a TypeError. */
  loadBalancingPolicy?: LoadBalancingPolicy | undefined;
  /** The addresses of the target. Default: the system resolver for dns targets, the literal addresses otherwise. */
  resolver?: ((target: Target) => Promise<Address[]>) | undefined;
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
  private readonly policy: Policy;
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
    const control: ChannelControl = { exitIdle: () => this.exitIdle() };
    this.policy = createPolicy(options.loadBalancingPolicy ?? "pick_first", control);
    this.queue = new PickQueue<T>(
      () => new GrpcError(Code.DeadlineExceeded, `deadline: exceeded while waiting for a connection (${this.describeFailure()})`),
    );
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

function shutdownError(): GrpcError {
  return new GrpcError(Code.Unavailable, "channel: closed");
}
