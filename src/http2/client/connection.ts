import { constants, type ClientHttp2Session } from "node:http2";
import type { Transport, TransportOwner } from "../../channel/index.js";
import { Code, GrpcError, http2ErrorCode } from "../../status/index.js";
import type { ConnectionTrace } from "../../trace/index.js";
import { grpcErrorFromGoaway, grpcErrorFromNode } from "../index.js";

/**
 * Keepalive and idle settings of one HTTP/2 connection (doc/keepalive.md, gRFC A8). The ping
 * period itself comes from the owner (the subchannel), which doubles it after "too_many_pings".
 */
export interface ConnectionTimers {
  /** How long a ping may stay unanswered before the connection is dropped. */
  keepaliveTimeoutMs: number;
  /** Ping even when no call is active. */
  keepalivePermitWithoutCalls: boolean;
  /** Close the connection after this long without calls; Infinity keeps it. */
  idleTimeoutMs: number;
}

/**
 * What a connection reports to its subchannel (it closed, or it was told to go away) and reads
 * from it (the keepalive period: undefined or Infinity is off, the default).
 */
export type ConnectionOwner = Pick<TransportOwner<Connection>, "connectionGone" | "tooManyPings" | "keepaliveTimeMs">;

/**
 * One connected HTTP/2 session and its bookkeeping: active stream count against the peer's
 * SETTINGS_MAX_CONCURRENT_STREAMS, GOAWAY draining, keepalive pings and the idle timer.
 *
 * The session is unref'ed while no call is active, so an idle channel never keeps Node alive.
 */
export class Connection implements Transport {
  readonly session: ClientHttp2Session;
  active = 0;
  /** No new streams: GOAWAY arrived, or we are closing. */
  draining = false;
  /** The last stream id a GOAWAY said the server processed; streams above it never reached a handler. */
  goawayLastStreamId: number | undefined;
  /** The reason this connection ended, reported to calls that were still on it. */
  closeReason: GrpcError | undefined;
  /** Where this connection's events go (tracer, logger); undefined when neither is on. */
  readonly trace: ConnectionTrace | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly owner: ConnectionOwner;
  private readonly timers: ConnectionTimers;

  constructor(session: ClientHttp2Session, owner: ConnectionOwner, timers: ConnectionTimers, trace?: ConnectionTrace) {
    this.session = session;
    this.trace = trace;
    this.owner = owner;
    this.timers = timers;
    session.on("goaway", (errorCode: number, lastStreamId: number, opaqueData?: Buffer) => {
      this.draining = true;
      this.goawayLastStreamId = lastStreamId;
      const debug = opaqueData === undefined ? "" : opaqueData.toString("latin1");
      this.trace?.emit("goaway-received", { code: errorCode, codeName: http2ErrorCode(errorCode)?.name ?? "UNKNOWN", lastStreamId, debug });
      if (errorCode === constants.NGHTTP2_ENHANCE_YOUR_CALM && debug === "too_many_pings") this.owner.tooManyPings();
      this.closeReason ??= grpcErrorFromGoaway(errorCode, opaqueData);
      this.owner.connectionGone(this);
    });
    session.on("close", () => {
      this.trace?.emit("closed", this.closeReason === undefined ? {} : { reason: this.closeReason.message });
      this.draining = true;
      this.clearTimers();
      this.owner.connectionGone(this);
    });
    // 'error' is always followed by 'close'; the streams report their own failure.
    session.on("error", (error: Error) => {
      this.closeReason ??= grpcErrorFromNode(error);
    });
    session.unref();
    this.armIdle();
    this.armKeepalive();
  }

  /** Tells whether a new stream may start here now. */
  hasCapacity(): boolean {
    if (this.draining || this.session.closed || this.session.destroyed) return false;
    const max = this.session.remoteSettings.maxConcurrentStreams;
    return max === undefined || this.active < max;
  }

  /** Counts a new stream; the caller calls `release()` once when it closes. */
  acquire(): void {
    if (this.active++ === 0) {
      this.session.ref();
      if (this.idleTimer !== undefined) {
        clearTimeout(this.idleTimer);
        this.idleTimer = undefined;
      }
    }
  }

  release(): void {
    if (--this.active === 0) {
      if (!this.session.destroyed) this.session.unref();
      this.armIdle();
    }
  }

  /** Stops new calls and closes once the active ones finish. */
  close(): void {
    this.draining = true;
    this.clearTimers();
    if (!this.session.closed) this.session.close();
  }

  destroy(reason: GrpcError): void {
    this.closeReason ??= reason;
    this.draining = true;
    this.clearTimers();
    this.session.destroy();
  }

  private armIdle(): void {
    const ms = this.timers.idleTimeoutMs;
    if (!Number.isFinite(ms) || this.draining) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.active === 0) this.close();
    }, ms);
    this.idleTimer.unref();
  }

  private armKeepalive(): void {
    const ms = this.owner.keepaliveTimeMs;
    if (ms === undefined || !Number.isFinite(ms) || this.draining) return;
    this.keepaliveTimer = setTimeout(() => this.ping(), ms);
    this.keepaliveTimer.unref();
  }

  private ping(): void {
    this.keepaliveTimer = undefined;
    if (this.draining) return;
    if (this.active === 0 && !this.timers.keepalivePermitWithoutCalls) {
      this.armKeepalive();
      return;
    }
    const timeoutMs = this.timers.keepaliveTimeoutMs;
    this.pingTimer = setTimeout(() => {
      this.pingTimer = undefined;
      this.trace?.emit("keepalive-timeout", { timeoutMs });
      this.destroy(new GrpcError(Code.Unavailable, `keepalive: no PING ack within ${timeoutMs} ms`));
    }, timeoutMs);
    this.pingTimer.unref();
    const sent = this.session.ping((error) => {
      if (this.pingTimer !== undefined) clearTimeout(this.pingTimer);
      this.pingTimer = undefined;
      if (error === null) this.armKeepalive();
    });
    if (!sent) {
      clearTimeout(this.pingTimer);
      this.pingTimer = undefined;
      this.armKeepalive();
    }
  }

  private clearTimers(): void {
    for (const timer of [this.keepaliveTimer, this.pingTimer, this.idleTimer]) if (timer !== undefined) clearTimeout(timer);
    this.keepaliveTimer = this.pingTimer = this.idleTimer = undefined;
  }
}
