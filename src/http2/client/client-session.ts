import { Code, GrpcError, abortError, describeError } from "../../status/index.js";
import type { BackoffOptions } from "../../channel/index.js";
import type { Connection } from "./connection.js";
import { ConnectivityState, StateCell } from "../../channel/index.js";
import { resolveTarget } from "../../channel/index.js";
import { Subchannel, type SubchannelOwner, type TlsOptions } from "./subchannel.js";
import { formatAddress, parseTarget, type Address, type Target } from "../../channel/index.js";

/** How a channel spreads calls over the resolved addresses. */
export type LoadBalancingPolicy = "pick_first" | "round_robin";

/** Connection settings of a channel; every field is optional. */
export interface ClientSessionOptions {
  /** TLS (true or an options object) or plaintext h2c (default, unless the target is https://). */
  tls?: boolean | TlsOptions;
  /** Default "pick_first": the first address that connects takes every call. */
  loadBalancingPolicy?: LoadBalancingPolicy;
  /** Keepalive ping period in ms. Default: off. */
  keepaliveTimeMs?: number;
  /** Time a keepalive ping may stay unanswered. Default 20000 ms. */
  keepaliveTimeoutMs?: number;
  /** Send keepalive pings without active calls. Default false. */
  keepalivePermitWithoutCalls?: boolean;
  /** Close a connection unused for this long. Default 30 minutes; Infinity keeps it. */
  idleTimeoutMs?: number;
  /** Reconnect backoff; defaults are the spec's. */
  backoff?: BackoffOptions;
  /**
   * Custom name resolution (service discovery): the addresses for the target. Default: the
   * system resolver for dns targets, the literal addresses otherwise. Called again when every
   * address failed (TRANSIENT_FAILURE), so a name that moved is followed.
   */
  resolver?: (target: Target) => Promise<Address[]>;
}

interface PendingPick {
  resolve(connection: Connection): void;
  reject(error: GrpcError): void;
  waitForReady: boolean;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * The connection side of a channel: resolves the target, keeps one subchannel per address,
 * picks a connection per call (pick_first or round_robin), tracks the channel's connectivity
 * state, and queues calls while connecting.
 *
 * Fail-fast calls fail with the last connection error once the channel is in
 * TRANSIENT_FAILURE; wait-for-ready calls wait for READY until their deadline.
 * https://github.com/grpc/grpc/blob/master/doc/connectivity-semantics-and-api.md
 * https://github.com/grpc/grpc/blob/master/doc/wait-for-ready.md
 */
export class ClientSession implements SubchannelOwner {
  readonly target: Target;
  /** The `:authority` of every call. */
  readonly authority: string;
  /** "https" with TLS, else "http". */
  readonly scheme: "http" | "https";
  private readonly state = new StateCell();
  private readonly options: ClientSessionOptions;
  private readonly policy: LoadBalancingPolicy;
  private subchannels: Subchannel[] = [];
  private resolving = false;
  private resolveError: GrpcError | undefined;
  /** Every address failed: resolve again before the next attempt. */
  private stale = false;
  private resolveRetry: NodeJS.Timeout | undefined;
  private nextIndex = 0;
  private pending: PendingPick[] = [];

