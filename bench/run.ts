// `npm run bench`: installs and builds the peers (bench/setup.sh), then runs every case of issue 6
// against the floor, @grpc/grpc-js, tsgrpc and grpc-go, with a warm-up and alternating rounds, and
// reports medians and ratios: a table on stdout, bench/RESULTS.md and the chart bench/RESULTS.png.
//
// Environment: BENCH_QUICK=1 (1 s rounds, fewer connections: a smoke run), BENCH_CASES=a,b (only
// cases whose id contains one of these, e.g. "unary-server", "client", "framing"), BENCH_ROUNDS
// (default 3), BENCH_SECONDS (default 5), BENCH_SKIP_SETUP=1, BENCH_PROFILE=1 (tsgrpc's server and
// clients write --cpu-prof profiles to bench/.build/profiles/). Quick or filtered runs write their
// report to bench/.build/ instead of bench/, unless BENCH_WRITE=1.
// A/B: BENCH_BASELINE=<git ref> adds "baseline", the ref's tsgrpc (lib/baseline.ts), to every case
// tsgrpc is in; BENCH_TSGRPC_ENV="NAME=value ..." runs only the working tree's tsgrpc processes
// with that environment (with TSGRPC_TRACE, their stderr goes to /dev/null), BENCH_BASELINE_ENV the
// baseline's; BENCH_IMPLEMENTATIONS
// (e.g. "floor,grpc-js,tsgrpc,baseline") keeps only those implementations.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { printFramingTable, runFramingBench, type Row as FramingRow } from "./framing.bench.js";
import { allCases, FLOOR_MIN_METHODS, UNARY_SERVER_IMPLEMENTATIONS, type Case, type CaseContext, type Implementation } from "./cases.js";
import { drawRatioChart } from "./lib/chart.js";
import { buildBaseline, type Baseline } from "./lib/baseline.js";
import { describeMachine } from "./lib/machine.js";
import { probeServer } from "./lib/probe.js";
import { startServer, stopServer, type ServerProcess } from "./lib/processes.js";
import { PROJECT_ROOT } from "./lib/proto.js";
import { chartRows, formatTable, markdownRounds, markdownTable, type ResultRow } from "./lib/report.js";
import { median } from "./lib/stats.js";

const quick = process.env.BENCH_QUICK === "1";
const filters = (process.env.BENCH_CASES ?? "")
  .split(",")
  .map((item) => item.trim())
  .filter((item) => item !== "");
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 1 : 5));
const warmUpSeconds = quick ? 1 : 2;
const profile = process.env.BENCH_PROFILE === "1";
const buildFolder = join(PROJECT_ROOT, "bench", ".build");
const profileFolder = join(buildFolder, "profiles");
const costsFile = join(PROJECT_ROOT, "bench", "COSTS.md");
const goServer = join(buildFolder, "go-server");
const goClient = join(buildFolder, "go-client");
const compiled = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const baselineRef = process.env.BENCH_BASELINE?.trim() || undefined;
const tsgrpcEnvironment = parseEnvironment(process.env.BENCH_TSGRPC_ENV ?? "", "BENCH_TSGRPC_ENV");
const baselineEnvironment = parseEnvironment(process.env.BENCH_BASELINE_ENV ?? "", "BENCH_BASELINE_ENV");
const onlyImplementations = (process.env.BENCH_IMPLEMENTATIONS ?? "")
  .split(",")
  .map((item) => item.trim())
  .filter((item) => item !== "");
let baseline: Baseline | undefined;

/** "A=1 B=x" as `env` arguments; a word without "=" is a mistake. */
function parseEnvironment(text: string, variable: string): string[] {
  const words = text.split(/\s+/).filter((word) => word !== "");
  for (const word of words)
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) throw new Error(`bench: ${variable}: ${JSON.stringify(word)} is not NAME=value`);
  return words;
}

