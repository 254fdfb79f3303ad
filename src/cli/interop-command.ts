import {
  CLIENT_FLAGS,
  CLIENT_FLAG_ALIASES,
  SERVER_FLAGS,
  SERVER_FLAG_ALIASES,
  STANDARD_CASES,
  UNSUPPORTED_CASES,
  clientOptionsFromFlags,
  countResults,
  createInteropServer,
  describeFlags,
  exitCodeOf,
  formatCaseLine,
  formatJsonReport,
  listenInterop,
  parseInteropFlags,
  runInteropCases,
  runnableCases,
  selectCases,
  serverSettingsFromFlags,
  targetOf,
  type FlagSpec,
  type ParsedFlags,
} from "../interop/index.js";
import { ExitCode } from "./exit-code.js";
import { UsageError, type CommandIo } from "./usage-error.js";

const USAGE = `Usage: tsgrpc interop server [--port=N] [--use_tls [--tls_cert_file=F --tls_key_file=F]]
       tsgrpc interop client --server_host=H --server_port=N --test_case=NAME|all [--use_tls [--use_test_ca] [--ca_file=F]
                             [--server_host_override=NAME]] [--format=text|json]

The interop server and client of gRPC's doc/interop-test-descriptions.md (grpc.testing.TestService),
with the reference implementations' flag names: point the client at any interop server, or any
interop client at the server. Flags take --name=value or --name value; a bare --name is true.
(tsgrpc interop server --help, tsgrpc interop client --help)
`;

/**
 * `tsgrpc interop server ...` serves grpc.testing.TestService until SIGTERM or SIGINT;
 * `tsgrpc interop client ...` runs interop cases against a server, one line per case, and exits
 * non-zero when any fails.
 */
export function interopCommand(args: readonly string[], io: CommandIo): number | Promise<number> {
  const [role, ...rest] = args;
  if (role === undefined || role === "--help" || role === "-h" || role === "help") {
    (role === undefined ? io.stderr : io.stdout)(USAGE);
    return role === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (role === "client") return runClient(rest, io);
  if (role === "server") return runServer(rest, io);
  throw new UsageError(`unknown role ${JSON.stringify(role)} (tsgrpc interop server|client)`);
}

/** Parses flags; the parser's RangeError is a usage mistake (exit 64), printed without its prefix. */
function parse(args: readonly string[], specs: Readonly<Record<string, FlagSpec>>, aliases: Readonly<Record<string, string>>): ParsedFlags {
  try {
    return parseInteropFlags(args, specs, aliases);
  } catch (error) {
    throw usageError(error);
  }
}

function usageError(error: unknown): unknown {
  return error instanceof RangeError ? new UsageError(error.message.replace(/^interop: /, "")) : error;
}

function clientHelp(): string {
  const standard = STANDARD_CASES.join(", ");
  const extra = runnableCases()
    .filter((name) => !STANDARD_CASES.includes(name))
    .join(", ");
  const skipped = Object.keys(UNSUPPORTED_CASES).join(", ");
  return `Usage: tsgrpc interop client [flags]

Runs interop cases against a grpc.testing.TestService server. Prints one line per case
(PASS/FAIL/SKIP, milliseconds, reason); exit code 0 when all pass, 1 when any fails, 64 for a usage
mistake, 3 when every case was skipped.

Cases (--test_case=all runs these): ${standard}
Also by name: ${extra}
Reported as SKIP (need Google Cloud or protos not built in): ${skipped}

Flags:
${describeFlags(CLIENT_FLAGS, CLIENT_FLAG_ALIASES)}`;
}

function serverHelp(): string {
  return `Usage: tsgrpc interop server [flags]

Serves grpc.testing.TestService as doc/interop-test-descriptions.md describes it (payload sizes,
response_status, compression, interval_us, the echo metadata). Prints "listening on <port>" once
ready. SIGTERM or SIGINT drains (GOAWAY, calls in flight get --grace_ms), a second one stops at once.

Flags:
${describeFlags(SERVER_FLAGS, SERVER_FLAG_ALIASES)}`;
}

async function runClient(args: readonly string[], io: CommandIo): Promise<number> {
  const flags = parse(args, CLIENT_FLAGS, CLIENT_FLAG_ALIASES);
  if (flags.help) {
    io.stdout(clientHelp());
    return 0;
  }
  let options: ReturnType<typeof clientOptionsFromFlags>;
  let names: string[];
  try {
    options = clientOptionsFromFlags(flags);
    names = selectCases(flags.values.get("test_case") ?? "");
  } catch (error) {
    throw usageError(error);
  }
  for (const notice of flags.notices) io.stderr(`tsgrpc interop client: ${notice}\n`);
  const json = flags.values.get("format") === "json";
  const results = await runInteropCases(names, options, (result) => {
    if (!json) io.stdout(`${formatCaseLine(result)}\n`);
  });
  if (json) io.stdout(formatJsonReport(targetOf(options.serverHost, options.serverPort), results));
  else if (results.length > 1) {
    const { passed, failed, skipped } = countResults(results);
    io.stdout(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
  return exitCodeOf(results);
}

async function runServer(args: readonly string[], io: CommandIo): Promise<number> {
  const flags = parse(args, SERVER_FLAGS, SERVER_FLAG_ALIASES);
  if (flags.help) {
    io.stdout(serverHelp());
    return 0;
  }
  let settings: ReturnType<typeof serverSettingsFromFlags>;
  try {
    settings = serverSettingsFromFlags(flags);
  } catch (error) {
    throw usageError(error);
  }
  for (const notice of flags.notices) io.stderr(`tsgrpc interop server: ${notice}\n`);
  const server = createInteropServer({ serverId: settings.serverId });
  const bound = await listenInterop(server, { port: settings.port, host: settings.host, tls: settings.tls });
  const how = settings.tls === undefined ? "plaintext" : settings.tls === true ? "TLS, built-in test certificate" : "TLS";
  io.stdout(`listening on ${bound.port} (${how})\n`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      // A second signal: stop waiting for the calls still running.
      if (stopping) {
        void server.forceShutdown();
        return;
      }
      stopping = true;
      void server.shutdown({ graceMs: settings.graceMs }).then(() => {
        process.off("SIGTERM", stop);
        process.off("SIGINT", stop);
        resolve(0);
      });
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
