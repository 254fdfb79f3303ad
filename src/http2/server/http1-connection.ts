import type { Socket } from "node:net";
import { Code, GrpcError } from "../../status/index.js";
import type { ResolvedConnectionPolicy } from "./connection.js";

/**
 * What an HTTP/1.1 connection needs of a request in flight on it, to end it when the connection
 * must stop (see HttpExchange.onStop).
 */
export interface Http1ConnectionExchange {
  /** Ends the call: `graceful` sends `reason` the protocol's way first; otherwise the call is cut. */
  stop(reason: GrpcError, graceful: boolean): void;
  /** Aborts the call with `reason`, leaving the socket to whoever answers on it. */
  abort(reason: GrpcError): void;
}

/** After a shutdown ended the open calls, how long their answers get to reach the client. */
const SHUTDOWN_FLUSH_MS = 1000;
/**
 * After our FIN, how long the client gets to close its side before the socket is destroyed: a
 * client that never closes (or keeps sending) must not hold `server.shutdown()` open.
 */
export const CLOSE_LINGER_MS = 1000;

/**
 * One HTTP/1.1 connection of the web protocols, under the same policy as an HTTP/2 one (gRFC A9):
 * a connection with no request in flight for `maxConnectionIdleMs` is closed; one older than
 * `maxConnectionAgeMs` (±10%) closes after its response in flight, which gets
 * `maxConnectionAgeGraceMs`; a shutdown closes idle connections at once and busy ones after their
 * response (`connection: close`), and a forced one cuts them.
 * https://github.com/grpc/proposal/blob/master/A9-server-side-conn-mgt.md
 */
export class Http1Connection {
  readonly socket: Socket;
  private readonly policy: ResolvedConnectionPolicy;
  /** Requests whose response is not over yet (several when the client pipelines). */
  private readonly inFlight = new Set<Http1ConnectionExchange>();
  private closingFlag = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private ageTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(socket: Socket, policy: ResolvedConnectionPolicy) {
    this.socket = socket;
    this.policy = policy;
    if (Number.isFinite(policy.maxConnectionAgeMs)) {
      const jitter = 0.9 + Math.random() * 0.2;
      this.ageTimer = setTimeout(() => this.onMaxAge(), policy.maxConnectionAgeMs * jitter).unref();
    }
    this.armIdle();
    socket.once("close", () => this.clearTimers());
  }

  /** True once the connection takes no more requests: responses then say `connection: close`. */
  get closing(): boolean {
    return this.closingFlag;
  }

  /** How many requests are in flight. */
  get openRequests(): number {
    return this.inFlight.size;
  }

  /** Registers a request in flight. */
  add(exchange: Http1ConnectionExchange): void {
    this.inFlight.add(exchange);
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
  }

  /** Forgets a request whose response is over; the last one starts the idle clock (or closes a closing connection). */
  remove(exchange: Http1ConnectionExchange): void {
    if (!this.inFlight.delete(exchange) || this.inFlight.size > 0) return;
    if (this.closingFlag) this.close();
    else this.armIdle();
  }

  /** Takes no more requests: closes now when idle, else after the responses in flight. */
  goAway(): void {
    this.closingFlag = true;
    if (this.inFlight.size === 0) this.close();
  }

  /** A shutdown's grace period is over: every request in flight gets `reason` the protocol's way, then the socket closes. */
  shutDown(reason: GrpcError): void {
    this.goAway();
    for (const exchange of [...this.inFlight]) exchange.stop(reason, true);
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => this.destroy(reason), SHUTDOWN_FLUSH_MS).unref();
  }

  /** Cuts every request in flight with `reason` and destroys the socket now. */
  destroy(reason: GrpcError): void {
    this.closingFlag = true;
    for (const exchange of [...this.inFlight]) exchange.stop(reason, false);
    this.socket.destroy();
  }

  /** node's HTTP/1.1 parser gave up on the connection (`reason` says why): the calls in flight are cut with it. */
  fail(reason: GrpcError): void {
    this.closingFlag = true;
    for (const exchange of [...this.inFlight]) exchange.abort(reason);
  }

  /** Ends the connection: our FIN now, the socket destroyed after CLOSE_LINGER_MS if the client keeps it open. */
  close(): void {
    this.closingFlag = true;
    const socket = this.socket;
    if (socket.destroyed) return;
    socket.end();
    if (this.lingerTimer === undefined) this.lingerTimer = setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
  }

  private armIdle(): void {
    if (!Number.isFinite(this.policy.maxConnectionIdleMs) || this.idleTimer !== undefined) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.inFlight.size === 0) this.close();
    }, this.policy.maxConnectionIdleMs).unref();
  }

  private onMaxAge(): void {
    this.ageTimer = undefined;
    this.goAway();
    if (Number.isFinite(this.policy.maxConnectionAgeGraceMs) && this.inFlight.size > 0)
      this.graceTimer = setTimeout(
        () => this.shutDown(new GrpcError(Code.Unavailable, "server: HTTP/1.1 connection reached its maximum age and its grace period")),
        this.policy.maxConnectionAgeGraceMs,
      ).unref();
  }

  private clearTimers(): void {
    for (const timer of [this.idleTimer, this.ageTimer, this.graceTimer, this.lingerTimer]) if (timer !== undefined) clearTimeout(timer);
    this.idleTimer = this.ageTimer = this.graceTimer = this.lingerTimer = undefined;
  }
}
