// Fixtures of the fault tests: child processes (a server, a client) that the tests kill or stop,
// and small helpers to wait for what a call or a handler reports.
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { GrpcError } from "../../src/index.js";

const HERE = dirname(fileURLToPath(import.meta.url));

/** A child process running one of this folder's scripts, and the first line it printed. */
export interface Child {
  readonly process: ChildProcess;
  readonly firstLine: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

/** Runs dist/test/faults/<script>.js in a child node and waits for its first stdout line. */
export async function spawnChild(script: string, args: string[]): Promise<Child> {
  const child = spawn(process.execPath, [join(HERE, `${script}.js`), ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const firstLine = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code, signal) => reject(new Error(`${script} exited (${code ?? signal}) before it printed a line`)));
  });
  // Later lines are not needed; keep the pipe drained.
  lines.on("line", () => undefined);
  return { process: child, firstLine, exited };
}

/** Starts child-server.ts with these server options; resolves with the child and its port. */
export async function spawnServer(options: object = {}): Promise<{ child: Child; port: number }> {
  const child = await spawnChild("child-server", [JSON.stringify(options)]);
  return { child, port: (JSON.parse(child.firstLine) as { port: number }).port };
}

/** Kills a child (SIGCONT first, in case it was stopped) and waits for it to go. */
export async function killChild(child: Child | undefined): Promise<void> {
  if (child === undefined || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill("SIGCONT");
  child.process.kill("SIGKILL");
  await child.exited;
}

/** The GrpcError a promise rejects with; fails when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<GrpcError> {
  let outcome: unknown;
  try {
    await promise;
  } catch (error) {
    outcome = error;
  }
  if (!(outcome instanceof GrpcError)) throw new Error(`expected a GrpcError, got ${String(outcome)}`);
  return outcome;
}

/** Reads an async iterator to its end; resolves with how many values came, rejects with its error. */
export async function readAll(iterator: AsyncIterator<unknown>): Promise<number> {
  let count = 0;
  while (!(await iterator.next()).done) count++;
  return count;
}

/** Waits until `condition()` holds, polling every 10 ms; fails after `timeoutMs` naming `what`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Requests that yield `first` and then never end (until `stop` aborts). */
export async function* endless<T>(first: T, stop?: AbortSignal): AsyncIterable<T> {
  yield first;
  await new Promise<void>((resolve) => stop?.addEventListener("abort", () => resolve()));
}

/** How many of each kind of active handle the process holds ("TCPSocketWrap", "Timeout", ...). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}
