// Starting, querying and stopping the benchmark's server and client processes. Every child runs
// under `bash -c 'ulimit -n <hard limit>; exec ...'` so that 1,000 connections fit in its fd table.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface, type Interface } from "node:readline";

/** A running server that announced its port (see server-process.ts). */
export interface ServerProcess {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Whether it answers "memory" on stdin (node servers do). */
  readonly reportsHeap: boolean;
  readonly lines: Interface;
}

/** Memory of a server process: RSS from /proc, and for node servers the V8 heap after a full GC. */
export interface MemorySample {
  rssBytes: number;
  heapBytes: number | undefined;
}

function withRaisedFileLimit(command: readonly string[]): string[] {
  const quoted = command.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
  return ["-c", `ulimit -n "$(ulimit -Hn)"; exec ${quoted}`];
}

/** Starts `command` (which must print "listening <port>") and resolves once it listens. */
export function startServer(name: string, command: readonly string[], reportsHeap: boolean, timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn("bash", withRaisedFileLimit(command), { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`bench: ${name} did not start listening within ${timeoutMs} ms`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`bench: ${name} exited with ${code} before listening`));
    };
    child.once("exit", onExit);
    const onLine = (line: string) => {
      const match = /^listening (\d+)$/.exec(line.trim());
      if (match === null) return;
      clearTimeout(timer);
      child.off("exit", onExit);
      lines.off("line", onLine);
      resolve({ name, port: Number(match[1]), child, reportsHeap, lines });
    };
    lines.on("line", onLine);
  });
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`bench: no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

let clockTicksPerSecond: number | undefined;

/** CPU time (user + system, all threads) a process has used so far, in microseconds, from /proc/PID/stat. */
export function cpuMicrosOf(pid: number): number {
  clockTicksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; fields 14 and 15 (utime, stime) follow its ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicksPerSecond;
}

/** Asks a node server for a GC and its heap, then reads its RSS; for other servers reads RSS only. */
export async function sampleMemory(server: ServerProcess): Promise<MemorySample> {
  let heapBytes: number | undefined;
  if (server.reportsHeap) {
    const reply = new Promise<string>((resolve) => {
      const onLine = (line: string) => {
        if (!line.startsWith("memory ")) return;
        server.lines.off("line", onLine);
        resolve(line.slice("memory ".length));
      };
      server.lines.on("line", onLine);
    });
    server.child.stdin!.write("memory\n");
    const usage = JSON.parse(await reply) as { heapUsed: number; external: number };
    heapBytes = usage.heapUsed + usage.external;
  }
  return { rssBytes: rssOf(server.child.pid!), heapBytes };
}

/** Stops a server and waits for it to exit. */
export function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.child.once("exit", () => resolve());
    server.child.kill("SIGTERM");
    setTimeout(() => server.child.kill("SIGKILL"), 3000).unref();
  });
}

/** Runs a command to completion (file limit raised), resolving with its stdout; rejects on a non-zero exit. */
export function runCommand(command: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", withRaisedFileLimit(command), { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`bench: ${command.join(" ")} failed (${signal ?? code}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
    });
  });
}
