import { constants, type ServerHttp2Session } from "node:http2";
import { Code, GrpcError, RstCode } from "../../status/index.js";
import { TokenBucket } from "./token-bucket.js";

/** How a server treats each HTTP/2 connection over its life (gRFC A8 keepalive, A9 idle and age). */
export interface ConnectionPolicy {
  /** Interval between the server's own keepalive PINGs; Infinity turns them off. Default 2 hours. */
  keepaliveTimeMs?: number | undefined;
  /** How long a keepalive PING may wait for its ACK before the connection is closed. Default 20 s. */
  keepaliveTimeoutMs?: number | undefined;
  /** Client PINGs closer together than this earn a strike (gRFC A8). Default 5 minutes. */
  minPingIntervalMs?: number | undefined;
  /** Whether client PINGs are fine while no call is open; if not, such PINGs strike. Default false. */
  permitKeepaliveWithoutCalls?: boolean | undefined;
  /** Strikes tolerated; one more gets GOAWAY ENHANCE_YOUR_CALM "too_many_pings". Default 2. */
  maxPingStrikes?: number | undefined;
  /** A connection with no call for this long is closed with GOAWAY. Default Infinity. */
  maxConnectionIdleMs?: number | undefined;
  /** A connection older than this (±10% jitter) gets GOAWAY. Default Infinity. */
  maxConnectionAgeMs?: number | undefined;
  /** After the age GOAWAY, calls get this long before the connection is closed. Default Infinity. */
  maxConnectionAgeGraceMs?: number | undefined;
  /**
   * A connection whose client has not sent the HTTP/2 preface and SETTINGS within this long (after
   * TCP accept, or after the TLS handshake) is closed. The TLS handshake itself gets the same
   * time. Default 20 s (gRPC C-core and grpc-go allow 120 s for the whole handshake).
   */
  handshakeTimeoutMs?: number | undefined;
  /**
   * Rapid-reset budget (CVE-2023-44487): how many calls the client may reset before they finish in
   * one burst. Past it, the connection gets GOAWAY(ENHANCE_YOUR_CALM, "too_many_resets") and is
   * closed. Default 500 (below the 1000 of node's own nghttp2 limit, so ours speaks first).
   */
  maxPeerResetBurst?: number | undefined;
  /** How fast the rapid-reset budget refills, in resets per second. Default 30. */
  maxPeerResetsPerSecond?: number | undefined;
}

/** A ConnectionPolicy with every default filled in: what a ServerConnection runs with. */
export type ResolvedConnectionPolicy = { readonly [Key in keyof ConnectionPolicy]-?: NonNullable<ConnectionPolicy[Key]> };

/**
 * The part of ServerStream a connection needs, to cancel what it still holds when it closes. The
 * two links make the connection's list of open streams (no Set entry to allocate and rehash per call).
 */
export interface ConnectionStream {
  cancel(rstCode: number, reason: GrpcError): void;
  finishAndCancel(error: GrpcError, trailers: undefined): void;
  previousOnConnection: ConnectionStream | undefined;
  nextOnConnection: ConnectionStream | undefined;
}

const TWO_HOURS_MS = 2 * 60 * 60 * 1000;
/**
 * What we may write between two client PINGs without having sent HEADERS or DATA: the PING ACK
 * (17 bytes) and a few small control frames (WINDOW_UPDATE 13, SETTINGS ACK 9).
 */
const CONTROL_FRAME_BYTES = 48;
const TOO_MANY_PINGS = Buffer.from("too_many_pings");
const TOO_MANY_RESETS = Buffer.from("too_many_resets");
const TOO_MANY_SETTINGS = Buffer.from("too_many_settings");
/**
 * SETTINGS frames a client may send in a burst, and per second after it (CVE-2019-9515: every
 * SETTINGS costs an ACK and a JavaScript event). Clients send one or two per connection.
 */
const SETTINGS_BURST = 100;
const SETTINGS_PER_SECOND = 10;
/**
 * node:http2 before Node 22 sends GOAWAY for a connection error (a DATA frame on stream 0, a broken
 * HPACK block, an oversized frame, its own rapid-reset limit) but then neither closes the socket nor
 * reads from it again, so it never sees the client leave: the connection stays open for good. On
 * those versions a quiet connection is probed with a PING every LIVENESS_PROBE_MS, and one that
 * does not answer by the next probe is closed. Node 22 and later close such connections at once.
 */
