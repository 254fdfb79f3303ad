import { spawn } from "node:child_process";
import { createServer, type Http2Server, type ServerHttp2Session } from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import { matchesOnly, type CheckResult, type ProbeReport } from "./check.js";
import type { ClientCheck, ClientOutcome } from "./client-check.js";
import { CLIENT_CHECKS } from "./client-checks.js";
import { runChecks } from "./run-checks.js";

/** The placeholder in the client command that becomes `127.0.0.1:<port>` of the check's server. */
export const TARGET_PLACEHOLDER = "{target}";
/** The environment variable that carries the same `127.0.0.1:<port>`. */
export const TARGET_ENV = "TSGRPC_PROBE_TARGET";

/** Options of the client probe. */
export interface ClientProbeOptions {
  /** Only the checks whose id matches (`*` wildcards, comma-separated patterns). */
  readonly only?: string;
  /** How long the client command may run per check before it is killed, in milliseconds (default 20000). */
  readonly limitMs?: number;
  /** Checks run at once (default 4; each has its own server). */
  readonly concurrency?: number;
  readonly onResult?: (result: CheckResult) => void;
  /** The checks to run (default: all of CLIENT_CHECKS). */
  readonly checks?: readonly ClientCheck[];
  /** Extra environment for the client command. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs the client probe: for each check, a raw HTTP/2 server on 127.0.0.1 answers the client's
 * UnaryCall the crafted way, and the client command (`{target}` replaced, TSGRPC_PROBE_TARGET set)
 * must print the status it got as `<code> <message as a JSON string>`.
 */
export async function probeClient(command: readonly string[], options: ClientProbeOptions = {}): Promise<ProbeReport> {
  if (command.length === 0) throw new TypeError("probe: the client probe needs a client command");
  const startedAt = new Date().toISOString();
  const limitMs = options.limitMs ?? 20_000;
  const checks = (options.checks ?? CLIENT_CHECKS).filter((check) => matchesOnly(check.id, options.only));
  const results = await runChecks(checks, async (check) => check.judge(await runAgainst(check, command, limitMs, options.env)), {
    concurrency: options.concurrency ?? 4,
    limitMs: limitMs + 5000,
    ...(options.onResult === undefined ? {} : { onResult: options.onResult }),
  });
  return { side: "client", subject: command.join(" "), startedAt, results };
}

/** Serves one check on a fresh server and runs the client command against it. */
async function runAgainst(
  check: ClientCheck,
  command: readonly string[],
  limitMs: number,
  env: NodeJS.ProcessEnv | undefined,
): Promise<ClientOutcome> {
  let attempts = 0;
  let connections = 0;
  let respondError: Error | undefined;
  const server: Http2Server = createServer();
  const sessions = new Set<ServerHttp2Session>();
  // node:http2 hides a session's socket; the raw sockets, in connection order, let a check drop one.
  const sockets: Socket[] = [];
  server.on("connection", (socket: Socket) => sockets.push(socket));
  server.on("session", (session) => {
    const connection = ++connections;
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    // A client that breaks its connection mid-check is judged by what it prints, not by this error.
    session.on("error", () => {});
    session.on("stream", (stream, headers) => {
      stream.on("error", () => {});
      try {
        check.respond(stream, headers, {
          attempt: ++attempts,
          session,
          connection,
          dropConnection: () => sockets[connection - 1]?.destroy(),
        });
      } catch (error) {
        // A crafted response the probe itself failed to send: the check cannot judge the client.
        respondError ??= error instanceof Error ? error : new Error(String(error));
        stream.close();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const run = await runCommand(
      command.map((arg) => arg.replaceAll(TARGET_PLACEHOLDER, target)),
      { ...process.env, ...env, [TARGET_ENV]: target },
      limitMs,
    );
    const line = run.stdout
      .split("\n")
      .map((text) => text.trim())
      .filter((text) => /^\d+( |$)/.test(text))
      .at(-1);
    let code: number | undefined;
    let message: string | undefined;
    if (line !== undefined) {
      const space = line.indexOf(" ");
      code = Number(space < 0 ? line : line.slice(0, space));
      const rest = space < 0 ? "" : line.slice(space + 1);
      try {
        const parsed: unknown = JSON.parse(rest);
        message = typeof parsed === "string" ? parsed : rest;
      } catch {
        message = rest;
      }
    }
    if (respondError !== undefined)
      throw new Error(`probe: could not send the crafted response: ${respondError.message}`, { cause: respondError });
    return {
      code,
      message,
      exitCode: run.exitCode,
      signal: run.signal,
      timedOut: run.timedOut,
      attempts,
      stderrTail: run.stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300),
    };
  } finally {
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Runs a command (no shell), killing its process group after `limitMs`. */
function runCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  limitMs: number,
): Promise<{ stdout: string; stderr: string; exitCode: number | null; signal: string | null; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4096);
    });
    const kill = (): void => {
      // The group is the one this probe started (detached: the child leads it), wrappers included.
      if (child.pid !== undefined)
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, limitMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ stdout, stderr: `${stderr}${error.message}`, exitCode: null, signal: null, timedOut });
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode, signal, timedOut });
    });
  });
}