/** `command` run with `environment` added; exec all the way down, so the PID the harness reads CPU time from is node's. */
function withEnvironment(command: string[], environment: readonly string[]): string[] {
  if (environment.length === 0) return command;
  const quiet = environment.some((word) => word.startsWith("TSGRPC_TRACE="));
  return ["sh", "-c", quiet ? 'exec "$@" 2>/dev/null' : 'exec "$@"', "sh", "env", ...environment, ...command];
}

function nodeCommand(implementation: Implementation, file: string, gc: boolean): string[] {
  const flags = gc ? ["--expose-gc"] : [];
  if (profile && (implementation === "tsgrpc" || implementation === "baseline"))
    flags.push("--cpu-prof", `--cpu-prof-dir=${profileFolder}`);
  if (implementation === "baseline")
    return withEnvironment([process.execPath, ...flags, join(baseline!.benchFolder, "tsgrpc", file)], baselineEnvironment);
  const command = [process.execPath, ...flags, compiled(`./${implementation}/${file}`)];
  return implementation === "tsgrpc" ? withEnvironment(command, tsgrpcEnvironment) : command;
}

/** The case's implementations with the baseline next to tsgrpc, less those BENCH_IMPLEMENTATIONS leaves out. */
function withBaseline(benchCase: Case): Case {
  let implementations = [...benchCase.implementations];
  if (baseline !== undefined && implementations.includes("tsgrpc")) implementations.push("baseline");
  if (onlyImplementations.length > 0) implementations = implementations.filter((name) => onlyImplementations.includes(name));
  return { ...benchCase, implementations };
}

function serverCommand(implementation: Implementation): string[] {
  if (implementation === "grpc-go") return [goServer, "--port=0"];
  return [...nodeCommand(implementation, "server.js", true), "--port=0"];
}

function clientCommand(implementation: Implementation): string[] {
  return implementation === "grpc-go" ? [goClient] : nodeCommand(implementation, "client.js", false);
}

async function startChecked(implementation: Implementation): Promise<ServerProcess> {
  const server = await startServer(implementation, serverCommand(implementation), implementation !== "grpc-go");
  const problems = await probeServer(server.port, implementation === "floor-min" ? FLOOR_MIN_METHODS : undefined);
  if (problems.length > 0) {
    await stopServer(server);
    throw new Error(`${implementation} server answers wrongly: ${problems.join("; ")}`);
  }
  return server;
}

function runSetup(): void {
  if (process.env.BENCH_SKIP_SETUP === "1") return;
  const setup = spawnSync("bash", [join(PROJECT_ROOT, "bench", "setup.sh")], { stdio: "inherit" });
  if (setup.status !== 0) throw new Error(`bench: bench/setup.sh failed (${setup.status ?? setup.signal})`);
}

const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function runCase(benchCase: Case, context: CaseContext, broken: ReadonlyMap<Implementation, string>): Promise<ResultRow[]> {
  const rows: ResultRow[] = benchCase.metrics.map((metric) => ({
    caseId: benchCase.id,
    label: metric.label,
    unit: metric.unit,
    lowerIsBetter: metric.lowerIsBetter === true,
    targetVsFloor: metric.targetVsFloor,
    targetVsGrpcJs: metric.targetVsGrpcJs,
    targetVsFloorMin: metric.targetVsFloorMin,
    medians: {},
    rounds: {},
    errors: {},
  }));
  const failed = new Map<Implementation, string>();
  for (const implementation of benchCase.implementations) {
    const prerequisite = benchCase.needs === "servers" ? implementation : benchCase.needs === "go-server" ? "grpc-go" : undefined;
    const reason = prerequisite === undefined ? undefined : broken.get(prerequisite);
    if (reason !== undefined) failed.set(implementation, reason);
  }
  const active = () => benchCase.implementations.filter((implementation) => !failed.has(implementation));
  if (benchCase.warmUp)
    for (const implementation of active())
      await benchCase
        .measure(implementation, { ...context, seconds: warmUpSeconds })
        .catch((error) => failed.set(implementation, message(error)));
  for (let round = 0; round < rounds; round++)
    for (const implementation of rotate(active(), round)) {
      try {
        const values = await benchCase.measure(implementation, context);
        for (const row of rows) {
          const key = benchCase.metrics.find((metric) => metric.label === row.label)!.key;
          if (values[key] !== undefined) (row.rounds[implementation] ??= []).push(values[key]!);
        }
      } catch (error) {
        failed.set(implementation, message(error));
      }
    }
  for (const row of rows) {
    for (const [implementation, reason] of failed) row.errors[implementation] = reason;
    for (const [implementation, values] of Object.entries(row.rounds) as [Implementation, number[]][])
      if (!failed.has(implementation) && values.length > 0) row.medians[implementation] = median(values);
  }
  return rows;
}

