import { isIP } from "node:net";

/** One place to connect to: a TCP host and port, or a unix socket path. */
export type Address = { readonly host: string; readonly port: number } | { readonly path: string };

/**
 * A parsed channel target.
 *
 * `dns` targets are resolved when connecting; `ipv4`, `ipv6` and `unix` targets carry their
 * addresses already. `authority` is what goes in `:authority` (and TLS SNI) unless overridden.
 */
export interface Target {
  readonly scheme: "dns" | "ipv4" | "ipv6" | "unix";
  /** For `dns`: the name to resolve. */
  readonly host: string;
  /** For `dns`: the port of every resolved address. */
  readonly port: number;
  /** For `ipv4`, `ipv6`, `unix`: the literal addresses. */
  readonly addresses: readonly Address[];
  readonly authority: string;
  /** True for an `https://` target: TLS is on even without TLS options. */
  readonly secure: boolean;
}

/**
 * Parses a gRPC target string: `host:port`, `dns:host:port`, `dns:///host:port`,
 * `ipv4:a:p,b:p`, `ipv6:[::1]:p,…`, `unix:path`, `unix:///abs/path`, and also
 * `http://host:port` / `https://host:port`.
 *
 * A missing port is `defaultPort` (443 for https:// and TLS channels, 80 otherwise).
 * Malformed input is a TypeError: it is a caller's mistake.
 * https://github.com/grpc/grpc/blob/master/doc/naming.md
 */
export function parseTarget(target: string, defaultPort = 80): Target {
  if (typeof target !== "string" || target === "") throw new TypeError("target: must be a non-empty string");
  if (target.startsWith("unix:")) {
    let path = target.slice("unix:".length);
    if (path.startsWith("//")) path = path.slice(2);
    if (path === "") throw new TypeError(`target: ${JSON.stringify(target)} has no socket path`);
    return { scheme: "unix", host: "localhost", port: 0, addresses: [{ path }], authority: "localhost", secure: false };
  }
  if (target.startsWith("ipv4:") || target.startsWith("ipv6:")) {
    const scheme = target.slice(0, 4) as "ipv4" | "ipv6";
    const addresses = target
      .slice(5)
      .split(",")
      .map((part) => parseHostPort(part, defaultPort, target));
    for (const address of addresses) {
      const family = isIP(address.host);
      if (family !== (scheme === "ipv4" ? 4 : 6))
        throw new TypeError(`target: ${JSON.stringify(address.host)} is not an ${scheme} address`);
    }
    const first = addresses[0]!;
    return { scheme, host: first.host, port: first.port, addresses, authority: formatHostPort(first.host, first.port), secure: false };
  }
  let rest = target;
  let secure = false;
  if (rest.startsWith("http://")) rest = rest.slice(7);
  else if (rest.startsWith("https://")) {
    rest = rest.slice(8);
    secure = true;
    if (defaultPort === 80) defaultPort = 443;
  } else if (rest.startsWith("dns:")) {
    rest = rest.slice(4);
    // dns://authority/host:port names a DNS server; we use the system resolver either way.
    if (rest.startsWith("//")) rest = rest.slice(rest.indexOf("/", 2) + 1);
  }
  if (rest.endsWith("/")) rest = rest.slice(0, -1);
  const { host, port } = parseHostPort(rest, defaultPort, target);
  return { scheme: "dns", host, port, addresses: [], authority: formatHostPort(host, port), secure };
}

/** Formats an address for messages and `:authority` ("[::1]:50051", "unix:/tmp/s"). */
export function formatAddress(address: Address): string {
  return "path" in address ? `unix:${address.path}` : formatHostPort(address.host, address.port);
}

function formatHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function parseHostPort(text: string, defaultPort: number, target: string): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) throw new TypeError(`target: ${JSON.stringify(target)} has an unclosed "["`);
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) throw new TypeError(`target: ${JSON.stringify(target)} is malformed`);
    portText = after === "" ? undefined : after.slice(1);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon >= 0 && text.indexOf(":") !== colon) {
      host = text; // a bare IPv6 literal without brackets and without a port
    } else {
      host = colon < 0 ? text : text.slice(0, colon);
      portText = colon < 0 ? undefined : text.slice(colon + 1);
    }
  }
  if (host === "") throw new TypeError(`target: ${JSON.stringify(target)} has no host`);
  const port = portText === undefined ? defaultPort : Number(portText);
  if (portText !== undefined && !/^\d{1,5}$/.test(portText)) throw new TypeError(`target: ${JSON.stringify(target)} has an invalid port`);
  if (port > 65535) throw new TypeError(`target: ${JSON.stringify(target)} has an invalid port`);
  return { host, port };
}
