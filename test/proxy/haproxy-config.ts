// The haproxy recipe for gRPC (HTTP mode, HTTP/2 on both sides) in front of tsgrpc backends: one
// template, rendered for the tests and for docs/PROXIES.md.

/** What an haproxy config for gRPC needs to know. */
export interface HaproxyConfigOptions {
  /** Where haproxy listens for h2c gRPC clients, as `host:port`. */
  listen: string;
  /** The tsgrpc backends, each `host:port`, served round-robin per call. */
  backends: readonly string[];
  /** Terminate TLS at haproxy with this PEM file (certificate chain, then key); h2c when omitted. */
  tls?: { pem: string };
}

/**
 * Renders a complete haproxy.cfg that proxies gRPC on `listen` (h2c, or TLS with ALPN h2) to
 * `backends` (h2c).
 *
 * `proto h2` on the bind line accepts HTTP/2 without TLS; on the server lines it speaks h2c to the
 * backends (without it haproxy would talk HTTP/1.1 and gRPC's trailers would be lost).
 */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  return [
    `# gRPC (${options.tls ? "TLS" : "h2c"}) in front of tsgrpc backends (h2c).`,
    "global",
    "    maxconn 4096",
    "    # Larger than the 64 KiB HTTP/2 window haproxy grants each stream. With the default 16 KiB,",
    "    # a bidi stream whose client sends faster than the backend answers stalls for good.",
    "    tune.bufsize 131072",
    "",
    "defaults",
    "    mode http",
    "    timeout connect 5s",
    "    # Idle time allowed on a client or server connection: a stream that sends nothing for",
    "    # longer is cut (haproxy answers 504 or resets the stream). Raise it for quiet streams.",
    "    timeout client 1h",
    "    timeout server 1h",
    "    # Retry a connection a backend refused on another one (no request has been sent yet).",
    "    retries 2",
    "    option redispatch",
    "",
    "frontend grpc_in",
    options.tls ? `    bind ${options.listen} ssl crt ${options.tls.pem} alpn h2` : `    bind ${options.listen} proto h2`,
    "    default_backend grpc_backends",
    "",
    "backend grpc_backends",
    "    balance roundrobin",
    ...options.backends.map((backend, index) => `    server backend${index + 1} ${backend} proto h2`),
    "",
  ].join("\n");
}
