// The nginx recipe for gRPC (grpc_pass to a group of tsgrpc backends): one template, rendered for
// the tests (runtime files in a temporary directory) and for docs/PROXIES.md (a file to copy).

/** What an nginx config for gRPC needs to know. */
export interface NginxConfigOptions {
  /** Where nginx listens for h2c gRPC clients, as `host:port`. */
  listen: string;
  /** The tsgrpc backends, each `host:port`, served round-robin. */
  backends: readonly string[];
  /**
   * A directory for nginx's pid file, error log and temporary files (the tests' temp dir), so it runs
   * without root and without touching /var. Omitted in the recipe: the distribution's defaults apply.
   */
  runtimeDir?: string;
  /** Terminate TLS at nginx with this certificate chain and key (PEM files); h2c when omitted. */
  tls?: { certificate: string; key: string };
}

/**
 * Renders a complete nginx.conf that proxies gRPC on `listen` (h2c, or TLS) to `backends` (h2c).
 *
 * Every line that differs from nginx's defaults is there for gRPC and says why: the defaults cut
 * large requests (client_max_body_size 1m answers HTTP 413) and idle streams (60 s timeouts).
 */
export function nginxConfig(options: NginxConfigOptions): string {
  const dir = options.runtimeDir;
  const runtime = dir ? [`pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log warn;`, ""] : [];
  const temp = dir
    ? ["client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"].map(
        (name) => `    ${name} ${dir}/${name.replace("_path", "")};`,
      )
    : [];
  return [
    `# gRPC (${options.tls ? "TLS" : "h2c"}) in front of tsgrpc backends (h2c).`,
    "worker_processes auto;",
    ...runtime,
    "events {",
    "    worker_connections 1024;",
    "}",
    "",
    "http {",
    dir ? `    access_log ${dir}/access.log;` : "    access_log /var/log/nginx/grpc-access.log;",
    ...temp,
    "",
    "    upstream grpc_backends {",
    ...options.backends.map((backend) => `        server ${backend};`),
    "        # Reuse HTTP/2 connections to the backends instead of one connection per call.",
    "        keepalive 32;",
    "    }",
    "",
    "    server {",
    "        # nginx 1.22 syntax; from 1.25.1 write `listen ...;` and `http2 on;`.",
    ...(options.tls
      ? [
          `        listen ${options.listen} ssl http2;`,
          `        ssl_certificate ${options.tls.certificate};`,
          `        ssl_certificate_key ${options.tls.key};`,
          "        # gRPC needs TLS 1.2 or later (RFC 9113 9.2); nginx offers ALPN h2 with http2.",
          "        ssl_protocols TLSv1.2 TLSv1.3;",
        ]
      : [`        listen ${options.listen} http2;`]),
    "        # The default (1m) answers a request over 1 MiB with HTTP 413; gRPC limits message sizes itself.",
    "        client_max_body_size 0;",
    "        # Longest silence allowed from a client between two request messages (default 60 s).",
    "        client_body_timeout 1h;",
    "",
    "        location / {",
    "            grpc_pass grpc://grpc_backends;",
    "            # Longest silence allowed from a backend (default 60 s: HTTP 504, the call UNAVAILABLE).",
    "            grpc_read_timeout 1h;",
    "            # Longest wait for a backend to accept request data (flow control; default 60 s).",
    "            grpc_send_timeout 1h;",
    "        }",
    "    }",
    "}",
    "",
  ].join("\n");
}
