import { readFileSync, writeFileSync } from "node:fs";
import {
  countVerdicts,
  formatReport,
  probeClient,
  probeServer,
  type ProbeReport,
  type ProbeTarget,
  type ReportFormat,
} from "../probe/index.js";
import { UsageError, type CommandIo } from "./usage-error.js";

/** The help text of `tsgrpc probe`. */
export const PROBE_USAGE = `Usage: tsgrpc probe server <target> [options]
       tsgrpc probe client [options] -- <client command...>

Checks a gRPC peer against the spec (docs/CONFORMANCE.md) with crafted HTTP/2 traffic, check by
check: PASS, FAIL or INFO, the spec sentence each check tests (MUST, SHOULD or a robustness bound)
and what the peer did. Exit code 0 when nothing failed, 1 on any FAIL, 64 on a usage mistake.

probe server: crafted requests to a server of grpc.testing.TestService at <target>
(host:port, http://host:port or https://host:port). Checks that need no service pass on any
gRPC server; the others need the interop TestService.

probe client: for each check, a server on 127.0.0.1 answers the client's UnaryCall the crafted
way, and the client command runs once against it. {target} in the command becomes 127.0.0.1:PORT,
also given as the environment variable TSGRPC_PROBE_TARGET. The client must call
/grpc.testing.TestService/UnaryCall with a deadline of 10 s and print the status it got as one
line: <code> <message as a JSON string>, e.g. 14 "connection refused".

Options:
  --format text|json|markdown  report format (default text)
  --only PATTERN[,PATTERN]     run only the checks whose id matches (* is a wildcard)
  --output FILE                write the report to FILE instead of stdout
  --wait-ms N                  server probe: how long to wait for each answer (default 5000)
  --timeout-ms N               client probe: how long the client may run per check (default 20000)
  --tls                        server probe: use TLS (default for https:// targets)
  --cacert FILE                server probe: CA certificate(s) to trust (PEM), implies --tls
  --authority NAME             server probe: TLS server name and :authority to send
  -h, --help                   show this help
`;

/** The parsed arguments of `tsgrpc probe`. */
export interface ProbeArguments {
  side: "server" | "client" | undefined;
  target: string;
  command: string[];
  format: ReportFormat;
  only: string | undefined;
  output: string | undefined;
  waitMs: number | undefined;
  timeoutMs: number | undefined;
  tls: boolean;
  cacert: string | undefined;
  authority: string | undefined;
  help: boolean;
}

function positiveMs(flag: string, text: string): number {
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new UsageError(`${flag} must be a positive whole number of milliseconds, not ${JSON.stringify(text)}`);
  return ms;
}

/** Parses the arguments of `tsgrpc probe`; a mistake is a UsageError. */
export function parseProbeArguments(args: readonly string[]): ProbeArguments {
  const parsed: ProbeArguments = {
    side: undefined,
    target: "",
    command: [],
    format: "text",
    only: undefined,
    output: undefined,
    waitMs: undefined,
    timeoutMs: undefined,
    tls: false,
    cacert: undefined,
    authority: undefined,
    help: false,
  };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      parsed.command = args.slice(i + 1);
      break;
    }
    const inline = /^(--[a-z_-]+)=(.*)$/s.exec(arg);
    const flag = inline?.[1] ?? arg;
    const take = (): string => {
      const value = inline === null ? args[++i] : inline[2];
      if (value === undefined || value === "") throw new UsageError(`${flag} needs a value`);
      return value;
    };
    if (flag === "-h" || flag === "--help") parsed.help = true;
    else if (flag === "--format") {
      const format = take();
      if (format !== "text" && format !== "json" && format !== "markdown")
        throw new UsageError(`--format must be text, json or markdown, not ${JSON.stringify(format)}`);
      parsed.format = format;
    } else if (flag === "--only") parsed.only = take();
    else if (flag === "--output") parsed.output = take();
    else if (flag === "--wait-ms") parsed.waitMs = positiveMs(flag, take());
    else if (flag === "--timeout-ms") parsed.timeoutMs = positiveMs(flag, take());
    else if (flag === "--tls") parsed.tls = true;
    else if (flag === "--cacert") {
      parsed.cacert = take();
      parsed.tls = true;
    } else if (flag === "--authority") parsed.authority = take();
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg} (see tsgrpc probe --help)`);
    else positional.push(arg);
  }
  if (parsed.help) return parsed;
  const [side, ...rest] = positional;
  if (side !== "server" && side !== "client")
    throw new UsageError("needs a side: tsgrpc probe server <target> or tsgrpc probe client -- <command>");
  parsed.side = side;
  if (side === "server") {
    if (rest.length !== 1) throw new UsageError("probe server needs one target: tsgrpc probe server <host:port>");
    if (parsed.command.length > 0) throw new UsageError("probe server takes no command after --");
    parsed.target = rest[0]!;
  } else {
    if (rest.length > 0) throw new UsageError(`probe client takes the client command after --, not ${JSON.stringify(rest[0])}`);
    if (parsed.command.length === 0)
      throw new UsageError("probe client needs the client command after --: tsgrpc probe client -- node client.js {target}");
    if (parsed.tls || parsed.authority !== undefined) throw new UsageError("--tls, --cacert and --authority belong to probe server");
  }
  return parsed;
}

/** The probe target of `tsgrpc probe server`: host:port becomes http:// (https:// with --tls). */
export function probeTargetOf(parsed: ProbeArguments): ProbeTarget {
  let url = parsed.target;
  if (!/^https?:\/\//.test(url)) url = `${parsed.tls ? "https" : "http"}://${url}`;
  else if (parsed.tls && url.startsWith("http://")) url = `https://${url.slice("http://".length)}`;
  try {
    new URL(url);
  } catch {
    throw new UsageError(`target ${JSON.stringify(parsed.target)} is not host:port or a URL`);
  }
  return {
    url,
    ...(parsed.cacert === undefined ? {} : { ca: readFileSync(parsed.cacert) }),
    ...(parsed.authority === undefined ? {} : { authority: parsed.authority }),
  };
}

/** `tsgrpc probe`: runs the server or client probe and prints the report. Resolves to 0 (no FAIL) or 1. */
export async function probeCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseProbeArguments(args);
  if (parsed.help) {
    io.stdout(PROBE_USAGE);
    return 0;
  }
  let report: ProbeReport;
  if (parsed.side === "server")
    report = await probeServer(probeTargetOf(parsed), {
      ...(parsed.only === undefined ? {} : { only: parsed.only }),
      ...(parsed.waitMs === undefined ? {} : { waitMs: parsed.waitMs }),
    });
  else
    report = await probeClient(parsed.command, {
      ...(parsed.only === undefined ? {} : { only: parsed.only }),
      ...(parsed.timeoutMs === undefined ? {} : { limitMs: parsed.timeoutMs }),
    });
  if (report.results.length === 0) throw new UsageError(`--only ${JSON.stringify(parsed.only)} matches no check`);
  const text = formatReport(report, parsed.format);
  if (parsed.output === undefined) io.stdout(text);
  else writeFileSync(parsed.output, text);
  return countVerdicts(report).FAIL === 0 ? 0 : 1;
}
