import { connect as http2Connect, type ClientHttp2Session, type SecureClientSessionOptions } from "node:http2";
import { isIP, connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { formatAddress, type Address, type Connect, type ConnectAttempt, type TransportOwner } from "../../channel/index.js";
import type { TLSSocket } from "node:tls";
import { Code, GrpcError } from "../../status/index.js";
import type { ConnectionTrace } from "../../trace/index.js";
import { grpcErrorFromNode } from "../index.js";
import { Connection, type ConnectionTimers } from "./connection.js";
import { clientTlsError, type TlsAttempt } from "./tls-error.js";

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

/** How a channel's HTTP/2 connections are opened; built once per channel. */
export interface ConnectOptions {
  /** TLS settings, or undefined for plaintext h2c. */
  tls: TlsOptions | undefined;
  /** TLS server name (SNI and certificate check) when not overridden: the target's host. */
  serverName: string;
  /** Keepalive and idle settings of every connection. */
  timers: ConnectionTimers;
  /** Creates the trace of each connection (tracer and logger); undefined when neither is on. */
  traces?: ((address: string) => ConnectionTrace) | undefined;
}

/**
 * Returns the channel's `Connect` for HTTP/2: each attempt opens a node:http2 session (h2c,
 * TLS with ALPN "h2", or either over a unix socket) and is connected on the server's first
 * SETTINGS, when its max concurrent streams is known.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
export function createHttp2Connect(options: ConnectOptions): Connect<Connection> {
  return (address, owner) => connectSession(address, owner, options);
}

function connectSession(address: Address, owner: TransportOwner<Connection>, options: ConnectOptions): ConnectAttempt {
  const trace = options.traces?.(formatAddress(address));
  const session = openSession(address, options);
  if (trace !== undefined) traceConnecting(trace, session, options);
  let settled = false;
  const fail = (error: GrpcError): void => {
    if (settled) return;
    settled = true;
    trace?.emit("connect-failed", { error: error.message });
    owner.connectFailed(error);
  };
  // Ready on the server's SETTINGS, not on TCP connect: until then its max concurrent streams is unknown.
  session.once("remoteSettings", (settings) => {
    if (settled) return;
    settled = true;
    session.removeListener("error", onError);
    session.removeListener("close", onClose);
    session.socket?.removeListener("error", onSocketError);
    if (trace !== undefined) {
      trace.emit("settings-received", { settings: { ...settings } });
      trace.emit("connected", {});
    }
    owner.connected(new Connection(session, owner, options.timers, trace));
  });
  const tlsAttempt = options.tls === undefined ? undefined : watchTls(session, options.tls);
  // These stay after a failure or cancel: a late 'error' must still find a listener.
  const onError = (error: Error): void => fail((tlsAttempt && clientTlsError(tlsAttempt, error)) ?? grpcErrorFromNode(error));
  const onClose = (): void =>
    fail(
      (tlsAttempt && clientTlsError(tlsAttempt, undefined)) ??
        new GrpcError(Code.Unavailable, `connect: connection to ${formatAddress(address)} closed during setup`),
    );
  session.on("error", onError);
  session.on("close", onClose);
  // A TLS alert that comes after the handshake (TLS 1.3: the server refuses our client certificate)
  // errors the socket, but node then destroys the session without 'error' or 'close' on it (Node
  // 20-24): without this the attempt would wait for SETTINGS forever.
  const onSocketError = (error: Error): void => {
    onError(error);
    session.destroy();
  };
  session.socket?.once("error", onSocketError);
  return {
    cancel(): void {
      settled = true;
      session.destroy();
    },
  };
}

/** Follows a TLS attempt's progress, to tell what the server objected to if it fails. */
function watchTls(session: ClientHttp2Session, tls: TlsOptions): TlsAttempt {
  const attempt: TlsAttempt = { hasClientCertificate: tls.cert !== undefined, tcpConnected: false, handshakeDone: false };
  session.socket?.once("connect", () => {
    attempt.tcpConnected = true;
  });
  session.socket?.once("secureConnect", () => {
    attempt.tcpConnected = true;
    attempt.handshakeDone = true;
  });
  return attempt;
}

function openSession(address: Address, options: ConnectOptions): ClientHttp2Session {
  const tls = options.tls;
  const settings = { enablePush: false, initialWindowSize: 1 << 20 };
  if (tls === undefined) {
    if ("path" in address) return http2Connect("http://localhost", { settings, createConnection: () => netConnect(address.path) });
    return http2Connect(`http://${formatAddress(address)}`, { settings });
  }
  const servername = tls.serverNameOverride ?? options.serverName;
  const secure: SecureClientSessionOptions = { settings, ALPNProtocols: ["h2"] };
  if (tls.ca !== undefined) secure.ca = toPem(tls.ca);
  if (tls.cert !== undefined) secure.cert = toPem(tls.cert) as string | Buffer;
  if (tls.key !== undefined) secure.key = toPem(tls.key) as string | Buffer;
  // SNI cannot carry an IP address; without it Node checks the certificate against the URL's host.
  if (isIP(servername) === 0) secure.servername = servername;
  if ("path" in address) {
    const path = address.path;
    return http2Connect(`https://${servername}`, { ...secure, createConnection: () => tlsConnect({ ...secure, path }) });
  }
  return http2Connect(`https://${formatAddress(address)}`, secure);
}

function toPem(value: string | Uint8Array | (string | Uint8Array)[]): string | Buffer | (string | Buffer)[] {
  if (Array.isArray(value)) return value.map((item) => toPem(item) as string | Buffer);
  return typeof value === "string" ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Trace: the attempt's address and transport, and once connected, TLS's protocol, ALPN and cipher. */
function traceConnecting(trace: ConnectionTrace, session: ClientHttp2Session, options: ConnectOptions): void {
  const tls = options.tls;
  trace.emit("connecting", { address: trace.address, tls: tls !== undefined, serverName: tls?.serverNameOverride ?? options.serverName });
  if (tls === undefined) return;
  session.once("connect", () => {
    const socket = session.socket as TLSSocket | undefined;
    trace.emit("tls", {
      protocol: socket?.getProtocol?.() ?? null,
      alpn: socket?.alpnProtocol ?? null,
      cipher: socket?.getCipher?.()?.name ?? null,
    });
  });
}