  constructor(target: string, options: ClientSessionOptions = {}) {
    const tls = options.tls === true ? {} : options.tls === false ? undefined : options.tls;
    this.target = parseTarget(target, tls === undefined ? 80 : 443);
    const secure = tls !== undefined || this.target.secure;
    this.options = { ...options, tls: secure ? (tls ?? {}) : undefined };
    this.scheme = secure ? "https" : "http";
    this.authority = tls?.serverNameOverride ?? this.target.authority;
    this.policy = options.loadBalancingPolicy ?? "pick_first";
    if (this.policy !== "pick_first" && this.policy !== "round_robin")
      throw new TypeError(`channel: unknown load balancing policy ${JSON.stringify(this.policy)}`);
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
   * Returns a connection for a new call: synchronously when one is ready (the fast path),
   * else a promise that settles when one is, or rejects per fail-fast, deadline or signal.
   */
  connection(waitForReady: boolean, deadline?: number, signal?: AbortSignal): Connection | Promise<Connection> {
    const picked = this.pick();
    if (picked !== undefined) return picked;
    if (this.state.get() === ConnectivityState.Shutdown) throw shutdownError();
    if (this.state.get() === ConnectivityState.Idle) this.exitIdle();
    const failure = this.failFast(waitForReady);
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise<Connection>((resolve, reject) => {
      const pick: PendingPick = { resolve, reject, waitForReady, timer: undefined, signal, onAbort: undefined };
      if (deadline !== undefined) {
        const ms = Math.max(0, deadline - Date.now());
        pick.timer = setTimeout(
          () => this.settle(pick, new GrpcError(Code.DeadlineExceeded, `deadline: exceeded while waiting for a connection (${this.describeFailure()})`)),
          Math.min(ms, 2_147_483_647),
        );
      }
      if (signal !== undefined) {
        if (signal.aborted) return reject(abortError(signal));
        pick.onAbort = () => this.settle(pick, abortError(signal));
        signal.addEventListener("abort", pick.onAbort, { once: true });
      }
      this.pending.push(pick);
    });
  }

  /** Closes every connection (active calls finish first) and fails queued calls. */
  close(): void {
    this.state.set(ConnectivityState.Shutdown);
    if (this.resolveRetry !== undefined) clearTimeout(this.resolveRetry);
    for (const subchannel of this.subchannels) subchannel.shutdown();
    for (const pick of this.pending.slice()) this.settle(pick, shutdownError());
  }

  subchannelChanged(): void {
    this.updateState();
    if (this.pending.length === 0) return;
    for (const pick of this.pending.slice()) {
      const connection = this.pick();
      if (connection !== undefined) this.settle(pick, undefined, connection);
      else {
        const failure = this.failFast(pick.waitForReady);
        if (failure !== undefined) this.settle(pick, failure);
      }
    }
    if (this.state.get() === ConnectivityState.Idle && this.pending.length > 0) this.exitIdle();
  }

  /** The addresses in use (after resolution). */
  addresses(): Address[] {
    return this.subchannels.map((subchannel) => subchannel.address);
  }

  /** The keepalive period now in force (it doubles after a `too_many_pings` GOAWAY). */
  keepaliveTimeMs(): number | undefined {
    return this.subchannels[0]?.keepaliveTimeMs ?? this.options.keepaliveTimeMs;
  }

  private pick(): Connection | undefined {
    const subchannels = this.subchannels;
    const count = subchannels.length;
    if (this.policy === "pick_first") {
      for (let i = 0; i < count; i++) {
        const subchannel = subchannels[i]!;
        if (subchannel.state === ConnectivityState.Ready) return subchannel.pick();
      }
      return undefined;
    }
    for (let i = 0; i < count; i++) {
      const index = (this.nextIndex + i) % count;
      const subchannel = subchannels[index]!;
      if (subchannel.state !== ConnectivityState.Ready) continue;
      const connection = subchannel.pick();
      if (connection !== undefined) {
        this.nextIndex = index + 1;
        return connection;
      }
    }
    return undefined;
  }

  private failFast(waitForReady: boolean): GrpcError | undefined {
    if (this.state.get() === ConnectivityState.Shutdown) return shutdownError();
    if (waitForReady || this.state.get() !== ConnectivityState.TransientFailure) return undefined;
    return new GrpcError(Code.Unavailable, this.describeFailure());
  }

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
    if (this.policy === "round_robin") {
      for (const subchannel of this.subchannels) if (subchannel.state === ConnectivityState.Idle) subchannel.connect();
      return;
    }
    // pick_first: one attempt at a time, in address order; an address in backoff is skipped.
    if (this.subchannels.some((s) => s.state === ConnectivityState.Ready || s.state === ConnectivityState.Connecting)) return;
    this.subchannels.find((s) => s.state === ConnectivityState.Idle)?.connect();
  }

  private resolve(): void {
    if (this.resolving || this.state.get() === ConnectivityState.Shutdown) return;
    this.resolving = true;
    this.state.set(ConnectivityState.Connecting);
    const resolver = this.options.resolver ?? resolveTarget;
    Promise.resolve(this.target).then(resolver).then(
      (addresses) => {
        this.resolving = false;
        this.resolveError = undefined;
        this.stale = false;
        if (this.state.get() === ConnectivityState.Shutdown) return;
        const timers = {
          keepaliveTimeMs: this.options.keepaliveTimeMs,
          keepaliveTimeoutMs: this.options.keepaliveTimeoutMs ?? 20_000,
          keepalivePermitWithoutCalls: this.options.keepalivePermitWithoutCalls ?? false,
          idleTimeoutMs: this.options.idleTimeoutMs ?? 30 * 60_000,
        };
        const tls = this.options.tls === true ? {} : this.options.tls || undefined;
        const subchannelOptions = { tls, serverName: this.target.host, timers, backoff: this.options.backoff };
        // Addresses already known keep their subchannel (and its backoff); the others go.
        const known = new Map(this.subchannels.map((subchannel) => [formatAddress(subchannel.address), subchannel]));
        this.subchannels = addresses.map((address) => {
          const key = formatAddress(address);
          const existing = known.get(key);
          known.delete(key);
          return existing ?? new Subchannel(address, subchannelOptions, this);
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
          if (this.pending.length > 0) this.resolve();
        }, 1000);
        this.resolveRetry.unref();
      },
    );
  }

  private updateState(): void {
    if (this.resolving || this.subchannels.length === 0) return;
    let connecting = false;
    let idle = false;
    for (const subchannel of this.subchannels) {
      if (subchannel.state === ConnectivityState.Ready) return this.state.set(ConnectivityState.Ready);
      if (subchannel.state === ConnectivityState.Connecting) connecting = true;
      else if (subchannel.state === ConnectivityState.Idle) idle = true;
    }
    if (connecting) this.state.set(ConnectivityState.Connecting);
    else if (this.policy === "pick_first" && idle && this.state.get() === ConnectivityState.Connecting) {
      // The attempt failed on this address; pick_first moves on to the next one.
      this.exitIdle();
      if (!this.subchannels.some((s) => s.state === ConnectivityState.Connecting)) this.state.set(ConnectivityState.Idle);
    } else if (idle) this.state.set(ConnectivityState.Idle);
    else {
      this.stale = true;
      this.state.set(ConnectivityState.TransientFailure);
    }
  }

  private settle(pick: PendingPick, error: GrpcError | undefined, connection?: Connection): void {
    const index = this.pending.indexOf(pick);
    if (index < 0) return;
    this.pending.splice(index, 1);
    if (pick.timer !== undefined) clearTimeout(pick.timer);
    if (pick.onAbort !== undefined) pick.signal!.removeEventListener("abort", pick.onAbort);
    if (error !== undefined) pick.reject(error);
    else pick.resolve(connection!);
  }
}

function shutdownError(): GrpcError {
  return new GrpcError(Code.Unavailable, "channel: closed");
}
