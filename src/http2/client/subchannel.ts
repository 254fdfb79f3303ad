import { connect as http2Connect, type ClientHttp2Session, type SecureClientSessionOptions } from "node:http2";
import { isIP, connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { Code, GrpcError } from "../../status/index.js";
import { Backoff, type BackoffOptions } from "../../channel/index.js";
import { Connection, type ConnectionOwner, type ConnectionTimers } from "./connection.js";
import { ConnectivityState } from "../../channel/index.js";
import { formatAddress, type Address } from "../../channel/index.js";
import { grpcErrorFromNode } from "../index.js";

/** TLS settings of a channel. All optional: `{}` means TLS with the system's CAs. */
export interface TlsOptions {
  /** CA certificate(s) to trust instead of the system's (PEM). */
  ca?: string | Uint8Array | (string | Uint8Array)[];
  /** Client certificate chain (PEM), for mutual TLS. */
  cert?: string | Uint8Array;
  /** Client private key (PEM), for mutual TLS. */
  key?: string | Uint8Array;
  /** The name to verify the server certificate against and to send as SNI and `:authority`. */
  serverNameOverride?: string;
}

/** How a subchannel connects; built once per channel. */
export interface SubchannelOptions {
  tls: TlsOptions | undefined;
  /** TLS server name (SNI and certificate check) when not overridden: the target's host. */
  serverName: string;
  timers: ConnectionTimers;
  backoff: BackoffOptions | undefined;
}

/** What a subchannel reports to its owner (same folder). */
export interface SubchannelOwner {
  subchannelChanged(subchannel: Subchannel): void;
}

/**
 * The connections to one address. Connects on demand, opens another connection when every
 * open one is at the peer's max concurrent streams, and after a failed attempt waits out the
 * spec's backoff in TRANSIENT_FAILURE before going back to IDLE.
 * https://github.com/grpc/grpc/blob/master/doc/connection-backoff.md
 */
export class Subchannel implements ConnectionOwner {
  state = ConnectivityState.Idle;
  /** The last connection failure, for fail-fast calls. */
  lastError: GrpcError | undefined;
  readonly address: Address;
  private readonly connections: Connection[] = [];
  private connecting: ClientHttp2Session | undefined;
  private readonly backoff: Backoff;
  private backoffTimer: NodeJS.Timeout | undefined;
  private readonly options: SubchannelOptions;
  private readonly owner: SubchannelOwner;
  private readonly timers: ConnectionTimers;

  constructor(address: Address, options: SubchannelOptions, owner: SubchannelOwner) {
    this.address = address;
    this.options = options;
    this.owner = owner;
    this.timers = { ...options.timers };
    this.backoff = new Backoff(options.backoff);
  }

  /** Returns a connection that can take one more stream now, or undefined (starting a connection if useful). */
  pick(): Connection | undefined {
    const connections = this.connections;
    for (let i = 0; i < connections.length; i++) if (connections[i]!.hasCapacity()) return connections[i];
    if (this.state === ConnectivityState.Ready || this.state === ConnectivityState.Idle) this.connect();
    return undefined;
  }

  /** Starts a connection attempt unless one is running or backoff is in progress. */
  connect(): void {
    if (this.connecting !== undefined || this.backoffTimer !== undefined || this.state === ConnectivityState.Shutdown) return;
    if (this.state !== ConnectivityState.Ready) this.setState(ConnectivityState.Connecting);
    const timeoutMs = this.backoff.connectTimeoutMs();
    const session = this.openSession();
    this.connecting = session;
    let settled = false;
    const timer = setTimeout(() => {
      fail(new GrpcError(Code.Unavailable, `connect: no connection to ${formatAddress(this.address)} within ${timeoutMs} ms`));
      session.destroy();
    }, timeoutMs);
    const fail = (error: GrpcError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.connecting = undefined;
      this.connectFailed(error);
    };
    // Ready on the server's SETTINGS, not on TCP connect: until then its max concurrent streams is unknown.
    session.once("remoteSettings", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.connecting = undefined;
      session.removeListener("error", onError);
      session.removeListener("close", onClose);
      this.backoff.reset();
      this.lastError = undefined;
      this.connections.push(new Connection(session, this, this.timers));
      if (this.state === ConnectivityState.Ready) this.owner.subchannelChanged(this);
      else this.setState(ConnectivityState.Ready);
    });
    const onError = (error: Error): void => fail(grpcErrorFromNode(error));
    const onClose = (): void =>
      fail(new GrpcError(Code.Unavailable, `connect: connection to ${formatAddress(this.address)} closed during setup`));
    session.on("error", onError);
    session.on("close", onClose);
  }

  /** Closes every connection gracefully and stops reconnecting. */
  shutdown(): void {
    this.setState(ConnectivityState.Shutdown);
    if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    this.connecting?.destroy();
    this.connecting = undefined;
    for (const connection of this.connections.splice(0)) connection.close();
  }

  connectionGone(connection: Connection): void {
    const index = this.connections.indexOf(connection);
    if (index < 0) return;
    this.connections.splice(index, 1);
    if (this.connections.length === 0 && this.state === ConnectivityState.Ready && this.connecting === undefined)
      this.setState(ConnectivityState.Idle);
    else this.owner.subchannelChanged(this);
  }

  tooManyPings(): void {
    // gRFC A8: the server's ENHANCE_YOUR_CALM "too_many_pings" doubles our keepalive period.
    if (this.timers.keepaliveTimeMs !== undefined) this.timers.keepaliveTimeMs *= 2;
  }

  /** The current keepalive period (grows after `too_many_pings`). */
  get keepaliveTimeMs(): number | undefined {
    return this.timers.keepaliveTimeMs;
  }

  private connectFailed(error: GrpcError): void {
    this.lastError = error;
    if (this.state === ConnectivityState.Shutdown) return;
    if (this.connections.length > 0) {
      // Only an extra connection failed; the subchannel still has working ones.
      this.owner.subchannelChanged(this);
      return;
    }
    this.setState(ConnectivityState.TransientFailure);
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      this.setState(ConnectivityState.Idle);
    }, this.backoff.next());
    this.backoffTimer.unref();
  }

  private openSession(): ClientHttp2Session {
    const address = this.address;
    const tls = this.options.tls;
    const settings = { enablePush: false, initialWindowSize: 1 << 20 };
    if (tls === undefined) {
      if ("path" in address)
        return http2Connect("http://localhost", { settings, createConnection: () => netConnect(address.path) });
      return http2Connect(`http://${formatAddress(address)}`, { settings });
    }
    const servername = tls.serverNameOverride ?? this.options.serverName;
    const options: SecureClientSessionOptions = { settings, ALPNProtocols: ["h2"] };
    if (tls.ca !== undefined) options.ca = toPem(tls.ca);
    if (tls.cert !== undefined) options.cert = toPem(tls.cert) as string | Buffer;
    if (tls.key !== undefined) options.key = toPem(tls.key) as string | Buffer;
    // SNI cannot carry an IP address; without it Node checks the certificate against the URL's host.
    if (isIP(servername) === 0) options.servername = servername;
    if ("path" in address) {
      const path = address.path;
      return http2Connect(`https://${servername}`, { ...options, createConnection: () => tlsConnect({ ...options, path }) });
    }
    return http2Connect(`https://${formatAddress(address)}`, options);
  }

  private setState(state: ConnectivityState): void {
    if (this.state === state || this.state === ConnectivityState.Shutdown) return;
    this.state = state;
    this.owner.subchannelChanged(this);
  }
}

function toPem(value: string | Uint8Array | (string | Uint8Array)[]): string | Buffer | (string | Buffer)[] {
  if (Array.isArray(value)) return value.map((item) => toPem(item) as string | Buffer);
  return typeof value === "string" ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
