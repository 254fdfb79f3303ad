// Running interop client processes, shared by test/interop/interop.test.ts and
// test/proxy/interop-through-proxy.test.ts: one process per case, bounded in time, a few at once.
import { type ChildProcess, spawn } from "node:child_process";

/** How a client process ended: its exit code (null when killed) and its stdout and stderr. */
export interface ClientRun {
  code: number | null;
  output: string;
}

/**
 * Runs a client to completion, killed after `timeoutMs`. While it runs it is in `live`, so that
 * the harness can kill what is left when its server stops.
 */
export function runClient(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { timeoutMs: number; live: Set<ChildProcess> },
): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env });
    options.live.add(child);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[harness] client killed after ${options.timeoutMs} ms`;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      options.live.delete(child);
      resolve({ code, output });
    });
  });
}

/**
 * Runs tasks at most `limit` at a time, in the order they were submitted. Each case is still its
 * own process and its own `it`; the next one is already running while mocha waits for this one.
 */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