function writeReport(rows: ResultRow[], framing: FramingRow[] | undefined, machine: [string, string][], load: string[]): void {
  const official = (!quick && filters.length === 0) || process.env.BENCH_WRITE === "1";
  const folder = official ? join(PROJECT_ROOT, "bench") : buildFolder;
  mkdirSync(folder, { recursive: true });
  const framingTable =
    framing === undefined
      ? []
      : [
          "## Framing (encodeFrame / FrameDecoder, in process)",
          "",
          "| message | encode msg/s | encode MB/s | decode msg/s | decode MB/s |",
          "|---:|---:|---:|---:|---:|",
          ...framing.map(
            (row) =>
              `| ${row.messageBytes} B | ${Math.round(row.encodeMessagesPerSecond).toLocaleString("en-US")} | ${Math.round(row.encodeMBps).toLocaleString("en-US")} | ` +
              `${Math.round(row.decodeMessagesPerSecond).toLocaleString("en-US")} | ${Math.round(row.decodeMBps).toLocaleString("en-US")} |`,
          ),
          "",
        ];
  const markdown = [
    "# Benchmark results",
    "",
    "Written by `npm run bench` (bench/run.ts). Every figure is the median of " +
      `${rounds} alternating rounds of ${seconds} s after a warm-up, all measured in the same run on this machine.`,
    "",
    ...machine.map(([label, value]) => `- **${label}**: ${value}`),
    `- **load average** (1 min) at start and end: ${load.join(" / ")}`,
    quick ? "- **BENCH_QUICK=1**: a smoke run with short rounds; not a measurement." : "",
    filters.length > 0 ? `- **BENCH_CASES**: ${filters.join(", ")}` : "",
    baseline === undefined ? "" : `- **BENCH_BASELINE**: ${baseline.ref} (${baseline.commit.slice(0, 10)}), the "baseline" column`,
    tsgrpcEnvironment.length > 0 ? `- **BENCH_TSGRPC_ENV** (the "tsgrpc" column only): \`${tsgrpcEnvironment.join(" ")}\`` : "",
    baselineEnvironment.length > 0 ? `- **BENCH_BASELINE_ENV** (the "baseline" column only): \`${baselineEnvironment.join(" ")}\`` : "",
    "",
    "## How to read it",
    "",
    "- **floor-min** (EmptyCall and UnaryCall 1 KiB only): the tightest gRPC-shaped responder node:http2 allows",
    "  (bench/floor-min/server.ts: frozen headers and trailers, no `date`, no closure per request, one write). tsgrpc vs",
    "  floor-min on CPU per call is the share of a call our gRPC logic costs; issue 10's target is >= 0.95.",
    "- **floor**: a bare `node:http2` server (bench/floor/server.ts) or client (bench/floor/client.ts) that answers in gRPC",
    "  shape with no gRPC logic; no node:http2 stack can beat it by much. **grpc-js**: @grpc/grpc-js with the same .proto",
    "  and handlers. **grpc-go**: a neutral, fast reference (Debian's grpc-go, built offline by bench/setup.sh).",
    "- Server figures: load from h2load (`-c 2 -m 32 -t 1`, gRPC-framed bodies, `te: trailers`); ping-pong from the grpc-go client.",
    "  Client figures: each client against the grpc-go server. Memory: server RSS (from /proc) and V8 heap + external",
    "  (after a full GC) before and after opening the connections or streams, divided by their number.",
    "- **CPU per call / message**: the server process's CPU time (user + system, all threads, from /proc) during an h2load",
    "  round divided by the calls or messages served; for clients, the client process's own CPU time while counting.",
    "  It is what one call costs, and it moves less than a rate when other work shares the machine.",
    "- **tsgrpc vs X** is tsgrpc's advantage: tsgrpc / X for rates, X / tsgrpc for latency and memory (marked",
    '  "lower is better", and * in the chart). Above 1.00 tsgrpc is better. Targets are those of issue 6.',
    "",
    "![ratios](RESULTS.png)",
    "",
    markdownTable(rows),
    "",
    ...framingTable,
    "## Every round",
    "",
    markdownRounds(rows),
    "",
    // The A/B measurements of what each feature costs are written by hand (bench/COSTS.md) and kept in every report.
    ...(existsSync(costsFile) ? ["", readFileSync(costsFile, "utf8").trim(), ""] : []),
  ]
    .filter((line, index, all) => !(line === "" && all[index - 1] === ""))
    .join("\n");
  writeFileSync(join(folder, "RESULTS.md"), markdown);
  writeFileSync(
    join(folder, "RESULTS.png"),
    drawRatioChart(
      "TSGRPC RATIOS - HIGHER IS BETTER FOR TSGRPC, 1.0 = PARITY",
      chartRows(rows),
      `* LOWER IS BETTER: RATIO = OTHER / TSGRPC.   ${quick ? "QUICK SMOKE RUN.   " : ""}NODE ${process.version}, ${os.cpus().length} CORES`,
    ),
  );
  console.log(`\nwrote ${join(folder, "RESULTS.md")} and RESULTS.png`);
}

