// Runs h2load (nghttp2's C load generator, the neutral client of the server benchmarks) and reads
// its summary. The flags are the ones issue 6 fixes: 2 connections, 32 streams each, 1 thread
// (fewer streams for 1 MiB messages, whose requests would otherwise outlast a round).
import { runCommand } from "./processes.js";

/** The parts of h2load's summary the harness uses. */
export interface H2loadResult {
  requestsPerSecond: number;
  succeeded: number;
  failed: number;
}

/** Parses h2load's "finished in ..." and "requests: ..." lines. */
export function parseH2loadOutput(output: string): H2loadResult {
  const finished = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(output);
  const requests = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(output);
  if (finished === null || requests === null) throw new Error(`bench: cannot read h2load output:\n${output}`);
  return {
    requestsPerSecond: Number(finished[1]),
    succeeded: Number(requests[1]),
    failed: Number(requests[2]) + Number(requests[3]),
  };
}

/** POSTs `bodyFile` to `url` for `seconds`, `streams` at a time on each of 2 connections; fails when any request failed. */
export async function runH2load(url: string, bodyFile: string, seconds: number, streams = 32): Promise<H2loadResult> {
  const output = await runCommand(
    [
      "h2load",
      "-c",
      "2",
      "-m",
      String(streams),
      "-t",
      "1",
      "-D",
      String(seconds),
      "-d",
      bodyFile,
      "-H",
      "content-type: application/grpc",
      "-H",
      "te: trailers",
      url,
    ],
    (seconds + 60) * 1000,
  );
  const result = parseH2loadOutput(output);
  if (result.failed > 0 || result.succeeded === 0)
    throw new Error(`bench: h2load ${url}: ${result.failed} failed, ${result.succeeded} succeeded`);
  return result;
}
