// `npm run fuzz -- --seconds N [--seed S]`: every parser property for N seconds each, then the raw
// HTTP/2 frame fuzzer against a live Server for N seconds. Prints one line per target and ends
// with "N passed, M failed"; exits non-zero on a failure, with fast-check's counterexample.
import { parseArgs } from "node:util";
import { startTarget } from "../hostile/harness.js";
import { fuzzServer } from "./frame-fuzzer.js";
import { runFuzzTargets } from "./properties.js";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "60" }, seed: { type: "string" } } });
const seconds = Number(values.seconds);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
console.log(`fuzz: ${seconds} s per target, seed ${seed}, Node ${process.version}, ${new Date().toISOString()}`);
let passed = 0;
let failed = 0;
for (const result of await runFuzzTargets({ seconds, seed })) {
  console.log(`${result.failure === undefined ? "ok  " : "FAIL"} ${result.name}: ${result.runs} runs`);
  if (result.failure !== undefined) console.log(result.failure);
  result.failure === undefined ? passed++ : failed++;
}
const started = await startTarget();
const heapBefore = process.memoryUsage().heapUsed;
const details = await fuzzServer(started.port, { seconds, seed });
const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
console.log(
  `${details.failed ? "FAIL" : "ok  "} raw HTTP/2 frame fuzzer against a live server: ${details.numRuns} sequences, heap ${heapGrowthMb.toFixed(1)} MiB above the start`,
);
if (details.failed) console.log(details.counterexample, details.errorInstance);
details.failed ? failed++ : passed++;
await started.server.forceShutdown();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