async function main(): Promise<void> {
  const load = [os.loadavg()[0]!.toFixed(2)];
  process.env.BENCH_REPORT_CPU = "1"; // the client processes add their CPU per call to their result line
  runSetup();
  if (profile) mkdirSync(profileFolder, { recursive: true });
  if (baselineRef !== undefined) baseline = buildBaseline(baselineRef);
  const cases = allCases(quick)
    .filter((benchCase) => filters.length === 0 || filters.some((filter) => benchCase.id.includes(filter)))
    .map(withBaseline);
  const runFraming = filters.length === 0 || filters.some((filter) => "framing".includes(filter));
  const servers = new Map<Implementation, ServerProcess>();
  const broken = new Map<Implementation, string>();
  const needed = new Set<Implementation>();
  for (const benchCase of cases) {
    if (benchCase.needs === "go-server") needed.add("grpc-go");
    if (benchCase.needs === "servers") for (const implementation of benchCase.implementations) needed.add(implementation);
  }
  for (const implementation of [...UNARY_SERVER_IMPLEMENTATIONS, "baseline" as const].filter((name) => needed.has(name)))
    try {
      servers.set(implementation, await startChecked(implementation));
    } catch (error) {
      broken.set(implementation, message(error));
      console.error(`bench: ${message(error)}`);
    }
  const context: CaseContext = {
    seconds,
    quick,
    servers,
    goPort: servers.get("grpc-go")?.port ?? 0,
    startFresh: startChecked,
    clientCommand,
  };
  const rows: ResultRow[] = [];
  try {
    for (const benchCase of cases) {
      console.error(`bench: ${benchCase.id}: ${benchCase.title}`);
      const caseRows = await runCase(benchCase, context, broken);
      console.error(formatTable(caseRows).split("\n").slice(1).join("\n"));
      rows.push(...caseRows);
    }
  } finally {
    await Promise.all([...servers.values()].map(stopServer));
  }
  let framing: FramingRow[] | undefined;
  if (runFraming) {
    framing = await runFramingBench();
    printFramingTable(framing);
  }
  load.push(os.loadavg()[0]!.toFixed(2));
  console.log(`\ntsgrpc benchmark (node ${process.version}, ${os.cpus().length} cores, load ${load.join(" -> ")})`);
  console.log(formatTable(rows));
  writeReport(rows, framing, describeMachine(), load);
}

await main();
