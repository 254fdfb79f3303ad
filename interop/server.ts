/**
 * The tsgrpc interop server: grpc.testing.TestService with the reference flags
 * --port=N, --use_tls=false|true, --tls_cert_file=PATH, --tls_key_file=PATH (defaults: the
 * project's test certificates in interop/certs), plus --grace_ms=N (default 5000). Prints
 * "listening on <port>" once ready. On SIGTERM or SIGINT it drains, as a production server would:
 * GOAWAY, calls in flight get the grace period to finish, the rest end UNAVAILABLE, then it exits
 * 0; a second signal cancels what is left at once.
 * https://github.com/grpc/grpc/blob/master/doc/interop-test-descriptions.md#server
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Server } from "../src/index.js";
import { TestService, projectRoot, testServiceImplementation } from "./test-service.js";

/** Parses --name=value flags; a bare --name means "true". Unknown flags are a usage error. */
function parseFlags(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z_]+)(?:=(.*))?$/.exec(arg);
    if (!match || !known.includes(match[1]!)) throw new Error(`unknown argument ${arg} (known: ${known.map((k) => `--${k}`).join(" ")})`);
    flags.set(match[1]!, match[2] ?? "true");
  }
  return flags;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), ["port", "use_tls", "tls_cert_file", "tls_key_file", "grace_ms"]);
  const graceMs = Number(flags.get("grace_ms") ?? "5000");
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new Error(`--grace_ms must be a duration in ms, got ${flags.get("grace_ms")}`);
  const port = Number(flags.get("port") ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${flags.get("port")}`);
  const useTls = flags.get("use_tls") === "true";
  const certs = join(projectRoot(), "interop", "certs");
  const tls = useTls
    ? {
        cert: readFileSync(flags.get("tls_cert_file") ?? join(certs, "server.pem"), "utf8"),
        key: readFileSync(flags.get("tls_key_file") ?? join(certs, "server.key"), "utf8"),
      }
    : undefined;

  const server = new Server();
  server.add(TestService, testServiceImplementation);
  let bound: Awaited<ReturnType<Server["listen"]>>;
  try {
    bound = await server.listen({ host: "::", port }, tls);
  } catch (error) {
    // No IPv6 on this host: all IPv4 interfaces then. A port in use is an error either way.
    if (/EADDRINUSE/.test(String((error as Error).message))) throw error;
    bound = await server.listen({ host: "0.0.0.0", port }, tls);
  }
  let stopping = false;
  const stop = (): void => {
    // A second signal: stop waiting for the calls still running.
    if (stopping) void server.forceShutdown();
    stopping = true;
    void server.shutdown({ graceMs }).then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  console.log(`listening on ${bound.port}`);
}

main().catch((error: unknown) => {
  console.error(`interop server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
