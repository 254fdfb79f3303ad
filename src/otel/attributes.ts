import type { Attributes } from "@opentelemetry/api";
import { Code } from "../index.js";

/**
 * The attribute names this package records: the OpenTelemetry RPC semantic conventions on spans,
 * gRFC A66 on metrics, gRFC A45/A72 on attempt spans (`previous-rpc-attempts`, `transparent-retry`).
 * https://opentelemetry.io/docs/specs/semconv/rpc/grpc/
 * https://github.com/grpc/proposal/blob/master/A66-otel-stats.md#attributes
 */
export const ATTRIBUTES = Object.freeze({
  rpcSystem: "rpc.system",
  rpcService: "rpc.service",
  rpcMethod: "rpc.method",
  rpcGrpcStatusCode: "rpc.grpc.status_code",
  serverAddress: "server.address",
  serverPort: "server.port",
  networkPeerAddress: "network.peer.address",
  networkPeerPort: "network.peer.port",
  networkTransport: "network.transport",
  messageType: "rpc.message.type",
  messageId: "rpc.message.id",
  messageCompressedSize: "rpc.message.compressed_size",
  messageUncompressedSize: "rpc.message.uncompressed_size",
  grpcMethod: "grpc.method",
  grpcStatus: "grpc.status",
  grpcTarget: "grpc.target",
  previousRpcAttempts: "previous-rpc-attempts",
  transparentRetry: "transparent-retry",
} as const);

/** What metrics record instead of a method or target that a filter leaves out (gRFC A66). */
export const OTHER = "other";

/** A method's names: the span name and `grpc.method` ("pkg.Service/Method"), and its two halves. */
export interface MethodNames {
  /** "pkg.Service/Method": the `:path` without its leading slash. */
  readonly full: string;
  /** "pkg.Service" (`rpc.service`). */
  readonly service: string;
  /** "Method" (`rpc.method`). */
  readonly method: string;
}

const methodNamesByPath = new Map<string, MethodNames>();

/** The names of the method at `path` ("/pkg.Service/Method"), computed once per path. */
export function methodNames(path: string): MethodNames {
  let names = methodNamesByPath.get(path);
  if (names === undefined) {
    const full = path.startsWith("/") ? path.slice(1) : path;
    const slash = full.lastIndexOf("/");
    names = Object.freeze({ full, service: slash < 0 ? "" : full.slice(0, slash), method: full.slice(slash + 1) });
    // Paths come from registered services, so the map stays as small as the set of methods.
    if (methodNamesByPath.size < 10_000) methodNamesByPath.set(path, names);
  }
  return names;
}

/** Schemes a tsgrpc target may start with (doc/naming.md); anything else is a dns name. */
const TARGET_SCHEME = /^(dns|ipv4|ipv6|unix|unix-abstract|http|https):/;

/**
 * The canonical form of a channel target for `grpc.target`: the target as given when it names its
 * scheme, else "dns:///" + target (gRFC A66: "its form with the scheme if the user didn't mention
 * the scheme").
 */
export function canonicalTarget(target: string): string {
  return TARGET_SCHEME.test(target) ? target : `dns:///${target}`;
}

/**
 * `server.address` and `server.port` of a client span: the logical name the channel was created
 * with (a dns name, the first literal address, or a unix socket path), not the resolved address.
 */
export function serverAttributes(target: string): Attributes {
  const scheme = TARGET_SCHEME.exec(target)?.[1];
  if (scheme === "unix" || scheme === "unix-abstract") {
    const path = target.slice(scheme.length + 1).replace(/^\/\/[^/]*/, "");
    return { [ATTRIBUTES.serverAddress]: path, [ATTRIBUTES.networkTransport]: "unix" };
  }
  let rest = scheme === undefined ? target : target.slice(scheme.length + 1);
  // dns://authority/name, dns:///name, http://host:port/: keep the host:port part.
  if (rest.startsWith("//")) rest = scheme === "dns" ? rest.slice(rest.indexOf("/", 2) + 1) : rest.slice(2);
  rest = rest.split(/[,/?#]/, 1)[0] ?? "";
  const { host, port } = splitHostPort(rest);
  const attributes: Attributes = { [ATTRIBUTES.serverAddress]: host };
  const defaultPort = scheme === "https" ? 443 : scheme === "http" ? 80 : undefined;
  if (port !== undefined || defaultPort !== undefined) attributes[ATTRIBUTES.serverPort] = port ?? defaultPort;
  return attributes;
}

/** `network.peer.address` and `network.peer.port` of a server span, from ServerContext.peer. */
export function peerAttributes(peer: string): Attributes {
  if (peer.startsWith("unix:")) return { [ATTRIBUTES.networkTransport]: "unix" };
  const { host, port } = splitHostPort(peer);
  const attributes: Attributes = { [ATTRIBUTES.networkPeerAddress]: host };
  if (port !== undefined) attributes[ATTRIBUTES.networkPeerPort] = port;
  return attributes;
}

/** "host:port", "[v6]:port", "host" or a bare IPv6 address, into its host and port. */
function splitHostPort(value: string): { host: string; port: number | undefined } {
  if (value.startsWith("[")) {
    const close = value.indexOf("]");
    if (close > 0) return { host: value.slice(1, close), port: portOf(value.slice(close + 2)) };
  }
  const colon = value.lastIndexOf(":");
  // More than one colon without brackets is an IPv6 address with no port.
  if (colon < 0 || value.indexOf(":") !== colon) return { host: value, port: undefined };
  return { host: value.slice(0, colon), port: portOf(value.slice(colon + 1)) };
}

function portOf(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65_535 ? port : undefined;
}

/**
 * The codes that mark a server span as an error (OpenTelemetry gRPC conventions): the server's
 * own failures. The others (CANCELLED, INVALID_ARGUMENT, NOT_FOUND, ...) are the client's doing
 * and leave the server span's status unset. On a client span every code but OK is an error.
 */
export const SERVER_ERROR_CODES: ReadonlySet<number> = new Set([
  Code.Unknown,
  Code.DeadlineExceeded,
  Code.Unimplemented,
  Code.Internal,
  Code.Unavailable,
  Code.DataLoss,
]);
