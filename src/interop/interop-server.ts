import { hostname } from "node:os";
import { addHealth } from "../health/index.js";
import { Server, type BoundAddress, type ServerTlsOptions } from "../index.js";
import { addReflection } from "../reflection/index.js";
import { TestService } from "./gen/grpc/testing/test_pb.js";
import { createTestServiceImplementation } from "./test-service.js";
import { TEST_SERVER_CERT_PEM, TEST_SERVER_KEY_PEM } from "./test-certificates.js";

/** The receive limit of the interop server: 16 MiB, as grpc-java's, so that very_large_request fits. */
export const INTEROP_MAX_RECEIVE_BYTES = 16 * 1024 * 1024;

/** What the interop server serves and how (the server flags, parsed). */
export interface InteropServerOptions {
  /** What UnaryCall answers in `server_id` for `fill_server_id`. Default `tsgrpc@<hostname>`. */
  readonly serverId?: string | undefined;
}

/**
 * The interop server, ready to listen: grpc.testing.TestService (and nothing for
 * UnimplementedService, which then answers UNIMPLEMENTED), server reflection (v1 and v1alpha) so
 * any harness or `buf curl` can find it, grpc.health.v1 (SERVING until shutdown), and gRPC-Web and
 * Connect on the same port for browsers and curl (CORS open to every origin: a test server).
 * Every service the interop server offers is added here, in this one function.
 */
export function createInteropServer(options: InteropServerOptions = {}): Server {
  const server = new Server({ maxReceiveMessageBytes: INTEROP_MAX_RECEIVE_BYTES, web: { cors: { allowedOrigins: "*" } } });
  server.add(TestService, createTestServiceImplementation(options.serverId ?? `tsgrpc@${hostname()}`));
  addReflection(server);
  addHealth(server);
  return server;
}

/** Where and how the interop server listens. */
export interface InteropListenOptions {
  /** The port; 0 picks a free one. */
  readonly port: number;
  /** The address to bind; default every interface (`::`, or `0.0.0.0` on a host without IPv6). */
  readonly host?: string | undefined;
  /** TLS; `true` means the built-in test certificate (interop/certs, valid for localhost and *.test.google.fr). */
  readonly tls?: ServerTlsOptions | true | undefined;
}

/** Starts `server` listening as `options` say, and returns the address bound. */
export async function listenInterop(server: Server, options: InteropListenOptions): Promise<BoundAddress> {
  const tls = options.tls === true ? { cert: TEST_SERVER_CERT_PEM, key: TEST_SERVER_KEY_PEM } : options.tls;
  if (options.host !== undefined) return server.listen({ host: options.host, port: options.port }, tls);
  try {
    return await server.listen({ host: "::", port: options.port }, tls);
  } catch (error) {
    // No IPv6 on this host: every IPv4 interface then. A port in use is an error either way.
    if (/EADDRINUSE|EACCES/.test(String((error as Error).message))) throw error;
    return server.listen({ host: "0.0.0.0", port: options.port }, tls);
  }
}
