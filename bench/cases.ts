// The benchmark cases of issue 6. Server cases load each server with h2load (or the grpc-go
// client for ping-pong); client cases run each client against the grpc-go server; memory cases
// hold connections or streams open against a fresh server. Each case measures one round for one
// implementation; run.ts does the warm-up, the alternating rounds and the medians.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { holdConnections, holdStreams } from "./lib/memory-load.js";
import {
  EMPTY_FRAME,
  repeatFrame,
  simpleRequestFrame,
  streamingInputRequestFrame,
  streamingOutputRequestFrame,
  testServicePath,
} from "./lib/messages.js";
import { runH2load } from "./lib/h2load.js";
import { cpuMicrosOf, runCommand, sampleMemory, stopServer, type ServerProcess } from "./lib/processes.js";
import { PROJECT_ROOT } from "./lib/proto.js";

/** "baseline" is tsgrpc built from BENCH_BASELINE's git ref (lib/baseline.ts), an A/B against the working tree. */
export type Implementation = "floor-min" | "floor" | "grpc-js" | "tsgrpc" | "baseline" | "grpc-go";
/** The implementations of most cases. */
export const IMPLEMENTATIONS: readonly Implementation[] = ["floor", "grpc-js", "tsgrpc", "grpc-go"];
/**
 * The unary server cases add floor-min (bench/floor-min/server.ts), the tightest responder
 * node:http2 allows, which answers EmptyCall and UnaryCall only.
 */
export const UNARY_SERVER_IMPLEMENTATIONS: readonly Implementation[] = ["floor-min", ...IMPLEMENTATIONS];
/** The methods floor-min answers (the probe checks only these). */
export const FLOOR_MIN_METHODS: readonly string[] = ["EmptyCall", "UnaryCall"];

/** One reported figure of a case. `lowerIsBetter` for latency and memory. */
export interface Metric {
  key: string;
  label: string;
  unit: string;
  lowerIsBetter?: boolean;
  /** Targets of issue 6, as "tsgrpc's advantage" ratios (other/tsgrpc when lower is better). */
  targetVsFloor?: number;
  targetVsGrpcJs?: number;
  /** Issue 10's target against floor-min, on the CPU per call of the unary server cases. */
  targetVsFloorMin?: number;
}

/** What a case may use while it measures. */
export interface CaseContext {
  seconds: number;
  quick: boolean;
  /** Long-running servers, one per implementation (server cases). */
  servers: ReadonlyMap<Implementation, ServerProcess>;
  /** The grpc-go server's port (client cases). */
  goPort: number;
  /** Starts a fresh server of an implementation (memory cases). */
  startFresh(implementation: Implementation): Promise<ServerProcess>;
  /** The command that runs an implementation's benchmark client, without its arguments. */
  clientCommand(implementation: Implementation): string[];
}

export interface Case {
  id: string;
  title: string;
  role: "server" | "client";
  /** The long-running servers (one per implementation), the grpc-go server only, or a fresh server per round. */
  needs: "servers" | "go-server" | "fresh";
  metrics: readonly Metric[];
  implementations: readonly Implementation[];
  /** Whether run.ts should make an unmeasured warm-up run per implementation first. */
  warmUp: boolean;
  measure(implementation: Implementation, context: CaseContext): Promise<Record<string, number>>;
}

const KIB = 1024;
const MIB = 1024 * 1024;
const STREAM_MESSAGES = 100;
const SERVER_UNARY_TARGETS = { targetVsFloor: 0.9, targetVsGrpcJs: 1.6 };
const CLIENT_UNARY_TARGETS = { targetVsFloor: 0.8, targetVsGrpcJs: 2 };
/** Our gRPC logic under 5% of a call: floor-min's CPU per call / tsgrpc's >= 0.95 (issue 10). */
const FLOOR_MIN_CPU_TARGET = 0.95;

