/**
 * Interop client on @grpc/grpc-js. Runs one case against a server and exits 0 on pass,
 * 1 on failure (`FAIL <case>: <CODE_NAME> (<n>): <message>`), 3 when grpc-js cannot drive the
 * case (`SKIP <case>: <reason>`), 2 on a usage error.
 *
 * Flags (reference names): --server_host, --server_port, --test_case, --use_tls, --use_test_ca,
 * --server_host_override, --ca_file (default interop/certs/ca.pem), --proto_root, and the soak
 * flags --soak_iterations, --soak_max_failures, --soak_per_iteration_max_acceptable_latency_ms,
 * --soak_overall_timeout_seconds, --soak_min_time_ms_between_rpcs.
 */
import grpc from "@grpc/grpc-js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CASES, CaseFailure, CaseSkipped, type CaseEnvironment } from "./cases.js";
import { booleanFlag, integerFlag, parseFlags } from "./flags.js";
import { DEFAULT_CERTS_DIR, loadTestingPackage } from "./load-protos.js";

const FLAGS = [
  "server_host",
  "server_port",
  "test_case",
  "use_tls",
  "use_test_ca",
  "server_host_override",
  "ca_file",
  "proto_root",
  "soak_iterations",
  "soak_max_failures",
  "soak_per_iteration_max_acceptable_latency_ms",
  "soak_overall_timeout_seconds",
  "soak_min_time_ms_between_rpcs",
];

/** A case that has not finished after this long fails (so a hung server never hangs the runner). */
const CASE_TIMEOUT_MS = 120_000;

function usage(message: string): never {
  process.stderr.write(`grpc-js interop client: ${message}\ncases: ${Object.keys(CASES).join(" ")}\n`);
  process.exit(2);
}

async function main(): Promise<number> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(process.argv.slice(2), FLAGS);
  } catch (error) {
    usage((error as Error).message);
  }
  const testCase = flags.get("test_case") ?? "";
  const run = (Object.hasOwn(CASES, testCase) ? CASES[testCase] : undefined) ?? usage(`unknown --test_case=${JSON.stringify(testCase)}`);
  const host = flags.get("server_host") || "localhost";
  const port = integerFlag(flags, "server_port", 0);
  if (port === 0) usage("--server_port is required");
  const target = host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;

  const useTls = booleanFlag(flags, "use_tls");
  const credentials = useTls
    ? grpc.credentials.createSsl(
        booleanFlag(flags, "use_test_ca") ? readFileSync(flags.get("ca_file") || join(DEFAULT_CERTS_DIR, "ca.pem")) : null,
      )
    : grpc.credentials.createInsecure();
  const override = flags.get("server_host_override");
  const baseOptions: grpc.ChannelOptions = override
    ? { "grpc.ssl_target_name_override": override, "grpc.default_authority": override }
    : {};

  const testing = await loadTestingPackage(flags.get("proto_root") || undefined);
  const clients: grpc.Client[] = [];
  const track = (client: grpc.Client): grpc.Client => (clients.push(client), client);
  const iterations = integerFlag(flags, "soak_iterations", 10);
  const perIterationMaxLatencyMs = integerFlag(flags, "soak_per_iteration_max_acceptable_latency_ms", 1000);
  const environment: CaseEnvironment = {
    testService: (options = {}) =>
      track(
        new testing.TestService(target, credentials, {
          ...baseOptions,
          ...(options.gzip ? { "grpc.default_compression_algorithm": grpc.compressionAlgorithms.gzip } : {}),
        }),
      ),
    unimplementedService: () => track(new testing.UnimplementedService(target, credentials, baseOptions)),
    soak: {
      iterations,
      maxFailures: integerFlag(flags, "soak_max_failures", 0),
      perIterationMaxLatencyMs,
      overallTimeoutSeconds: integerFlag(
        flags,
        "soak_overall_timeout_seconds",
        Math.ceil((iterations * perIterationMaxLatencyMs) / 1000) + 10,
      ),
      minTimeMsBetweenRpcs: integerFlag(flags, "soak_min_time_ms_between_rpcs", 0),
    },
  };

  const watchdog = setTimeout(() => {
    process.stdout.write(`FAIL ${testCase}: DEADLINE_EXCEEDED (4): the case did not finish within ${CASE_TIMEOUT_MS / 1000} s\n`);
    process.exit(1);
  }, CASE_TIMEOUT_MS);
  watchdog.unref();
  try {
    await run(environment);
    process.stdout.write(`PASS ${testCase}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CaseSkipped) {
      process.stdout.write(`SKIP ${testCase}: grpc-js client: ${error.message}\n`);
      return 3;
    }
    const code = error instanceof CaseFailure ? error.code : grpc.status.UNKNOWN;
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(`FAIL ${testCase}: ${grpc.status[code]} (${code}): ${message.replace(/\s+/g, " ")}\n`);
    return 1;
  } finally {
    clearTimeout(watchdog);
    for (const client of clients) client.close();
  }
}

main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    process.stderr.write(`grpc-js interop client: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
