import { Code, GrpcError } from "../../status/index.js";
import { TLS_VERIFY_CODES } from "../index.js";

/** What the client knew about a TLS connection attempt when it failed. */
export interface TlsAttempt {
  /** The channel was configured with a client certificate (tls.cert and tls.key). */
  hasClientCertificate: boolean;
  /** The TCP connection was established, so a close came from the server, not a refusal. */
  tcpConnected: boolean;
  /** The client's side of the TLS handshake completed ('secureConnect'). */
  handshakeDone: boolean;
}

/** The TLS alerts (RFC 8446 section 6) by which a server refuses the client's certificate. */
const CERTIFICATE_ALERTS = new Set([
  "bad_certificate",
  "unsupported_certificate",
  "certificate_revoked",
  "certificate_expired",
  "certificate_unknown",
  "unknown_ca",
  "access_denied",
]);

/** Socket failures that, once TCP is up on a TLS attempt, mean the server hung up. */
const HANG_UP_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

/**
 * The status of a TLS connection attempt that failed before the server's HTTP/2 SETTINGS, or
 * undefined when the failure is not the TLS layer's (TCP refused, DNS, ...). UNAVAILABLE, with a
 * message naming the side and the layer and saying what the server most likely objected to:
 * "client: TLS: the server requires a client certificate and this channel sent none (alert 116
 * certificate_required)". A server that refuses a client certificate after its own checks
 * (node's rejectUnauthorized) sends no alert but hangs up, during the handshake with TLS 1.2 and
 * just after it with TLS 1.3; `closed` (no error, or a reset) is read in that light.
 *
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md (a connection failure is UNAVAILABLE)
 */
export function clientTlsError(attempt: TlsAttempt, error: Error | undefined): GrpcError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const nodeCode = typeof code === "string" ? code : "";
  if (error !== undefined && nodeCode !== "" && !HANG_UP_CODES.has(nodeCode)) {
    // OpenSSL 3.0 names alerts ERR_SSL_SSLV3_ALERT_*, ERR_SSL_TLSV1_ALERT_*, ERR_SSL_TLSV13_ALERT_*; 3.5 (Node 24) ERR_SSL_SSL/TLS_ALERT_*.
    const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13|SSL\/TLS)_ALERT_([A-Z_]+)$/.exec(nodeCode);
    if (alert !== null) return alertError(attempt, alert[1]!.toLowerCase(), error);
    // ERR_TLS_CERT_ALTNAME_INVALID: Node's own check that the certificate names the host.
    if (TLS_VERIFY_CODES.has(nodeCode) || nodeCode === "ERR_TLS_CERT_ALTNAME_INVALID")
      return tlsError(`the server's certificate did not verify: ${error.message} (${nodeCode})`, error);
    if (nodeCode.startsWith("ERR_SSL_") || nodeCode.startsWith("ERR_TLS_"))
      return tlsError(`${opensslReason(error.message)} (${nodeCode})`, error);
    return undefined;
  }
  if (!attempt.tcpConnected) return undefined;
  const when = attempt.handshakeDone ? "right after the TLS handshake, before its HTTP/2 SETTINGS" : "during the TLS handshake";
  const hint = attempt.hasClientCertificate
    ? ": a server that requires client certificates does this when it does not trust the one this channel sent"
    : "";
  return tlsError(`the server closed the connection ${when}${hint}${nodeCode === "" ? "" : ` (${nodeCode})`}`, error);
}

function alertError(attempt: TlsAttempt, name: string, error: Error): GrpcError {
  const number = /SSL alert number (\d+)/.exec(error.message)?.[1];
  const label = `(alert ${number === undefined ? "" : `${number} `}${name})`;
  if (name === "certificate_required")
    return tlsError(`the server requires a client certificate and this channel sent none; set tls.cert and tls.key ${label}`, error);
  if (CERTIFICATE_ALERTS.has(name)) return tlsError(`the server rejected this channel's client certificate ${label}`, error);
  if (name === "handshake_failure" && !attempt.hasClientCertificate)
    return tlsError(
      `the server refused the handshake; a TLS 1.2 server that requires a client certificate answers this way, and this channel sent none ${label}`,
      error,
    );
  return tlsError(`the server refused the handshake ${label}`, error);
}

/** OpenSSL's reason without its "<thread>:error:<code>:SSL routines:<function>:" preamble and source location. */
function opensslReason(message: string): string {
  const match = /:SSL routines:[^:]*:([^:]+)/.exec(message);
  return match === null ? message.trim() : match[1]!.trim();
}

function tlsError(text: string, cause: Error | undefined): GrpcError {
  return new GrpcError(Code.Unavailable, `client: TLS: ${text}`, cause === undefined ? {} : { cause });
}