function bodyFile(name: string, bytes: Uint8Array): string {
  const folder = join(PROJECT_ROOT, "bench", ".build", "bodies");
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${name}.bin`);
  writeFileSync(file, bytes);
  return file;
}

/** The CPU-per-unit companion of a rate metric ("calls/s" -> us per call), lower is better. */
function cpuMetric(rate: Metric, targetVsFloorMin?: number): Metric {
  const unit = rate.unit === "calls/s" ? "call" : "message";
  return { key: "cpu", label: `${rate.label}: CPU per ${unit}`, unit: "us", lowerIsBetter: true, targetVsFloorMin };
}

/**
 * A server case driven by h2load: `perCall` scales requests/s into the reported unit. For calls
 * and messages it also reports the server process's CPU time per call or message.
 */
function h2loadCase(
  id: string,
  title: string,
  method: string,
  body: Uint8Array,
  metric: Metric,
  perCall: number,
  streams = 32,
  implementations = IMPLEMENTATIONS,
): Case {
  let file: string | undefined;
  const withCpu = metric.unit !== "MB/s";
  const cpuTarget = implementations.includes("floor-min") ? FLOOR_MIN_CPU_TARGET : undefined;
  return {
    id,
    title,
    role: "server",
    needs: "servers",
    metrics: withCpu ? [metric, cpuMetric(metric, cpuTarget)] : [metric],
    implementations,
    warmUp: true,
    async measure(implementation, context) {
      file ??= bodyFile(id, body);
      const server = context.servers.get(implementation)!;
      const cpuBefore = cpuMicrosOf(server.child.pid!);
      const result = await runH2load(`http://127.0.0.1:${server.port}${testServicePath(method)}`, file, context.seconds, streams);
      const cpu = (cpuMicrosOf(server.child.pid!) - cpuBefore) / (result.succeeded * perCall);
      return withCpu ? { [metric.key]: result.requestsPerSecond * perCall, cpu } : { [metric.key]: result.requestsPerSecond * perCall };
    },
  };
}

function latencyMetrics(targetVsGrpcJs?: number): Metric[] {
  return [
    { key: "p50", label: "p50 latency", unit: "us", lowerIsBetter: true },
    { key: "p99", label: "p99 latency", unit: "us", lowerIsBetter: true, targetVsGrpcJs },
  ];
}

/** Parses "<name> <N> <unit>" or "<name> <N> round-trips p50_us <A> p99_us <B>". */
export function parseClientLine(output: string): Record<string, number> {
  const line = output.trim().split("\n").pop() ?? "";
  const pingPong = /round-trips p50_us ([\d.]+) p99_us ([\d.]+)/.exec(line);
  if (pingPong !== null) return { p50: Number(pingPong[1]), p99: Number(pingPong[2]) };
  const rate = /^\S+ ([\d.]+) (calls|msgs)\/s(?: cpu_us ([\d.]+))?$/.exec(line);
  if (rate === null) throw new Error(`bench: cannot read client output: ${JSON.stringify(line)}`);
  return rate[3] === undefined ? { rate: Number(rate[1]) } : { rate: Number(rate[1]), cpu: Number(rate[3]) };
}

