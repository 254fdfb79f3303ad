import { Code, GrpcError } from "../status/index.js";
import { Backoff, type BackoffOptions } from "./backoff.js";
import type { CallCounter } from "./call-counter.js";
import { ConnectivityState } from "./connectivity.js";
import type { HealthCheckOptions } from "./health-check.js";
import { SubchannelHealth } from "./subchannel-health.js";
import { formatAddress, type Address } from "./target.js";
import type { Connect, ConnectAttempt, Transport, TransportOwner } from "./transport.js";

/** How a subchannel connects; the same for every subchannel of a channel. */
export interface SubchannelOptions<T extends Transport> {
  /** Opens a transport to an address (http2/client's in a real channel). */
  connect: Connect<T>;
  /** Reconnect backoff; defaults are the spec's. */
  backoff?: BackoffOptions | undefined;
  /** Initial keepalive ping period in ms, handed to the transports; undefined means off. */
  keepaliveTimeMs?: number | undefined;
  /** Client-side health checking (gRFC A17); undefined means off. */
  healthCheck?: HealthCheckOptions<T> | undefined;
}

/** What a subchannel reports to the balancer that owns it: its state or its connections changed. */
export interface SubchannelListener {
  subchannelChanged(subchannel: Subchannel<Transport>): void;
  /** The subchannel was READY and lost its last connection (it went IDLE or TRANSIENT_FAILURE). */
  connectionLost?(subchannel: Subchannel<Transport>): void;
}

/**
 * The connections to one address. Connects on demand, opens another connection when every
 * open one is at capacity (the peer's max concurrent streams), and after a failed attempt waits
 * out the spec's backoff in TRANSIENT_FAILURE before going back to IDLE.
 *
 * States: IDLE (no connection, none being made), CONNECTING (the first attempt runs), READY
 * (at least one connection), TRANSIENT_FAILURE (the attempt failed; backoff runs), SHUTDOWN.
 * Policies see `state`: the connection's state, except that an address ejected by outlier
 * detection shows TRANSIENT_FAILURE, and with health checking a connected subchannel shows what
 * its health check says (see SubchannelHealth).
 * https://github.com/grpc/grpc/blob/master/doc/connection-backoff.md
 */
export class Subchannel<T extends Transport> implements TransportOwner<T> {
  /** The state of the connections alone. */
  connectivity = ConnectivityState.Idle;
  /** Ejected by outlier detection (gRFC A50): shows TRANSIENT_FAILURE to policies. */
  ejected = false;
  /** Where the calls on this address are counted (set by outlier detection); undefined: not counted. */
  callCounter: CallCounter | undefined;
  /** The last connection failure, for fail-fast calls. */
  lastError: GrpcError | undefined;
  readonly address: Address;
  private readonly transports: T[] = [];
  private attempt: ConnectAttempt | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private backoffTimer: NodeJS.Timeout | undefined;
  private readonly connectTransport: Connect<T>;
  private readonly listener: SubchannelListener;
  private keepaliveMs: number | undefined;
  private readonly health: SubchannelHealth<T> | undefined;

  constructor(address: Address, options: SubchannelOptions<T>, listener: SubchannelListener) {
    this.address = address;
    this.connectTransport = options.connect;
    this.listener = listener;
    this.keepaliveMs = options.keepaliveTimeMs;
    this.backoff = new Backoff(options.backoff);
    if (options.healthCheck !== undefined)
      this.health = new SubchannelHealth(options.healthCheck, formatAddress(address), () => this.listener.subchannelChanged(this));
  }

  /** The state policies see: the connections' state, TRANSIENT_FAILURE while ejected, the health check's while connected. */
  get state(): ConnectivityState {
    const state = this.connectivity;
    if (state === ConnectivityState.Shutdown) return state;
    if (this.ejected) return ConnectivityState.TransientFailure;
    if (state === ConnectivityState.Ready && this.health?.state !== undefined) return this.health.state;
    return state;
  }

  /** Ejects the address (outlier detection) or returns it; the balancer hears of a change. */
  setEjected(ejected: boolean): void {
    if (this.ejected === ejected) return;
    this.ejected = ejected;
    this.listener.subchannelChanged(this);
  }

