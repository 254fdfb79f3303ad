// The soak: a server and clients in one process over loopback, under mixed load for a while,
// with memory sampled every second and the process's handles compared before and after.
//
//   npm run soak -- --minutes 10       (or --seconds N; --json prints the summary as JSON)
//
// Load: all four kinds of call, with cancels, deadlines, handler errors, gzip in both
// directions, and reconnects (channels replaced, and the server's maxConnectionAgeMs sending
// GOAWAY). Pass: after the warm-up the heap (measured after a full GC when node runs with
// --expose-gc) does not grow beyond the bound, and no socket, timer or listener is left behind.
import { fileURLToPath } from "node:url";
import { Channel, Code, createClient, GrpcError, Server, type ServerContext } from "../../src/index.js";
import { waitUnlessAborted } from "../abortable-wait.js";
import { Probe } from "../e2e/server-fixtures.js";

/** How long and how hard to soak. */
export interface SoakOptions {
  /** Total run time under load. */
  durationMs: number;
  /** Samples before this are the warm-up, left out of the growth check. Default: a quarter of the run, at most 60 s. */
  warmupMs?: number;
  /** Calls kept in flight at once. Default 32. */
  concurrency?: number;
  /** Replace one client channel this often (a reconnect). Default 2000 ms. */
  reconnectEveryMs?: number;
}

