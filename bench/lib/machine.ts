// A description of the machine a benchmark ran on, for RESULTS.md.
import { execFileSync } from "node:child_process";
import os from "node:os";

function versionOf(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .trim()
      .split("\n")[0]!;
  } catch {
    return "not found";
  }
}

/** Label/value pairs: cpu model, cores, memory, OS, node, h2load and go versions, date. */
export function describeMachine(): [string, string][] {
  const cpus = os.cpus();
  return [
    ["CPU", `${cpus[0]?.model ?? "unknown"}`],
    ["cores", String(cpus.length)],
    ["memory", `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ["OS", `${os.type()} ${os.release()} (${os.arch()})`],
    ["node", process.version],
    ["h2load", versionOf("h2load", ["--version"])],
    ["go", versionOf("go", ["version"])],
    ["date", new Date().toISOString()],
  ];
}