  /** Returns a transport that can take one more call now, or undefined (starting a connection if useful). */
  pick(): T | undefined {
    const transports = this.transports;
    for (let i = 0; i < transports.length; i++) if (transports[i]!.hasCapacity()) return transports[i];
    if (this.connectivity === ConnectivityState.Ready || this.connectivity === ConnectivityState.Idle) this.connect();
    return undefined;
  }

  /** Starts a connection attempt unless one is running or backoff is in progress. */
  connect(): void {
    if (this.attempt !== undefined || this.backoffTimer !== undefined || this.connectivity === ConnectivityState.Shutdown) return;
    const timeoutMs = this.backoff.connectTimeoutMs();
    this.connectTimer = setTimeout(() => {
      const attempt = this.attempt;
      this.connectFailed(
        new GrpcError(Code.Unavailable, `connect: no connection to ${formatAddress(this.address)} within ${timeoutMs} ms`),
      );
      attempt?.cancel();
    }, timeoutMs);
    this.attempt = this.connectTransport(this.address, this);
    if (this.connectivity !== ConnectivityState.Ready) this.setState(ConnectivityState.Connecting);
  }

  /** Whether `transport` is one of this subchannel's connections. */
  owns(transport: T): boolean {
    return this.transports.includes(transport);
  }

  /** Closes every connection gracefully and stops reconnecting. */
  shutdown(): void {
    this.setState(ConnectivityState.Shutdown);
    this.health?.stop();
    if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    const attempt = this.attempt;
    this.endAttempt();
    attempt?.cancel();
    for (const transport of this.transports.splice(0)) transport.close();
  }

  /** TransportOwner: the attempt is connected; the server's settings are known. */
  connected(transport: T): void {
    this.endAttempt();
    if (this.connectivity === ConnectivityState.Shutdown) {
      transport.close();
      return;
    }
    this.backoff.reset();
    this.lastError = undefined;
    this.transports.push(transport);
    if (this.health !== undefined && this.health.transport === undefined) this.health.start(transport);
    if (this.connectivity === ConnectivityState.Ready) this.listener.subchannelChanged(this);
    else this.setState(ConnectivityState.Ready);
  }

  /** TransportOwner: the attempt failed; without another connection this is TRANSIENT_FAILURE, then backoff. */
  connectFailed(error: GrpcError): void {
    this.endAttempt();
    this.lastError = error;
    if (this.connectivity === ConnectivityState.Shutdown) return;
    if (this.transports.length > 0) {
      // Only an extra connection failed; the subchannel still has working ones.
      this.listener.subchannelChanged(this);
      return;
    }
    this.setState(ConnectivityState.TransientFailure);
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      this.setState(ConnectivityState.Idle);
    }, this.backoff.next());
    this.backoffTimer.unref();
  }

  /** TransportOwner: a connection stopped taking calls; the last one gone makes the subchannel IDLE. */
  connectionGone(transport: T): void {
    const index = this.transports.indexOf(transport);
    if (index < 0) return;
    this.transports.splice(index, 1);
    if (this.health?.transport === transport) {
      const next = this.transports[0];
      if (next === undefined) this.health.stop();
      else this.health.start(next);
    }
    if (this.transports.length === 0 && this.connectivity === ConnectivityState.Ready && this.attempt === undefined)
      this.setState(ConnectivityState.Idle);
    else this.listener.subchannelChanged(this);
  }

  /** TransportOwner: gRFC A8, the server's ENHANCE_YOUR_CALM "too_many_pings" doubles our keepalive period. */
  tooManyPings(): void {
    if (this.keepaliveMs !== undefined) this.keepaliveMs *= 2;
  }

  /** The current keepalive period (grows after `too_many_pings`). */
  get keepaliveTimeMs(): number | undefined {
    return this.keepaliveMs;
  }

  private endAttempt(): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.attempt = undefined;
  }

  private setState(state: ConnectivityState): void {
    const previous = this.connectivity;
    if (previous === state || previous === ConnectivityState.Shutdown) return;
    this.connectivity = state;
    this.listener.subchannelChanged(this);
    if (previous === ConnectivityState.Ready && (state === ConnectivityState.Idle || state === ConnectivityState.TransientFailure))
      this.listener.connectionLost?.(this);
  }
}