/** One memory sample. */
export interface MemorySample {
  atMs: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/** What a soak run measured, and whether it passed. */
export interface SoakResult {
  node: string;
  date: string;
  durationMs: number;
  calls: number;
  callsPerSecond: number;
  /** Outcome counts by call kind and status ("unary OK", "bidi CANCELLED", ...). */
  outcomes: Record<string, number>;
  reconnects: number;
  samples: number;
  gcExposed: boolean;
  heapStartBytes: number;
  heapEndBytes: number;
  /** Least-squares slope of the heap after warm-up, in bytes per minute. */
  heapSlopeBytesPerMinute: number;
  /** The slope times the measured span: how much the heap grew along the fitted line. */
  heapGrowthBytes: number;
  heapBoundBytes: number;
  rssStartBytes: number;
  rssEndBytes: number;
  rssMaxBytes: number;
  rssSlopeBytesPerMinute: number;
  /** Active handles by kind before the run and after everything was closed. */
  resourcesBefore: Record<string, number>;
  resourcesAfter: Record<string, number>;
  /** Handles left behind (after minus before, positive entries only). */
  leakedResources: Record<string, number>;
  /** Process listeners left behind, by event. */
  leakedProcessListeners: Record<string, number>;
  /** Warnings node emitted during the run (MaxListenersExceededWarning and the like). */
  warnings: string[];
  /** Outcomes that should never happen (a status outside the expected set for its case). */
  unexpected: string[];
  passed: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const KINDS = ["unary", "server-streaming", "client-streaming", "bidi"] as const;

/** The status each failing variant of the mix ends with, by kind and variant (UNAVAILABLE is always allowed). */
const EXPECTED: Record<string, Record<number, Code[]>> = {
  unary: { 0: [Code.FailedPrecondition], 1: [Code.DeadlineExceeded], 2: [Code.Cancelled] },
  "server-streaming": { 0: [Code.Aborted], 1: [Code.DeadlineExceeded] },
  "client-streaming": { 2: [Code.Cancelled] },
  bidi: { 0: [Code.OutOfRange], 1: [Code.DeadlineExceeded] },
};

interface Request {
  text?: string;
  count?: number;
  workMs?: number;
  fail?: boolean;
}

function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

const WATCHED_EVENTS = ["exit", "uncaughtException", "unhandledRejection", "warning", "SIGINT", "SIGTERM", "beforeExit"] as const;

function processListeners(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of WATCHED_EVENTS) counts[event] = process.listenerCount(event);
  return counts;
}

function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const p of points) {
    numerator += (p.x - meanX) * (p.y - meanY);
    denominator += (p.x - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

function positive(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const left: Record<string, number> = {};
  for (const [name, count] of Object.entries(after)) if (count > (before[name] ?? 0)) left[name] = count - (before[name] ?? 0);
  return left;
}

/** Runs the soak and returns what it measured; never throws for a failed check (see `passed`). */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const durationMs = options.durationMs;
  const warmupMs = options.warmupMs ?? Math.min(60_000, durationMs / 4);
  const concurrency = options.concurrency ?? 32;
  const reconnectEveryMs = options.reconnectEveryMs ?? 2_000;
  const gc = (globalThis as { gc?: () => void }).gc;
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  gc?.();
  const resourcesBefore = activeResources();
  const listenersBefore = processListeners();
  process.on("warning", onWarning);

  const server = new Server({ maxConnectionAgeMs: 3_000, maxConnectionAgeGraceMs: 5_000, responseCompression: "gzip" });
  server.add(Probe, {
    async echo(request: Request, ctx: ServerContext) {
      if (request.workMs) await waitUnlessAborted(request.workMs, ctx.signal);
      if (request.fail) throw new GrpcError(Code.FailedPrecondition, "soak: asked to fail");
      ctx.trailers.set("x-served", "yes");
      return { text: request.text };
    },
    async *list(request: Request, ctx: ServerContext) {
      for (let i = 0; i < (request.count ?? 3); i++) {
        if (request.workMs) await waitUnlessAborted(request.workMs, ctx.signal);
        yield { i, text: request.text };
      }
      if (request.fail) throw new GrpcError(Code.Aborted, "soak: asked to fail");
    },
    async collect(requests: AsyncIterable<Request>) {
      let count = 0;
      for await (const _ of requests) count++;
      return { count };
    },
    async *chat(requests: AsyncIterable<Request>, ctx: ServerContext) {
      for await (const request of requests) {
        if (request.fail) throw new GrpcError(Code.OutOfRange, "soak: asked to fail");
        ctx.compressMessages = (request.count ?? 0) % 2 === 0;
        yield request;
      }
    },
  });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  const target = `127.0.0.1:${port}`;
  const channels = [new Channel(target), new Channel(target, { compression: "gzip" }), new Channel(target)];
  let reconnects = 0;
  const outcomes: Record<string, number> = {};
  const unexpected: string[] = [];
  let calls = 0;
  let stopping = false;
  const start = Date.now();
  const payload = "x".repeat(2_048);

  const record = (kind: string, expected: readonly Code[] | "ok", error: unknown): void => {
    calls++;
    const code = error === undefined ? "OK" : error instanceof GrpcError ? (Code[error.code] ?? String(error.code)) : "not a GrpcError";
    const key = `${kind} ${code}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    const fine =
      error === undefined
        ? expected === "ok" || expected.length === 0
        : error instanceof GrpcError &&
          // A reconnect (GOAWAY from maxConnectionAgeMs, a replaced channel) may end any call UNAVAILABLE.
          (error.code === Code.Unavailable || (expected !== "ok" && expected.includes(error.code)));
    if (!fine && unexpected.length < 20) unexpected.push(`${key}: ${error instanceof Error ? error.message : String(error)}`);
  };

  async function* requests(count: number, fail: boolean): AsyncIterable<Request> {
    for (let i = 0; i < count; i++) {
      if (i % 3 === 2) await sleep(1);
      yield { text: payload, count: i, fail: fail && i === count - 1 };
    }
  }

  async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
    for await (const _ of iterable);
  }

  /** One call of the mix, chosen by `n`. */
  async function oneCall(n: number): Promise<void> {
    const channel = channels[n % channels.length]!;
    const client = createClient(Probe, channel);
    const variant = Math.floor(n / 4) % 6;
    try {
      switch (n % 4) {
        case 0: {
          if (variant === 0) {
            await client.echo!({ text: payload, fail: true });
            record("unary", [Code.FailedPrecondition], undefined);
          } else if (variant === 1) {
            await client.echo!({ workMs: 200 }, { timeoutMs: 20 });
            record("unary", [Code.DeadlineExceeded], undefined);
          } else if (variant === 2) {
            const controller = new AbortController();
            setTimeout(() => controller.abort(), 5);
            await client.echo!({ workMs: 100 }, { signal: controller.signal });
            record("unary", [Code.Cancelled], undefined);
          } else {
            await client.echo!({ text: payload }, { compression: variant === 3 ? "gzip" : "identity" });
            record("unary", "ok", undefined);
          }
          return;
        }
        case 1: {
          if (variant === 0) {
            await drain(client.list!({ count: 5, fail: true }) as AsyncIterable<unknown>);
            record("server-streaming", [Code.Aborted], undefined);
          } else if (variant === 1) {
            await drain(client.list!({ count: 50, workMs: 2 }, { timeoutMs: 15 }) as AsyncIterable<unknown>);
            record("server-streaming", [Code.DeadlineExceeded], undefined);
          } else if (variant === 2) {
            // Cancel by breaking out of the loop after two responses.
            let seen = 0;
            for await (const _ of client.list!({ count: 100, workMs: 1 }) as AsyncIterable<unknown>) if (++seen === 2) break;
            record("server-streaming", [], undefined);
          } else {
            await drain(client.list!({ count: 20, text: payload }) as AsyncIterable<unknown>);
            record("server-streaming", "ok", undefined);
          }
          return;
        }
        case 2: {
          if (variant === 2) {
            const controller = new AbortController();
            setTimeout(() => controller.abort(), 3);
            await client.collect!(requests(50, false), { signal: controller.signal });
            record("client-streaming", [Code.Cancelled], undefined);
          } else {
            await client.collect!(requests(10, false), { compression: variant % 2 === 0 ? "gzip" : "identity" });
            record("client-streaming", "ok", undefined);
          }
          return;
        }
        default: {
          if (variant === 0) {
            await drain(client.chat!(requests(6, true)) as AsyncIterable<unknown>);
            record("bidi", [Code.OutOfRange], undefined);
          } else if (variant === 1) {
            await drain(client.chat!(requests(200, false), { timeoutMs: 10 }) as AsyncIterable<unknown>);
            record("bidi", [Code.DeadlineExceeded], undefined);
          } else {
            await drain(client.chat!(requests(10, false)) as AsyncIterable<unknown>);
            record("bidi", "ok", undefined);
          }
          return;
        }
      }
    } catch (error) {
      const kind = KINDS[n % 4]!;
      record(kind, EXPECTED[kind]?.[variant] ?? [], error);
    }
  }

  let next = 0;
  const lane = async (): Promise<void> => {
    while (!stopping) {
      await oneCall(next++);
      // A failing call settles as promises only; let timers and I/O run between calls.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const reconnectTimer = setInterval(() => {
    const index = reconnects % channels.length;
    channels[index]!.close();
    channels[index] = new Channel(target, index === 1 ? { compression: "gzip" } : {});
    reconnects++;
  }, reconnectEveryMs);
  const samples: MemorySample[] = [];
  const sample = (): void => {
    gc?.();
    const memory = process.memoryUsage();
    samples.push({ atMs: Date.now() - start, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed });
  };
  const sampler = setInterval(sample, 1_000);
  const lanes = Array.from({ length: concurrency }, lane);
  await sleep(durationMs);
  stopping = true;
  await Promise.all(lanes);
  clearInterval(sampler);
  clearInterval(reconnectTimer);
  sample();
  const elapsedMs = Date.now() - start;
  for (const channel of channels) channel.close();
  await server.shutdown({ graceMs: 5_000 });
  process.off("warning", onWarning);
  // Let node close what the shutdown released (sockets close a tick or two later).
  for (let i = 0; i < 50; i++) {
    const left = positive(activeResources(), resourcesBefore);
    if (Object.keys(left).length === 0) break;
    await sleep(20);
  }
  gc?.();
  const resourcesAfter = activeResources();
  const leakedResources = positive(resourcesAfter, resourcesBefore);
  const leakedProcessListeners = positive(processListeners(), listenersBefore);

  const measured = samples.filter((s) => s.atMs >= warmupMs);
  const heapPoints = measured.map((s) => ({ x: s.atMs / 60_000, y: s.heapUsedBytes }));
  const rssPoints = measured.map((s) => ({ x: s.atMs / 60_000, y: s.rssBytes }));
  const heapSlope = slope(heapPoints);
  const spanMinutes = measured.length < 2 ? 0 : (measured[measured.length - 1]!.atMs - measured[0]!.atMs) / 60_000;
  const heapGrowthBytes = heapSlope * spanMinutes;
  // Bound: 4 MiB over the measured span, or 1 MiB a minute on longer runs; without --expose-gc
  // the samples include garbage, so the bound is wider.
  const heapBoundBytes = (gc === undefined ? 16 : 4) * 2 ** 20 + Math.max(0, spanMinutes - 4) * 2 ** 20;
  const first = measured[0] ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const passed =
    unexpected.length === 0 &&
    heapGrowthBytes <= heapBoundBytes &&
    Object.keys(leakedResources).length === 0 &&
    Object.keys(leakedProcessListeners).length === 0 &&
    warnings.length === 0 &&
    calls > 0;
  return {
    node: process.version,
    date: new Date().toISOString(),
    durationMs: elapsedMs,
    calls,
    callsPerSecond: Math.round((calls / elapsedMs) * 1000),
    outcomes,
    reconnects,
    samples: samples.length,
    gcExposed: gc !== undefined,
    heapStartBytes: first.heapUsedBytes,
    heapEndBytes: last.heapUsedBytes,
    heapSlopeBytesPerMinute: Math.round(heapSlope),
    heapGrowthBytes: Math.round(heapGrowthBytes),
    heapBoundBytes: Math.round(heapBoundBytes),
    rssStartBytes: first.rssBytes,
    rssEndBytes: last.rssBytes,
    rssMaxBytes: Math.max(...samples.map((s) => s.rssBytes)),
    rssSlopeBytesPerMinute: Math.round(slope(rssPoints)),
    resourcesBefore,
    resourcesAfter,
    leakedResources,
    leakedProcessListeners,
    warnings,
    unexpected,
    passed,
  };
}

const MIB = 2 ** 20;

/** The summary a person reads. */
export function formatSoak(result: SoakResult): string {
  const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
  const lines = [
    `soak ${result.passed ? "PASSED" : "FAILED"}: ${result.date}, node ${result.node}, ${(result.durationMs / 1000).toFixed(0)} s`,
    `calls: ${result.calls} (${result.callsPerSecond}/s), reconnects: ${result.reconnects}, samples: ${result.samples}${result.gcExposed ? "" : " (no --expose-gc: heap includes garbage)"}`,
    `heap: ${mib(result.heapStartBytes)} -> ${mib(result.heapEndBytes)}, slope ${mib(result.heapSlopeBytesPerMinute)}/min, growth ${mib(result.heapGrowthBytes)} (bound ${mib(result.heapBoundBytes)})`,
    `rss: ${mib(result.rssStartBytes)} -> ${mib(result.rssEndBytes)}, max ${mib(result.rssMaxBytes)}, slope ${mib(result.rssSlopeBytesPerMinute)}/min`,
    `handles before: ${JSON.stringify(result.resourcesBefore)}, after: ${JSON.stringify(result.resourcesAfter)}, leaked: ${JSON.stringify(result.leakedResources)}`,
    `process listeners leaked: ${JSON.stringify(result.leakedProcessListeners)}, warnings: ${result.warnings.length === 0 ? "none" : result.warnings.join("; ")}`,
    "outcomes:",
    ...Object.entries(result.outcomes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => `  ${key}: ${count}`),
  ];
  if (result.unexpected.length > 0) lines.push("unexpected:", ...result.unexpected.map((line) => `  ${line}`));
  return lines.join("\n");
}

function parseArguments(argv: string[]): { durationMs: number; json: boolean } {
  let durationMs = 60_000;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    const value = Number(argv[i + 1]);
    if (argument === "--minutes" || argument === "--seconds") {
      if (!Number.isFinite(value) || value <= 0) throw new RangeError(`soak: ${argument} needs a positive number`);
      durationMs = value * (argument === "--minutes" ? 60_000 : 1_000);
      i++;
    } else if (argument === "--json") json = true;
    else throw new RangeError(`soak: unknown argument ${argument} (use --minutes N, --seconds N, --json)`);
  }
  return { durationMs, json };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { durationMs, json } = parseArguments(process.argv.slice(2));
  const result = await runSoak({ durationMs });
  process.stdout.write(`${json ? JSON.stringify(result) : formatSoak(result)}\n`);
  process.exitCode = result.passed ? 0 : 1;
}