const NODE_KEEPS_BROKEN_CONNECTIONS = Number(process.versions.node.split(".")[0]) < 22;
/** See NODE_KEEPS_BROKEN_CONNECTIONS. */
export const LIVENESS_PROBE_MS = 4000;
/** After a GOAWAY for ping abuse, how long the peer gets to read it before the socket closes. */
const ABUSE_CLOSE_DELAY_MS = 1000;
/** After a shutdown ended the open calls, how long their statuses get to reach the client. */
const SHUTDOWN_FLUSH_MS = 1000;
/** The last stream id of the first GOAWAY of a graceful close: the largest there is, refusing nothing yet. */
const MAX_STREAM_ID = 2 ** 31 - 1;
/** How long the second GOAWAY of a graceful close waits for the first to leave node's queue. */
const GOAWAY_SEND_WAIT_MS = 1000;

/**
 * One accepted HTTP/2 connection: the calls it carries, client PING policing, the server's own
 * keepalive PINGs, and the idle and age limits.
 *
 * Ping strikes follow gRFC A8: a PING arriving sooner than allowed after the previous one is a
 * strike, sending HEADERS or DATA clears them, and more than `maxPingStrikes` ends the connection
 * with GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings").
 * https://github.com/grpc/proposal/blob/master/A8-client-side-keepalive.md
 * https://github.com/grpc/proposal/blob/master/A9-server-side-conn-mgt.md
 */
export class ServerConnection {
  readonly session: ServerHttp2Session;
  /** How many calls are open on this connection. */
  openStreams = 0;
  private firstStream: ConnectionStream | undefined;
  private readonly policy: ResolvedConnectionPolicy;
  private pingStrikes = 0;
  private lastPingAt = -Infinity;
  private bytesWrittenAtLastPing = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private keepaliveTimeoutTimer: NodeJS.Timeout | undefined;
  private ageTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private goawayTimer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  private livenessPingPending = false;
  private bytesReadAtProbe = -1;
  private readonly resetBudget: TokenBucket;
  private readonly settingsBudget = new TokenBucket(SETTINGS_BURST, SETTINGS_PER_SECOND);
  private closing = false;

  constructor(session: ServerHttp2Session, policy: ResolvedConnectionPolicy) {
    this.session = session;
    this.policy = policy;
    session.on("ping", () => this.onPing());
    session.once("close", () => this.clearTimers());
    if (Number.isFinite(policy.keepaliveTimeMs)) this.scheduleKeepalive();
    if (Number.isFinite(policy.maxConnectionAgeMs)) {
      const jitter = 0.9 + Math.random() * 0.2;
      this.ageTimer = setTimeout(() => this.onMaxAge(), policy.maxConnectionAgeMs * jitter).unref();
    }
    this.armIdle();
    this.resetBudget = new TokenBucket(policy.maxPeerResetBurst, policy.maxPeerResetsPerSecond);
    if (Number.isFinite(policy.handshakeTimeoutMs))
      this.handshakeTimer = setTimeout(() => this.onHandshakeTimeout(), policy.handshakeTimeoutMs).unref();
    session.on("remoteSettings", () => this.onSettings());
    if (NODE_KEEPS_BROKEN_CONNECTIONS) this.livenessTimer = setInterval(() => this.probeLiveness(), LIVENESS_PROBE_MS).unref();
  }

  /** Registers a call on this connection. */
  add(stream: ConnectionStream): void {
    const first = this.firstStream;
    stream.nextOnConnection = first;
    if (first !== undefined) first.previousOnConnection = stream;
    this.firstStream = stream;
    this.openStreams++;
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
  }

  /** Forgets a finished call; the last one starts the idle clock. */
  remove(stream: ConnectionStream): void {
    const { previousOnConnection: previous, nextOnConnection: next } = stream;
    if (previous !== undefined) previous.nextOnConnection = next;
    else if (this.firstStream === stream) this.firstStream = next;
    else return; // not (or no longer) on this connection
    if (next !== undefined) next.previousOnConnection = previous;
    stream.previousOnConnection = stream.nextOnConnection = undefined;
    if (--this.openStreams === 0) this.armIdle();
  }

