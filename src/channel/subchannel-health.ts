import { Code, type GrpcError } from "../status/index.js";
import { Backoff } from "./backoff.js";
import { ConnectivityState } from "./connectivity.js";
import { ServingStatus, type HealthCheckOptions, type HealthWatchCall, type HealthWatchListener } from "./health-check.js";
import type { Transport } from "./transport.js";

/**
 * The client-side health check of one subchannel (gRFC A17 "Client Workflow"): a Watch call on
 * one of its connections while it has any. Its `state` is what the subchannel shows policies
 * while connected: CONNECTING until the first answer, READY while SERVING, TRANSIENT_FAILURE
 * otherwise and while a failed call waits out its backoff; undefined once the server answered
 * UNIMPLEMENTED (no Health service: checking is off for this subchannel, and that is logged).
 * https://github.com/grpc/proposal/blob/master/A17-client-side-health-checking.md
 */
export class SubchannelHealth<T extends Transport> implements HealthWatchListener {
  state: ConnectivityState | undefined = ConnectivityState.Connecting;
  /** The connection the Watch call runs on. */
  transport: T | undefined;
  private call: HealthWatchCall | undefined;
  private answered = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly options: HealthCheckOptions<T>;
  private readonly address: string;
  private readonly changed: () => void;

  /** `changed` is called whenever `state` changes. */
  constructor(options: HealthCheckOptions<T>, address: string, changed: () => void) {
    this.options = options;
    this.address = address;
    this.changed = changed;
    this.backoff = new Backoff(options.backoff);
  }

  /** Watches on `transport` (a new connection, or another one after the watched one went). */
  start(transport: T): void {
    if (this.state === undefined) return;
    this.stop();
    this.transport = transport;
    this.open();
  }

  /** Stops watching (no connection left, or shutdown); the next `start` begins at CONNECTING. */
  stop(): void {
    const call = this.call;
    this.call = undefined;
    this.transport = undefined;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    call?.cancel();
    if (this.state !== undefined) this.state = ConnectivityState.Connecting;
  }

  onHealthStatus(status: ServingStatus): void {
    this.answered = true;
    this.backoff.reset();
    this.set(status === ServingStatus.Serving ? ConnectivityState.Ready : ConnectivityState.TransientFailure);
  }

  onHealthEnd(error: GrpcError): void {
    this.call = undefined;
    if (error.code === Code.Unimplemented) {
      // A17: a server without the Health service is treated as healthy, and checking stops.
      this.state = undefined;
      const log = this.options.log ?? ((message: string) => process.emitWarning(message, "GrpcHealthCheckWarning"));
      log(`health: ${this.address} does not implement grpc.health.v1.Health/Watch (${error.statusMessage}); health checking is off for it`);
      this.changed();
      return;
    }
    this.set(ConnectivityState.TransientFailure);
    // A17: after a call that got an answer, retry at once; else after the backoff.
    const delayMs = this.answered ? 0 : this.backoff.next();
    this.answered = false;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open();
    }, delayMs);
    this.retryTimer.unref();
  }

  private open(): void {
    if (this.transport === undefined) return;
    this.answered = false;
    this.set(ConnectivityState.Connecting);
    this.call = this.options.watch(this.transport, this.options.serviceName, this);
  }

  private set(state: ConnectivityState): void {
    if (this.state === state || this.state === undefined) return;
    this.state = state;
    this.changed();
  }
}
