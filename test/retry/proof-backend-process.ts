// The parent's side of one scale-out proof backend: forks proof-backend.js, learns its port, and
// talks to it over IPC (report, graceful shutdown) or SIGKILLs it.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BackendCommand, BackendReport } from "./proof-service.js";

/** One backend child process of the scale-out proof and its IPC channel. */
export class ProofBackendProcess {
  /** The name the backend puts in every answer. */
  readonly name: string;
  /** The forked process. */
  readonly child: ChildProcess;
  /** The 127.0.0.1 port it serves on (0 until it reported ready). */
  port = 0;
  private readonly waiting = new Map<string, (report: BackendReport) => void>();

  private constructor(name: string) {
    this.name = name;
    const script = fileURLToPath(new URL("./proof-backend.js", import.meta.url));
    this.child = fork(script, [name], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    this.child.on("message", (report: BackendReport) => {
      const wake = this.waiting.get(report.type);
      this.waiting.delete(report.type);
      wake?.(report);
    });
  }

  /** Forks the backend `name` and resolves once it listens. */
  static async start(name: string): Promise<ProofBackendProcess> {
    const backend = new ProofBackendProcess(name);
    const ready = await backend.next("ready");
    backend.port = (ready as { port: number }).port;
    return backend;
  }

  /** The next report of `type` (rejects if the process exits first). */
  next(type: BackendReport["type"]): Promise<BackendReport> {
    return new Promise((resolve, reject) => {
      this.waiting.set(type, resolve);
      this.child.once("exit", () => reject(new Error(`backend ${this.name} exited while waiting for ${type}`)));
    });
  }

  /** Sends `command` and resolves with the report of type `reply`. */
  ask(command: BackendCommand, reply: BackendReport["type"]): Promise<BackendReport> {
    const answer = this.next(reply);
    this.child.send(command);
    return answer;
  }

  /** SIGKILLs the process unless it already ended. */
  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