  /**
   * A call was reset by the client (or cut off) before it finished: spends one unit of the
   * rapid-reset budget, and ends the connection with GOAWAY(ENHANCE_YOUR_CALM) when it is spent.
   */
  onPeerReset(): void {
    if (this.resetBudget.take() || this.closing) return;
    const policy = this.policy;
    this.abuse(
      TOO_MANY_RESETS,
      new GrpcError(
        Code.Unavailable,
        `http2: connection closed: the client reset more than ${policy.maxPeerResetBurst} calls in a burst (rapid-reset budget ${policy.maxPeerResetsPerSecond}/s)`,
      ),
    );
  }

  /** Called whenever HEADERS or DATA go out: the peer may then ping again freely (gRFC A8). */
  onSend(): void {
    this.pingStrikes = 0;
    this.lastPingAt = -Infinity;
  }

  /**
   * Stops taking calls, in the two steps of RFC 9113 section 6.8; open calls go on. A single
   * GOAWAY names the last stream processed when it was queued, and nghttp2 drops every stream
   * above that id once the frame is on the wire, even one whose handler ran in between: its
   * client, told the call was never processed, retries it elsewhere (a call run twice, its first
   * answer lost). So the first GOAWAY names the largest stream id (refusing nothing), and once it
   * has left node's queue (streams opened after it are ignored, never run), the second GOAWAY
   * names the last stream that really started. node closes the connection when the calls ended.
   * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#goaway-frame
   */
  goAway(): void {
    if (this.closing) return;
    this.closing = true;
    const session = this.session;
    if (session.closed || session.destroyed) return;
    session.goaway(constants.NGHTTP2_NO_ERROR, MAX_STREAM_ID);
    const startedAt = performance.now();
    const closeOnceSent = (): void => {
      this.goawayTimer = undefined;
      if (session.closed || session.destroyed) return;
      // Frames still queued (a busy socket): the first GOAWAY may not be out yet.
      if (session.state.outboundQueueSize! > 0 && performance.now() - startedAt < GOAWAY_SEND_WAIT_MS) {
        this.goawayTimer = setTimeout(closeOnceSent, 1).unref();
        return;
      }
      session.close();
    };
    // node writes what is queued in its own immediate, which runs before this one.
    setImmediate(closeOnceSent);
  }

