// The command line shared by the floor, grpc-js and tsgrpc benchmark clients:
//
//   client.js empty    TARGET SECONDS INFLIGHT          -> "<name> <N> calls/s"
//   client.js unary    TARGET SECONDS INFLIGHT SIZE     -> "<name> <N> calls/s"
//   client.js sstream  TARGET SECONDS INFLIGHT COUNT    -> "<name> <N> msgs/s"  (StreamingOutputCall, COUNT x 1 KiB)
//   client.js cstream  TARGET SECONDS INFLIGHT COUNT    -> "<name> <N> msgs/s"  (StreamingInputCall, COUNT x 1 KiB)
//   client.js bidi     TARGET SECONDS INFLIGHT COUNT    -> "<name> <N> msgs/s"  (FullDuplexCall, COUNT requests, one 1 KiB response each)
//   client.js pingpong TARGET SECONDS SIZE              -> "<name> <N> round-trips p50_us <A> p99_us <B>"
//
// TARGET is host:port. Each mode warms up (1 s, less for very short runs) before it counts. With
// BENCH_REPORT_CPU=1 the rate lines end in " cpu_us <C>": this process's CPU time (user + system,
// all threads) per call or message while counting, a figure a busy machine disturbs less than a rate.
import { performance } from "node:perf_hooks";
import { quantile } from "./stats.js";

/** One bidi FullDuplexCall held open for ping-pong: each round trip sends one request and awaits one response. */
export interface PingPong {
  roundTrip(): Promise<void>;
  close(): Promise<void>;
}

/** What each client implementation provides; the driver owns timing and concurrency. */
export interface BenchClient {
  emptyCall(): Promise<void>;
  /** UnaryCall with a SIZE-byte payload (the server echoes it). */
  unaryCall(size: number): Promise<void>;
  /** StreamingOutputCall asking for `count` 1 KiB responses; resolves with the number received. */
  serverStream(count: number): Promise<number>;
  /** StreamingInputCall sending `count` 1 KiB requests. */
  clientStream(count: number): Promise<void>;
  /** FullDuplexCall sending `count` requests that each ask for one 1 KiB response; resolves with the number received. */
  bidiStream(count: number): Promise<number>;
  /** FullDuplexCall where each request carries and asks for SIZE bytes. */
  openPingPong(size: number): Promise<PingPong>;
  close(): void | Promise<void>;
}

function positiveInteger(text: string | undefined, what: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`bench: ${what} must be a whole number, got ${text}`);
  return value;
}

/** A rate, and this process's CPU time (user + system) per unit over the counted window. */
interface Measured {
  perSecond: number;
  cpuMicrosPerUnit: number;
}

/** Runs `inflight` loops of `operation` for `seconds` after a warm-up; returns units per second and CPU per unit. */
async function measureLoops(operation: () => Promise<number>, seconds: number, inflight: number): Promise<Measured> {
  const warmUpMs = Math.min(1000, seconds * 500);
  const start = performance.now();
  const countFrom = start + warmUpMs;
  const stopAt = countFrom + seconds * 1000;
  let units = 0;
  let countedUntil = countFrom;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  const timer = setTimeout(() => (cpuAtStart = process.cpuUsage()), warmUpMs);
  const loop = async (): Promise<void> => {
    for (;;) {
      const done = await operation();
      const now = performance.now();
      if (now >= stopAt) return;
      if (now >= countFrom) {
        units += done;
        countedUntil = now;
      }
    }
  };
  await Promise.all(Array.from({ length: inflight }, loop));
  clearTimeout(timer);
  const cpu = process.cpuUsage(cpuAtStart);
  return { perSecond: units / ((countedUntil - countFrom) / 1000), cpuMicrosPerUnit: (cpu.user + cpu.system) / units };
}

/** "<N> calls/s", plus " cpu_us <C>" when the harness asks for it (BENCH_REPORT_CPU=1). */
function rateLine(measured: Measured, unit: string): string {
  const rate = `${measured.perSecond.toFixed(0)} ${unit}`;
  return process.env.BENCH_REPORT_CPU === "1" ? `${rate} cpu_us ${measured.cpuMicrosPerUnit.toFixed(1)}` : rate;
}

async function measurePingPong(client: BenchClient, seconds: number, size: number): Promise<string> {
  const pingPong = await client.openPingPong(size);
  const warmUpEnd = performance.now() + Math.min(1000, seconds * 500);
  while (performance.now() < warmUpEnd) await pingPong.roundTrip();
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  for (let now = performance.now(); now < end; ) {
    await pingPong.roundTrip();
    const after = performance.now();
    samples.push((after - now) * 1000);
    now = after;
  }
  await pingPong.close();
  const sorted = Float64Array.from(samples).sort();
  return `${samples.length} round-trips p50_us ${quantile(sorted, 0.5).toFixed(0)} p99_us ${quantile(sorted, 0.99).toFixed(0)}`;
}

/** Parses the command line, runs the mode against `createClient(target)` and prints one result line. */
export async function runClientMain(name: string, createClient: (target: string) => BenchClient | Promise<BenchClient>): Promise<void> {
  const [mode, target, secondsText, ...rest] = process.argv.slice(2);
  if (mode === undefined || target === undefined) {
    throw new TypeError("usage: client.js empty|unary|sstream|cstream|bidi|pingpong TARGET SECONDS [INFLIGHT] [SIZE|COUNT]");
  }
  const seconds = Number(secondsText);
  if (!(seconds > 0)) throw new RangeError(`bench: SECONDS must be positive, got ${secondsText}`);
  const client = await createClient(target);
  let line: string;
  switch (mode) {
    case "empty": {
      const inflight = positiveInteger(rest[0], "INFLIGHT");
      line = rateLine(await measureLoops(() => client.emptyCall().then(() => 1), seconds, inflight), "calls/s");
      break;
    }
    case "unary": {
      const [inflight, size] = [positiveInteger(rest[0], "INFLIGHT"), positiveInteger(rest[1], "SIZE")];
      line = rateLine(await measureLoops(() => client.unaryCall(size).then(() => 1), seconds, inflight), "calls/s");
      break;
    }
    case "sstream": {
      const [inflight, count] = [positiveInteger(rest[0], "INFLIGHT"), positiveInteger(rest[1], "COUNT")];
      line = rateLine(await measureLoops(() => client.serverStream(count), seconds, inflight), "msgs/s");
      break;
    }
    case "cstream": {
      const [inflight, count] = [positiveInteger(rest[0], "INFLIGHT"), positiveInteger(rest[1], "COUNT")];
      line = rateLine(await measureLoops(() => client.clientStream(count).then(() => count), seconds, inflight), "msgs/s");
      break;
    }
    case "bidi": {
      const [inflight, count] = [positiveInteger(rest[0], "INFLIGHT"), positiveInteger(rest[1], "COUNT")];
      line = rateLine(await measureLoops(() => client.bidiStream(count), seconds, inflight), "msgs/s");
      break;
    }
    case "pingpong":
      line = await measurePingPong(client, seconds, positiveInteger(rest[0], "SIZE"));
      break;
    default:
      throw new TypeError(`bench: unknown client mode ${mode}`);
  }
  await client.close();
  process.stdout.write(`${name} ${line}\n`);
}