/** A client case: runs an implementation's client process against the grpc-go server. */
function clientCase(
  id: string,
  title: string,
  metrics: Metric[],
  args: () => string[],
  scale: number,
  implementations: readonly Implementation[] = IMPLEMENTATIONS,
): Case {
  return {
    id,
    title,
    role: "client",
    needs: "go-server",
    metrics: metrics[0]!.unit === "MB/s" || metrics[0]!.key !== "rate" ? metrics : [...metrics, cpuMetric(metrics[0]!)],
    implementations,
    warmUp: false, // every client process warms itself up before it counts
    async measure(implementation, context) {
      const [mode, ...rest] = args();
      const target = `127.0.0.1:${context.goPort}`;
      const command = [...context.clientCommand(implementation), mode!, target, String(context.seconds), ...rest];
      const values = parseClientLine(await runCommand(command, (context.seconds + 60) * 1000));
      if (values.rate === undefined) return values;
      return values.cpu === undefined ? { rate: values.rate * scale } : { rate: values.rate * scale, cpu: values.cpu };
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function memoryDelta(
  implementation: Implementation,
  context: CaseContext,
  connections: number,
  streamsPerConnection: number,
): Promise<Record<string, number>> {
  const server = await context.startFresh(implementation);
  try {
    const held = await holdConnections(server.port, streamsPerConnection === 0 ? Math.min(10, connections) : connections);
    await pause(500);
    const before = await sampleMemory(server);
    let count: number;
    let release: () => Promise<void>;
    if (streamsPerConnection === 0) {
      const more = await holdConnections(server.port, connections);
      [count, release] = [connections, () => more.release()];
    } else {
      const streams = await holdStreams(held.sessions, streamsPerConnection);
      [count, release] = [connections * streamsPerConnection, () => streams.release()];
    }
    await pause(500);
    const after = await sampleMemory(server);
    await release();
    await held.release();
    const values: Record<string, number> = { rss: (after.rssBytes - before.rssBytes) / count / KIB };
    if (after.heapBytes !== undefined && before.heapBytes !== undefined) values.heap = (after.heapBytes - before.heapBytes) / count / KIB;
    return values;
  } finally {
    await stopServer(server);
  }
}

function memoryMetrics(what: string): Metric[] {
  return [
    { key: "rss", label: `RSS per ${what}`, unit: "KiB", lowerIsBetter: true, targetVsGrpcJs: 1 },
    { key: "heap", label: `heap per ${what}`, unit: "KiB", lowerIsBetter: true, targetVsGrpcJs: 1 },
  ];
}

/** Every case, in the order they run. */
export function allCases(quick: boolean): Case[] {
  const idleConnections = quick ? 100 : 1000;
  const streamConnections = quick ? 10 : 100;
  const calls = (label: string, targets = {}): Metric => ({ key: "rate", label, unit: "calls/s", ...targets });
  const megabytes = (label: string): Metric => ({ key: "rate", label, unit: "MB/s" });
  const messages = (label: string, targets = {}): Metric => ({ key: "rate", label, unit: "msgs/s", ...targets });
  return [
    h2loadCase(
      "empty-server",
      "Server: EmptyCall",
      "EmptyCall",
      EMPTY_FRAME,
      calls("server EmptyCall", SERVER_UNARY_TARGETS),
      1,
      32,
      UNARY_SERVER_IMPLEMENTATIONS,
    ),
    h2loadCase(
      "unary-server",
      "Server: UnaryCall, 1 KiB echoed",
      "UnaryCall",
      simpleRequestFrame(KIB),
      calls("server UnaryCall 1 KiB", SERVER_UNARY_TARGETS),
      1,
      32,
      UNARY_SERVER_IMPLEMENTATIONS,
    ),
    h2loadCase(
      "unary-64k-server",
      "Server: UnaryCall, 64 KiB echoed",
      "UnaryCall",
      simpleRequestFrame(64 * KIB),
      megabytes("server UnaryCall 64 KiB"),
      (64 * KIB) / 1e6,
    ),
    h2loadCase(
      "unary-1m-server",
      "Server: UnaryCall, 1 MiB echoed (h2load -m 4)",
      "UnaryCall",
      simpleRequestFrame(MIB),
      megabytes("server UnaryCall 1 MiB"),
      MIB / 1e6,
      4,
    ),
    h2loadCase(
      "sstream-server",
      `Server streaming: ${STREAM_MESSAGES} x 1 KiB per call`,
      "StreamingOutputCall",
      streamingOutputRequestFrame(STREAM_MESSAGES, KIB),
      messages("server streaming 1 KiB", { targetVsGrpcJs: 2 }),
      STREAM_MESSAGES,
    ),
    h2loadCase(
      "cstream-server",
      `Client streaming: ${STREAM_MESSAGES} x 1 KiB per call`,
      "StreamingInputCall",
      repeatFrame(streamingInputRequestFrame(KIB), STREAM_MESSAGES),
      messages("server client-streaming 1 KiB"),
      STREAM_MESSAGES,
    ),
    h2loadCase(
      "bidi-server",
      `Bidi: ${STREAM_MESSAGES} requests, one 1 KiB response each`,
      "FullDuplexCall",
      repeatFrame(streamingOutputRequestFrame(1, KIB), STREAM_MESSAGES),
      messages("server bidi 1 KiB", { targetVsGrpcJs: 2 }),
      STREAM_MESSAGES,
    ),
    {
      id: "pingpong-server",
      title: "Bidi ping-pong, 1 KiB each way, one call (grpc-go client)",
      role: "server",
      needs: "servers",
      metrics: latencyMetrics(1).map((metric) => ({ ...metric, label: `server ping-pong ${metric.label}` })),
      implementations: IMPLEMENTATIONS,
      warmUp: false,
      async measure(implementation, context) {
        const port = context.servers.get(implementation)!.port;
        const command = [...context.clientCommand("grpc-go"), "pingpong", `127.0.0.1:${port}`, String(context.seconds), String(KIB)];
        return parseClientLine(await runCommand(command, (context.seconds + 60) * 1000));
      },
    },
    {
      id: "memory-conn-server",
      title: `Server memory per idle connection (${idleConnections} connections)`,
      role: "server",
      needs: "fresh",
      metrics: memoryMetrics("connection").map((metric) => ({ ...metric, label: `server ${metric.label}` })),
      implementations: IMPLEMENTATIONS,
      warmUp: false,
      measure: (implementation, context) => memoryDelta(implementation, context, idleConnections, 0),
    },
    {
      id: "memory-stream-server",
      title: `Server memory per open bidi stream (${streamConnections * 100} streams on ${streamConnections} connections)`,
      role: "server",
      needs: "fresh",
      metrics: memoryMetrics("stream").map((metric) => ({ ...metric, label: `server ${metric.label}` })),
      implementations: IMPLEMENTATIONS,
      warmUp: false,
      measure: (implementation, context) => memoryDelta(implementation, context, streamConnections, 100),
    },
    clientCase(
      "empty-client",
      "Client: EmptyCall, 32 in flight",
      [calls("client EmptyCall", CLIENT_UNARY_TARGETS)],
      () => ["empty", "32"],
      1,
      ["floor", "grpc-js", "tsgrpc"],
    ),
    clientCase(
      "unary-client",
      "Client: UnaryCall 1 KiB, 32 in flight",
      [calls("client UnaryCall 1 KiB", CLIENT_UNARY_TARGETS)],
      () => ["unary", "32", String(KIB)],
      1,
    ),
    clientCase(
      "unary-64k-client",
      "Client: UnaryCall 64 KiB, 8 in flight",
      [megabytes("client UnaryCall 64 KiB")],
      () => ["unary", "8", String(64 * KIB)],
      (64 * KIB) / 1e6,
    ),
    clientCase(
      "unary-1m-client",
      "Client: UnaryCall 1 MiB, 4 in flight",
      [megabytes("client UnaryCall 1 MiB")],
      () => ["unary", "4", String(MIB)],
      MIB / 1e6,
    ),
    clientCase(
      "sstream-client",
      `Client: server streaming ${STREAM_MESSAGES} x 1 KiB, 4 calls in flight`,
      [messages("client server-streaming 1 KiB", { targetVsGrpcJs: 2 })],
      () => ["sstream", "4", String(STREAM_MESSAGES)],
      1,
      ["floor", "grpc-js", "tsgrpc"],
    ),
    clientCase(
      "cstream-client",
      `Client: client streaming ${STREAM_MESSAGES} x 1 KiB, 4 calls in flight`,
      [messages("client client-streaming 1 KiB")],
      () => ["cstream", "4", String(STREAM_MESSAGES)],
      1,
      ["floor", "grpc-js", "tsgrpc"],
    ),
    clientCase(
      "bidi-client",
      `Client: bidi ${STREAM_MESSAGES} requests, one 1 KiB response each, 4 calls in flight`,
      [messages("client bidi 1 KiB", { targetVsGrpcJs: 2 })],
      () => ["bidi", "4", String(STREAM_MESSAGES)],
      1,
      ["floor", "grpc-js", "tsgrpc"],
    ),
    clientCase(
      "pingpong-client",
      "Client: bidi ping-pong, 1 KiB each way, one call",
      latencyMetrics(1).map((metric) => ({ ...metric, label: `client ping-pong ${metric.label}` })),
      () => ["pingpong", String(KIB)],
      1,
    ),
  ];
}
