import type { ServerHttp2Session } from "node:http2";
import type { PeerCertificate as NodePeerCertificate, TLSSocket } from "node:tls";

/** The subject alternative names of a certificate, by kind, in the order the certificate lists them. */
export interface SubjectAltNames {
  /** dNSName entries ("api.example.com", "*.example.com"). */
  readonly dns: readonly string[];
  /** uniformResourceIdentifier entries ("spiffe://example.org/ns/prod/sa/api"). */
  readonly uri: readonly string[];
  /** iPAddress entries, as text ("10.0.0.7", "2001:DB8:0:0:0:0:0:1" as OpenSSL prints IPv6). */
  readonly ip: readonly string[];
  /** rfc822Name entries ("ops@example.com"). */
  readonly email: readonly string[];
}

/** A distinguished name: attribute ("CN", "O", "OU", "C", ...) to value; an attribute given twice is an array. */
export type DistinguishedName = Readonly<Record<string, string | readonly string[]>>;

/**
 * The client certificate a TLS connection presented and the server verified against its `ca`
 * (mutual TLS): who the peer is. Plain data, safe to log or keep after the call.
 */
export interface PeerCertificate {
  /** The subject's distinguished name. */
  readonly subject: DistinguishedName;
  /** The subject's common name (CN), or undefined when it has none. */
  readonly commonName: string | undefined;
  /** The subject alternative names: where modern identities live (SPIFFE IDs are URIs). */
  readonly subjectAltNames: SubjectAltNames;
  /** The issuer's distinguished name. */
  readonly issuer: DistinguishedName;
  /** Serial number, upper-case hex. */
  readonly serialNumber: string;
  /** SHA-256 fingerprint of the DER certificate, colon-separated upper-case hex ("AB:CD:..."). */
  readonly fingerprint256: string;
  /** Start of the validity period. */
  readonly validFrom: Date;
  /** End of the validity period. */
  readonly validTo: Date;
  /** The certificate itself, DER-encoded. */
  readonly raw: Uint8Array;
}

const certificates = new WeakMap<ServerHttp2Session, PeerCertificate | null>();

/**
 * The verified client certificate of a connection, or undefined over plaintext, when the client
 * sent none, or when it did not verify (a listener that requests but does not require one).
 * Read from the TLS socket once per connection.
 */
export function peerCertificateOf(session: ServerHttp2Session): PeerCertificate | undefined {
  let certificate = certificates.get(session);
  if (certificate === undefined) {
    certificate = readPeerCertificate(session.socket as TLSSocket | undefined) ?? null;
    // A session whose socket is already gone tells nothing yet, so only what was read is kept.
    if (session.socket !== undefined && session.socket !== null) certificates.set(session, certificate);
  }
  return certificate ?? undefined;
}

/** The verified certificate of a TLS socket's client (an HTTP/1.1 connection has no session), or undefined. */
export function readPeerCertificate(socket: TLSSocket | undefined): PeerCertificate | undefined {
  // Over h2c there is no getPeerCertificate; `authorized` is true only when the chain verified.
  if (socket === undefined || socket === null || typeof socket.getPeerCertificate !== "function" || socket.authorized !== true)
    return undefined;
  const node: NodePeerCertificate = socket.getPeerCertificate(false);
  if (node === null || node.raw === undefined || Object.keys(node).length === 0) return undefined;
  const subject = distinguishedName(node.subject);
  const commonName = subject.CN;
  return Object.freeze({
    subject,
    commonName: typeof commonName === "string" ? commonName : commonName?.[0],
    subjectAltNames: parseSubjectAltNames(node.subjectaltname ?? ""),
    issuer: distinguishedName(node.issuer),
    serialNumber: node.serialNumber.toUpperCase(),
    fingerprint256: node.fingerprint256,
    validFrom: new Date(node.valid_from),
    validTo: new Date(node.valid_to),
    raw: new Uint8Array(node.raw),
  });
}

function distinguishedName(name: unknown): DistinguishedName {
  const copy: Record<string, string | readonly string[]> = {};
  if (name !== null && typeof name === "object")
    for (const [key, value] of Object.entries(name as Record<string, unknown>)) {
      if (typeof value === "string") copy[key] = value;
      else if (Array.isArray(value)) copy[key] = Object.freeze(value.map(String));
    }
  return Object.freeze(copy);
}

/**
 * Parses node's `subjectaltname` text ("DNS:a.example, URI:spiffe://x/y, IP Address:10.0.0.1,
 * email:a@example") into its kinds. Node writes a value holding a comma, quote or other special
 * character as a JSON string (`DNS:"a, b"`), so that one entry can never pass for two; other kinds
 * (othername, DirName, ...) are left out.
 */
export function parseSubjectAltNames(text: string): SubjectAltNames {
  const names = { dns: [] as string[], uri: [] as string[], ip: [] as string[], email: [] as string[] };
  let at = 0;
  while (at < text.length) {
    const colon = text.indexOf(":", at);
    if (colon < 0) break;
    const kind = text.slice(at, colon).trim();
    let value: string;
    let end: number;
    if (text[colon + 1] === '"') {
      end = closingQuote(text, colon + 2);
      try {
        value = JSON.parse(text.slice(colon + 1, end + 1)) as string;
      } catch {
        value = text.slice(colon + 2, end);
      }
      end = text.indexOf(", ", end);
    } else {
      end = text.indexOf(", ", colon + 1);
      value = text.slice(colon + 1, end < 0 ? text.length : end);
    }
    if (kind === "DNS") names.dns.push(value);
    else if (kind === "URI") names.uri.push(value);
    else if (kind === "IP Address") names.ip.push(value);
    else if (kind === "email") names.email.push(value);
    if (end < 0) break;
    at = end + 2;
  }
  return Object.freeze({
    dns: Object.freeze(names.dns),
    uri: Object.freeze(names.uri),
    ip: Object.freeze(names.ip),
    email: Object.freeze(names.email),
  });
}

/** The index of the quote that closes a JSON string whose contents start at `from` (or the text's end). */
function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}
