// The small protocol every benchmark server process speaks with the harness: `--port=N` on the
// command line, one "listening <port>" line on stdout once bound, and on stdin the line "memory",
// answered (after a full GC when node runs with --expose-gc) by "memory <JSON of memoryUsage()>".
import { createInterface } from "node:readline";

/** Reads `--port=N` (default 0: any free port) from the command line. */
export function portFromArgs(args: readonly string[] = process.argv.slice(2)): number {
  const flag = args.find((arg) => arg.startsWith("--port="));
  const port = flag === undefined ? 0 : Number(flag.slice("--port=".length));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`bench: bad --port in ${args.join(" ")}`);
  return port;
}

/** Tells the harness which port the server is bound to and starts answering memory requests. */
export function announceListening(port: number): void {
  process.stdout.write(`listening ${port}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (line.trim() !== "memory") return;
    const collect = (globalThis as { gc?: () => void }).gc;
    if (collect) {
      collect();
      collect();
    }
    process.stdout.write(`memory ${JSON.stringify(process.memoryUsage())}\n`);
  });
  // A closed stdin (e.g. `run-server < /dev/null`) must not keep the server from serving or end it.
  lines.on("close", () => undefined);
  // Exit normally on SIGTERM so that --cpu-prof writes its profile.
  process.once("SIGTERM", () => process.exit(0));
}