  /**
   * A shutdown's grace period is over: ends every open call with `reason` (trailers, then
   * RST_STREAM(CANCEL)) so the client reads why, then closes the connection once they are gone,
   * or after SHUTDOWN_FLUSH_MS at most.
   */
  shutDown(reason: GrpcError): void {
    this.goAway();
    const open: ConnectionStream[] = [];
    for (let stream = this.firstStream; stream !== undefined; stream = stream.nextOnConnection) open.push(stream);
    for (const stream of open) stream.finishAndCancel(reason, undefined);
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => this.destroy(reason), SHUTDOWN_FLUSH_MS).unref();
  }

  /** Cancels every open call with RST_STREAM(CANCEL) and closes the connection now. */
  destroy(reason: GrpcError): void {
    this.closing = true;
    const open: ConnectionStream[] = [];
    for (let stream = this.firstStream; stream !== undefined; stream = stream.nextOnConnection) open.push(stream);
    for (const stream of open) stream.cancel(RstCode.Cancel, reason);
    this.clearTimers();
    if (!this.session.destroyed) this.session.destroy();
  }

  private onPing(): void {
    // One write can be many DATA frames (a large response), and a client such as grpc-go sends a
    // BDP PING as DATA arrives: bytes written since the last PING count as sending, as in gRPC C-core.
    const written = this.session.socket?.bytesWritten ?? 0;
    if (written - this.bytesWrittenAtLastPing > CONTROL_FRAME_BYTES) this.onSend();
    this.bytesWrittenAtLastPing = written;
    const now = performance.now();
    const allowedMs = this.openStreams === 0 && !this.policy.permitKeepaliveWithoutCalls ? TWO_HOURS_MS : this.policy.minPingIntervalMs;
    if (now - this.lastPingAt < allowedMs) this.pingStrikes++;
    this.lastPingAt = now;
    if (this.pingStrikes <= this.policy.maxPingStrikes || this.closing) return;
    this.abuse(TOO_MANY_PINGS, new GrpcError(Code.Unavailable, "http2: connection closed for too many pings"));
  }

  /** GOAWAY(ENHANCE_YOUR_CALM, debug), then the socket closes once the client had time to read it. */
  private abuse(debug: Buffer, reason: GrpcError): void {
    this.closing = true;
    if (this.session.destroyed) return;
    // lastStreamID 0 lets node fill in the last stream it processed, so those calls may finish.
    this.session.goaway(RstCode.EnhanceYourCalm, 0, debug);
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => this.destroy(reason), ABUSE_CLOSE_DELAY_MS).unref();
  }

  /** The client's SETTINGS arrived: the handshake is done; a flood of them is abuse. */
  private onSettings(): void {
    if (this.handshakeTimer !== undefined) {
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = undefined;
    }
    if (this.settingsBudget.take() || this.closing) return;
    this.abuse(
      TOO_MANY_SETTINGS,
      new GrpcError(Code.Unavailable, `http2: connection closed: the client sent more than ${SETTINGS_BURST} SETTINGS frames in a burst`),
    );
  }

  private onHandshakeTimeout(): void {
    this.handshakeTimer = undefined;
    this.destroy(new GrpcError(Code.Unavailable, `http2: the client sent no HTTP/2 preface within ${this.policy.handshakeTimeoutMs} ms`));
  }

  /** See NODE_KEEPS_BROKEN_CONNECTIONS: a PING to a quiet connection; no answer by the next probe closes it. */
  private probeLiveness(): void {
    const socket = this.session.socket;
    const bytesRead = socket?.bytesRead ?? 0;
    if (bytesRead !== this.bytesReadAtProbe) {
      this.bytesReadAtProbe = bytesRead;
      this.livenessPingPending = false;
      return;
    }
    if (this.livenessPingPending) {
      this.destroy(new GrpcError(Code.Unavailable, "http2: connection stopped answering (node:http2 ended it after a protocol error)"));
      return;
    }
    if (this.session.destroyed || this.session.closed) return;
    this.livenessPingPending = true;
    this.session.ping(NO_CALLBACK);
  }

  private armIdle(): void {
    if (!Number.isFinite(this.policy.maxConnectionIdleMs) || this.idleTimer !== undefined) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.openStreams === 0) this.goAway();
    }, this.policy.maxConnectionIdleMs).unref();
  }

  private onMaxAge(): void {
    this.ageTimer = undefined;
    this.goAway();
    if (Number.isFinite(this.policy.maxConnectionAgeGraceMs))
      // As a server shutdown does: the calls still open get UNAVAILABLE in their trailers (safe to
      // retry) before the reset, instead of a bare RST_STREAM(CANCEL) the client reads as CANCELLED.
      this.graceTimer = setTimeout(
        () => this.shutDown(new GrpcError(Code.Unavailable, "http2: connection reached its maximum age and its grace period")),
        this.policy.maxConnectionAgeGraceMs,
      ).unref();
  }

  private scheduleKeepalive(): void {
    this.keepaliveTimer = setTimeout(() => this.sendKeepalive(), this.policy.keepaliveTimeMs).unref();
  }

  private sendKeepalive(): void {
    if (this.session.destroyed || this.session.closed) return;
    this.keepaliveTimeoutTimer = setTimeout(
      () => this.destroy(new GrpcError(Code.Unavailable, "http2: keepalive PING was not answered in time")),
      this.policy.keepaliveTimeoutMs,
    ).unref();
    const sent = this.session.ping((error) => {
      clearTimeout(this.keepaliveTimeoutTimer);
      this.keepaliveTimeoutTimer = undefined;
      if (error === null) this.scheduleKeepalive();
    });
    // node refuses a PING when too many are unanswered; that is as bad as a missing ACK.
    if (!sent) this.destroy(new GrpcError(Code.Unavailable, "http2: keepalive PING could not be sent"));
  }

  private clearTimers(): void {
    for (const timer of [
      this.idleTimer,
      this.keepaliveTimer,
      this.keepaliveTimeoutTimer,
      this.ageTimer,
      this.graceTimer,
      this.goawayTimer,
      this.handshakeTimer,
    ])
      if (timer !== undefined) clearTimeout(timer);
    clearInterval(this.livenessTimer);
    this.idleTimer = this.keepaliveTimer = this.keepaliveTimeoutTimer = this.ageTimer = this.graceTimer = undefined;
    this.handshakeTimer = this.livenessTimer = undefined;
  }
}

// A liveness PING's answer shows up as bytes read; its callback has nothing to do.
function NO_CALLBACK(): void {}
