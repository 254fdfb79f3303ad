/**
 * Interop inside npm test: interop clients run as child processes, one per case, against interop
 * servers started once per pair. Pairs: grpc-js client -> tsgrpc server, tsgrpc client -> grpc-js
 * server, tsgrpc client -> tsgrpc server, all cases in plaintext, a subset over TLS; and grpc-js
 * against itself, so that a broken reference shows up as such.
 *
 * The harness runs the JavaScript compiled next to it (dist/, or a per-developer .build/NAME/),
 * found from import.meta.url, and the bash wrappers once.
 * Client exit codes: 0 pass, 3 skip (`SKIP <case>: <reason>`), anything else a failure.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_CERTS_DIR as CERTS, DEFAULT_PROTO_ROOT, PROJECT_ROOT as ROOT } from "../../interop/grpc-js/load-protos.js";
import { STANDARD_CASES } from "../../src/interop/index.js";
import { canConnect, freePort } from "../loopback-port.js";
import { type ClientRun, limiter, runClient as runClientProcess } from "./client-processes.js";

/** The compiled tree this file sits in (test/interop/ is two levels below it). */
const TREE = fileURLToPath(new URL("../../", import.meta.url));
/** Passed to every client explicitly, so a client's own default cannot point into the wrong tree. */
const PROTO_ROOT = DEFAULT_PROTO_ROOT;

interface Implementation {
  name: string;
  /** The script that starts a server, and the arguments before the flags. */
  server: readonly string[];
  /** The script that runs a client, and the arguments before the flags. */
  client: readonly string[];
  /** Cases this implementation's server cannot serve, with the reason (a limitation of the library). */
  serverLimits: Readonly<Record<string, string>>;
  /**
   * Environment for its processes. Under c8, NODE_V8_COVERAGE reaches child processes: tsgrpc's
   * keep it (their runs count towards src/ coverage); grpc-js's drop it (large, useless dumps).
   */
  env: NodeJS.ProcessEnv;
}

const GRPC_JS_NO_REQUEST_FLAG =
  "grpc-js server cannot tell whether a request arrived compressed (it decompresses before the handler and hides grpc-encoding)";
const GRPC_JS_NO_RESPONSE_COMPRESSION = "grpc-js server cannot compress responses (it always sends the compressed flag 0)";

const GRPC_JS: Implementation = {
  name: "grpc-js",
  server: [join(TREE, "interop", "grpc-js", "server.js")],
  client: [join(TREE, "interop", "grpc-js", "client.js")],
  serverLimits: {
    client_compressed_unary: GRPC_JS_NO_REQUEST_FLAG,
    client_compressed_streaming: GRPC_JS_NO_REQUEST_FLAG,
    server_compressed_unary: GRPC_JS_NO_RESPONSE_COMPRESSION,
    server_compressed_streaming: GRPC_JS_NO_RESPONSE_COMPRESSION,
  },
  env: { ...process.env, NODE_V8_COVERAGE: undefined },
};

const TSGRPC: Implementation = {
  name: "tsgrpc",
  server: [join(TREE, "src", "cli", "main.js"), "interop", "server"],
  client: [join(TREE, "src", "cli", "main.js"), "interop", "client"],
  serverLimits: {},
  env: process.env,
};

/** doc/interop-test-descriptions.md cases the clients implement: the interop client's own table (`--test_case=all`). */
const CASES = STANDARD_CASES;
const TLS_CASES = ["empty_unary", "large_unary", "server_streaming", "ping_pong"];
/** Cases beyond the descriptions (grpc-java's, grpc-go's) that tsgrpc's client and server both run. */
const TSGRPC_EXTRA_CASES = [
  "client_compressed_unary_noprobe",
  "client_compressed_streaming_noprobe",
  "very_large_request",
  "pick_first_unary",
];

/**
 * Soak flags (both clients take them): the per-call latency bound is loosened from the reference
 * 1 s because npm test shares the machine with other work; the soak still makes every call,
 * on one channel (rpc_soak) or a new channel each time (channel_soak).
 */
const SOAK_FLAGS = ["--soak_iterations=10", "--soak_per_iteration_max_acceptable_latency_ms=5000", "--soak_overall_timeout_seconds=60"];

const SERVER_START_TIMEOUT_MS = 15_000;
/** Clients running at once against one server (process start-up dominates a case's time). */
const CLIENT_CONCURRENCY = Math.max(2, Math.min(4, availableParallelism()));
const CASE_TIMEOUT_MS = 60_000;

const SERVER_TLS_FLAGS = ["--use_tls=true", `--tls_cert_file=${join(CERTS, "server.pem")}`, `--tls_key_file=${join(CERTS, "server.key")}`];
const CLIENT_TLS_FLAGS = [
  "--use_tls=true",
  "--use_test_ca=true",
  "--server_host_override=foo.test.google.fr",
  `--ca_file=${join(CERTS, "ca.pem")}`,
];

/** A started server process with its output so far. */
interface RunningServer {
  child: ChildProcess;
  port: number;
  output: () => string;
}

/** Spawns a server and waits (bounded) until its port accepts connections. */
async function startServer(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(command, [...args, `--port=${port}`], { stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stopAt = Date.now() + SERVER_START_TIMEOUT_MS;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before listening:\n${output}`);
    if (Date.now() > stopAt) {
      child.kill("SIGKILL");
      throw new Error(`server did not listen on port ${port} within ${SERVER_START_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, port, output: () => output };
}

/** Stops a server: SIGTERM, then SIGKILL if it is still alive after a second. */
async function stopServer(server: RunningServer | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), 1000);
  await exited;
  clearTimeout(timer);
}

