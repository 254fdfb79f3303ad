// Starts nginx or haproxy in the foreground on a free loopback port, in front of the given backends,
// with every file it writes inside a temporary directory; stops it by its PID.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canConnect, freePort } from "../loopback-port.js";
import { projectRoot } from "../project-root.js";
import { haproxyConfig } from "./haproxy-config.js";
import { nginxConfig } from "./nginx-config.js";

/** The test certificates (interop/certs): server.pem is valid for localhost and 127.0.0.1, signed by ca.pem. */
export const CERTS = join(projectRoot(), "interop", "certs");

/** The proxies the tests run. */
export type ProxyKind = "nginx" | "haproxy";

/** The absolute path of a proxy's binary, or undefined when it is not installed. */
export function proxyBinary(kind: ProxyKind): string | undefined {
  for (const dir of ["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin", ...(process.env.PATH ?? "").split(":")]) {
    const path = join(dir, kind);
    if (dir && spawnSync(path, ["-v"], { stdio: "ignore" }).status === 0) return path;
  }
  return undefined;
}

/** A running proxy. */
export interface RunningProxy {
  kind: ProxyKind;
  /** The loopback port it listens on (h2c). */
  port: number;
  /** The config file it runs with. */
  config: string;
  /** Its output and (nginx) error log so far, for failure messages. */
  log(): string;
  /** SIGTERM to its PID, SIGKILL after 3 s; removes the temporary directory. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

/** How to start a proxy. */
export interface ProxyOptions {
  /** Changes the rendered config first (the quirk tests use it to put a default back). */
  edit?: (config: string) => string;
  /** Terminate TLS at the proxy with interop/certs/server.pem and server.key (localhost, 127.0.0.1). */
  tls?: boolean;
}

/** Starts `kind` on a free 127.0.0.1 port in front of `backends` (`host:port` each) and waits until it accepts connections. */
export async function startProxy(kind: ProxyKind, backends: readonly string[], options: ProxyOptions = {}): Promise<RunningProxy> {
  const binary = proxyBinary(kind);
  if (!binary) throw new Error(`${kind} is not installed`);
  const dir = mkdtempSync(join(tmpdir(), `tsgrpc-${kind}-`));
  // Run as root, nginx's worker drops to "nobody", which must reach the directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const config = join(dir, kind === "nginx" ? "nginx.conf" : "haproxy.cfg");
  const edit = options.edit ?? ((text: string) => text);
  let rendered: string;
  if (kind === "nginx") {
    const tls = options.tls ? { certificate: join(CERTS, "server.pem"), key: join(CERTS, "server.key") } : undefined;
    rendered = nginxConfig({ listen, backends, runtimeDir: dir, ...(tls ? { tls } : {}) });
  } else {
    let tls: { pem: string } | undefined;
    if (options.tls) {
      // haproxy reads the chain and the key from one file.
      tls = { pem: join(dir, "server.pem") };
      writeFileSync(tls.pem, readFileSync(join(CERTS, "server.pem"), "utf8") + readFileSync(join(CERTS, "server.key"), "utf8"));
    }
    rendered = haproxyConfig({ listen, backends, ...(tls ? { tls } : {}) });
  }
  writeFileSync(config, edit(rendered));
  const args = kind === "nginx" ? ["-p", dir, "-e", join(dir, "error.log"), "-c", config, "-g", "daemon off;"] : ["-f", config, "-db"];
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const log = (): string => {
    let errors = "";
    try {
      errors = kind === "nginx" ? readFileSync(join(dir, "error.log"), "utf8") : "";
    } catch {
      // No error log yet.
    }
    return `${output}${errors}`;
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const stopAt = Date.now() + START_TIMEOUT_MS;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > stopAt) {
      const text = log();
      await stop();
      throw new Error(`${kind} did not start listening on ${listen} within ${START_TIMEOUT_MS} ms:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { kind, port, config, log, stop };
}
