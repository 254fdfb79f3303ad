// In-process client A/B: two builds (or two configurations) of the tsgrpc client in ONE process,
// calling the grpc-go server in short alternating slices (A B B A ...), each slice's CPU time per
// call from process.cpuUsage(). Both sides see the same machine at the same moments, so a shared,
// busy machine moves them together and the paired ratio stays readable where separate processes'
// rates do not (bench/README.md, "A/B").
//
//   node dist/bench/ab/client-ab.js MODE SLICES A B
//     MODE   empty | unary (1 KiB) | cstream (100 x 1 KiB) | sstream (100 x 1 KiB), 32 (unary) or 4 (streams) in flight
//     A, B   a build: "." (this tree's dist/) or a git ref (built as BENCH_BASELINE is), then
//            optional "+retry" (a service config retryPolicy no call triggers), "+trace" (tracing on, text,
//            to /dev/null), "+trace-json" (the same, JSON lines)
// Prints both sides' median CPU per unit and rate, and B/A per slice pair: median and the range.
import { openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { buildBaseline } from "../lib/baseline.js";
import { startServer, stopServer } from "../lib/processes.js";
import { PROJECT_ROOT, PROTO_INCLUDE_DIR, TEST_PROTO, zeroBody } from "../lib/proto.js";
import { median } from "../lib/stats.js";

type Library = typeof import("../../src/index.js");
type Mode = "empty" | "unary" | "cstream" | "sstream";

interface Side {
  readonly name: string;
  call(): Promise<number>;
  close(): void;
  cpu: number[];
  rate: number[];
}

const STREAM_MESSAGES = 100;
const RETRY_CONFIG = {
  methodConfig: [
    {
      name: [{ service: "grpc.testing.TestService" }],
      retryPolicy: {
        maxAttempts: 3,
        initialBackoff: "0.1s",
        maxBackoff: "1s",
        backoffMultiplier: 2,
        retryableStatusCodes: ["UNAVAILABLE"],
      },
    },
  ],
};

async function openSide(spec: string, target: string, mode: Mode): Promise<Side> {
  const [ref, ...features] = spec.split("+");
  for (const feature of features)
    if (!["retry", "trace", "trace-json"].includes(feature)) throw new RangeError(`client-ab: unknown feature +${feature} in ${spec}`);
  const index =
    ref === "."
      ? fileURLToPath(new URL("../../src/index.js", import.meta.url))
      : join(buildBaseline(ref!).benchFolder, "..", "src", "index.js");
  const lib = (await import(index)) as Library;
  const devNull = openSync("/dev/null", "w");
  const output = { write: (text: string) => void writeSync(devNull, text) };
  const tracing = features.find((feature) => feature.startsWith("trace"));
  const channel = new lib.Channel(target, {
    ...(features.includes("retry") ? { serviceConfig: RETRY_CONFIG } : {}),
    trace: tracing === undefined ? false : { filter: "*", output, format: tracing === "trace-json" ? "json" : "text" },
  });
  const service = await lib.loadService(TEST_PROTO, "grpc.testing.TestService", { includeDirs: [PROTO_INCLUDE_DIR] });
  // biome-ignore lint/suspicious/noExplicitAny: a client of a service loaded at run time
  const client = lib.createClient(service, channel) as Record<string, (...args: any[]) => any>;
  const payload = { payload: { body: zeroBody(1024) } };
  const streamRequest = { responseParameters: Array.from({ length: STREAM_MESSAGES }, () => ({ size: 1024 })) };
  const call = async (): Promise<number> => {
    switch (mode) {
      case "empty":
        await client.emptyCall!({});
        return 1;
      case "unary":
        await client.unaryCall!(payload);
        return 1;
      case "cstream":
        await client.streamingInputCall!(
          (async function* () {
            for (let i = 0; i < STREAM_MESSAGES; i++) yield payload;
          })(),
        );
        return STREAM_MESSAGES;
      default: {
        let received = 0;
        for await (const _ of client.streamingOutputCall!(streamRequest) as AsyncIterable<unknown>) received++;
        return received;
      }
    }
  };
  return { name: spec, call, close: () => channel.close(), cpu: [], rate: [] };
}

/** Runs `units` units on `side` with `inflight` loops; records CPU per unit and units per second. */
async function slice(side: Side, units: number, inflight: number, record: boolean): Promise<void> {
  let done = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const loop = async (): Promise<void> => {
    while (done < units) {
      const received = await side.call(); // not `done += await ...`: that reads `done` before the await
      done += received;
    }
  };
  await Promise.all(Array.from({ length: inflight }, loop));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  if (!record) return;
  side.cpu.push((cpu.user + cpu.system) / done);
  side.rate.push(done / seconds);
}

const format = (value: number) => (value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toPrecision(3));

async function main(): Promise<void> {
  const [modeText, slicesText, a = ".", b = "HEAD"] = process.argv.slice(2);
  const mode = modeText as Mode;
  if (!["empty", "unary", "cstream", "sstream"].includes(mode)) throw new RangeError(`client-ab: MODE is empty, unary, cstream or sstream`);
  const slices = Number(slicesText ?? 20);
  const server = await startServer("grpc-go", [join(PROJECT_ROOT, "bench", ".build", "go-server"), "--port=0"], false);
  try {
    const target = `127.0.0.1:${server.port}`;
    const sides = [await openSide(a, target, mode), await openSide(b, target, mode)] as const;
    const inflight = mode === "empty" || mode === "unary" ? 32 : 4;
    const units = Number(process.env.AB_UNITS ?? (mode === "empty" || mode === "unary" ? 3000 : 20_000));
    for (let i = 0; i < 4; i++) for (const side of sides) await slice(side, units, inflight, false);
    for (let i = 0; i < slices; i++) {
      const order = i % 2 === 0 ? sides : ([sides[1], sides[0]] as const);
      for (const side of order) await slice(side, units, inflight, true);
    }
    for (const side of sides) side.close();
    const [sideA, sideB] = sides;
    const cpuRatios = sideA.cpu.map((value, i) => sideB.cpu[i]! / value).sort((x, y) => x - y);
    const rateRatios = sideA.rate.map((value, i) => sideB.rate[i]! / value).sort((x, y) => x - y);
    const quartiles = (values: number[]) =>
      `${values[Math.floor(values.length / 4)]!.toFixed(3)}-${values[Math.floor((values.length * 3) / 4)]!.toFixed(3)}`;
    const unit = mode === "empty" || mode === "unary" ? "call" : "message";
    console.log(`client-ab ${mode}: ${slices} slice pairs of ${units} ${unit}s, ${inflight} in flight, node ${process.version}`);
    for (const side of sides)
      console.log(`  ${side.name.padEnd(28)} CPU/${unit} ${format(median(side.cpu))} us   ${format(median(side.rate))} ${unit}s/s`);
    console.log(
      `  B/A CPU per ${unit}: median ${median(cpuRatios).toFixed(3)} (interquartile ${quartiles(cpuRatios)}); ` +
        `B/A rate: median ${median(rateRatios).toFixed(3)} (interquartile ${quartiles(rateRatios)})`,
    );
  } finally {
    await stopServer(server);
  }
}

await main();