/** Client processes still running, killed when their pair's server stops. */
const liveClients = new Set<ChildProcess>();

/** Runs a client to completion (killed after CASE_TIMEOUT_MS). */
function runClient(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ClientRun> {
  return runClientProcess(command, args, env, { timeoutMs: CASE_TIMEOUT_MS, live: liveClients });
}

/** Turns a client run into the test outcome: pass, skip (title gets the reason) or a failure with the output. */
function judge(context: Mocha.Context, run: ClientRun, server: RunningServer): void {
  if (run.code === 3) {
    const reason = /^SKIP [^\n]*/m.exec(run.output)?.[0] ?? "SKIP (no reason printed)";
    context.test!.title += ` [${reason}]`;
    context.skip();
  }
  expect(run.code, `client output:\n${run.output}\nserver output:\n${server.output().slice(-2000)}`).to.equal(0);
}

function missing(command: readonly string[], implementation: Implementation, role: string): string | undefined {
  const path = command[0]!;
  return existsSync(path) ? undefined : `${implementation.name} interop ${role} not built: ${path} is missing`;
}

function describePair(client: Implementation, server: Implementation, tls: boolean, cases: readonly string[]): void {
  const label = `${client.name} -> ${server.name}${tls ? " (TLS)" : ""}`;
  describe(`interop ${label}`, function () {
    this.timeout(CASE_TIMEOUT_MS + 10_000);
    let running: RunningServer | undefined;
    let setupError: Error | undefined;
    const runs = new Map<string, Promise<ClientRun>>();

    before(async function () {
      this.timeout(SERVER_START_TIMEOUT_MS + 5_000);
      const absent = missing(server.server, server, "server") ?? missing(client.client, client, "client");
      if (absent) return void (setupError = new Error(absent));
      try {
        running = await startServer(process.execPath, [...server.server, ...(tls ? SERVER_TLS_FLAGS : [])], server.env);
      } catch (error) {
        return void (setupError = error as Error);
      }
      const port = running.port;
      const limited = limiter(CLIENT_CONCURRENCY);
      for (const testCase of cases.filter((c) => !server.serverLimits[c])) {
        const args = [
          ...client.client,
          "--server_host=127.0.0.1",
          `--server_port=${port}`,
          `--test_case=${testCase}`,
          `--proto_root=${PROTO_ROOT}`,
          ...(tls ? CLIENT_TLS_FLAGS : []),
          ...(testCase.endsWith("_soak") ? SOAK_FLAGS : []),
        ];
        const run = limited(() => runClient(process.execPath, args, client.env));
        run.catch(() => undefined); // awaited (and reported) by the case's own it
        runs.set(testCase, run);
      }
    });

    after(async () => {
      await stopServer(running);
      for (const child of liveClients) child.kill("SIGKILL");
    });

    for (const testCase of cases) {
      it(`${client.name} -> ${server.name}: ${testCase}`, async function () {
        if (setupError) throw setupError;
        const limit = server.serverLimits[testCase];
        if (limit) {
          this.test!.title += ` [SKIP ${testCase}: ${limit}]`;
          this.skip();
        }
        judge(this, await runs.get(testCase)!, running!);
      });
    }
  });
}

// The reference against itself first: a failure here is in our grpc-js interop code, not in tsgrpc.
describePair(GRPC_JS, GRPC_JS, false, CASES);

for (const tls of [false, true]) {
  const cases = tls ? TLS_CASES : CASES;
  describePair(GRPC_JS, TSGRPC, tls, cases);
  describePair(TSGRPC, GRPC_JS, tls, cases);
  describePair(TSGRPC, TSGRPC, tls, tls ? cases : [...cases, ...TSGRPC_EXTRA_CASES]);
}

describe("interop wrappers (bash, exec node)", function () {
  this.timeout(CASE_TIMEOUT_MS + SERVER_START_TIMEOUT_MS);
  const wrapper = (path: string): string => join(ROOT, "interop", path);
  /** Our wrappers take TSGRPC_DIST, so they run the tree this harness was compiled into. */
  const env = { ...GRPC_JS.env, TSGRPC_DIST: relative(ROOT, TREE) || "." };
  const isDistTree = relative(ROOT, TREE) === "dist";

  async function runPair(serverWrapper: string, clientWrapper: string): Promise<void> {
    const server = await startServer(serverWrapper, [], env);
    try {
      const run = await runClient(
        clientWrapper,
        ["--server_host=127.0.0.1", `--server_port=${server.port}`, "--test_case=empty_unary"],
        env,
      );
      expect(run.code, `client output:\n${run.output}\nserver output:\n${server.output()}`).to.equal(0);
      // run-server execs node, so the PID we signal is the server's own and the port closes.
      await stopServer(server);
      expect(await canConnect(server.port)).to.equal(false);
    } finally {
      await stopServer(server);
    }
  }

  it("grpc-js run-client -> grpc-js run-server: empty_unary", () => runPair(wrapper("grpc-js/run-server"), wrapper("grpc-js/run-client")));

  for (const [client, server] of [
    ["grpc-js/run-client", "run-server"],
    ["run-client", "grpc-js/run-server"],
  ] as const) {
    it(`${client} -> ${server}: empty_unary`, async function () {
      // The tsgrpc wrappers always run dist/; from another tree they would test a different build.
      if (!isDistTree) {
        this.test!.title += ` [SKIP: harness compiled into ${relative(ROOT, TREE)}, the tsgrpc wrappers run dist/]`;
        this.skip();
      }
      for (const path of [wrapper(client), wrapper(server)]) expect(existsSync(path), `${path} is missing`).to.equal(true);
      await runPair(wrapper(server), wrapper(client));
    });
  }
});
