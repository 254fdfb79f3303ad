// The interop cases through nginx and haproxy: the tsgrpc interop client and a reference client
// (gRPC C-core, through Python grpcio) -> proxy -> two tsgrpc interop servers (in-process).
// One client process per case, a few at once, like test/interop/interop.test.ts.
// Client exit codes: 0 pass, 3 skip (`SKIP <case>: <reason>`), anything else a failure.
import { expect } from "chai";
import { type ChildProcess, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { STANDARD_CASES, TestService, createTestServiceImplementation } from "../../src/interop/index.js";
import { Server } from "../../src/index.js";
import { type ClientRun, limiter, runClient as runClientProcess } from "../interop/client-processes.js";
import { projectRoot } from "../project-root.js";
import { type ProxyKind, type RunningProxy, proxyBinary, startProxy } from "./proxy-process.js";

const ROOT = projectRoot();
/** The compiled tree this file sits in (test/proxy/ is two levels below it). */
const TREE = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = "/usr/bin/python3";
const OFFICIAL_PROTOS = "/usr/share/grpc-proto";
const PYTHON_STUBS = join(ROOT, "interop", ".build", "python");

/**
 * The interop client's standard cases (STANDARD_CASES, the table test/interop runs too) less four.
 * They exercise what a proxy could break: headers and trailers (custom_metadata,
 * status_code_and_message, special_status_message, trailers-only UNIMPLEMENTED), grpc-encoding and
 * the compressed flag, every streaming shape, cancellation (RST_STREAM through the proxy) and
 * grpc-timeout. Left out, because they add time and nothing a proxy sees differently:
 * client_compressed_streaming and server_compressed_streaming (the same grpc-encoding headers and
 * per-message flags as the unary compressed cases, in DATA frames the proxies forward unchanged);
 * rpc_soak and channel_soak (ten large_unary calls on one or ten channels; the long-stream tests in
 * through-proxy.test.ts move far more through each proxy).
 */
export const PROXY_INTEROP_CASES: readonly string[] = STANDARD_CASES.filter(
  (testCase) => !["client_compressed_streaming", "server_compressed_streaming", "rpc_soak", "channel_soak"].includes(testCase),
);

const CASE_TIMEOUT_MS = 60_000;
const CLIENTS_AT_ONCE = 3;

/** A client implementation: how to run one case against host:port. */
interface InteropClient {
  name: string;
  /** Why it cannot run here, or undefined. */
  unavailable(): string | undefined;
  command(port: number, testCase: string): [string, string[], NodeJS.ProcessEnv];
}

const TSGRPC_CLIENT: InteropClient = {
  name: "tsgrpc",
  unavailable: () => (existsSync(join(TREE, "src", "cli", "main.js")) ? undefined : "the tsgrpc CLI is not built"),
  command: (port, testCase) => [
    process.execPath,
    [
      join(TREE, "src", "cli", "main.js"),
      "interop",
      "client",
      "--server_host=127.0.0.1",
      `--server_port=${port}`,
      `--test_case=${testCase}`,
    ],
    process.env,
  ],
};

const PYTHON_CLIENT: InteropClient = {
  name: "c-core (grpcio)",
  unavailable: pythonStubs,
  command: (port, testCase) => [
    PYTHON,
    [
      join(ROOT, "interop", "python", "client.py"),
      "--server_host=127.0.0.1",
      `--server_port=${port}`,
      `--test_case=${testCase}`,
      "--use_tls=false",
    ],
    { ...process.env, NODE_V8_COVERAGE: undefined },
  ],
};

let pythonStubsResult: string | undefined | null = null;

/**
 * Makes sure the Python interop stubs exist (interop/matrix/setup.sh makes them; here only the two
 * protoc runs it does for Python, when grpcio and grpc_tools are installed). Returns why the Python
 * client cannot run, or undefined when it can.
 */
function pythonStubs(): string | undefined {
  if (pythonStubsResult !== null) return pythonStubsResult;
  pythonStubsResult = (() => {
    if (existsSync(join(PYTHON_STUBS, "grpc", "testing", "test_pb2_grpc.py"))) return undefined;
    if (spawnSync(PYTHON, ["-c", "import grpc, grpc_tools"], { stdio: "ignore" }).status !== 0)
      return "python3-grpcio or python3-grpc-tools is not installed (npm run interop installs them)";
    if (!existsSync(join(OFFICIAL_PROTOS, "grpc", "testing", "test.proto")))
      return "grpc-proto is not installed (npm run interop installs it)";
    mkdirSync(PYTHON_STUBS, { recursive: true });
    const protos = ["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto"];
    const messages = spawnSync("protoc", [`-I${OFFICIAL_PROTOS}`, `--python_out=${PYTHON_STUBS}`, ...protos], { encoding: "utf8" });
    if (messages.status !== 0) return `protoc could not generate the Python messages: ${messages.stderr || messages.error}`;
    const stubs = spawnSync(
      PYTHON,
      ["-m", "grpc_tools.protoc", `-I${OFFICIAL_PROTOS}`, `--grpc_python_out=${PYTHON_STUBS}`, "grpc/testing/test.proto"],
      { encoding: "utf8" },
    );
    if (stubs.status !== 0) return `grpc_tools could not generate the Python stubs: ${stubs.stderr || stubs.error}`;
    return undefined;
  })();
  return pythonStubsResult;
}

const liveClients = new Set<ChildProcess>();

function runClient([command, args, env]: [string, string[], NodeJS.ProcessEnv]): Promise<ClientRun> {
  return runClientProcess(command, args, env, { timeoutMs: CASE_TIMEOUT_MS, live: liveClients });
}

/**
 * The one failure that is not tsgrpc's, recognised by its exact text: a call that ends with a status
 * while the client is still sending. The backend (tsgrpc, like grpc-go and C-core servers) sends the
 * trailers-only status and then RST_STREAM(NO_ERROR) (PROTOCOL-HTTP2.md); haproxy 2.6 forwards that
 * reset to the client as RST_STREAM(CANCEL), right behind the status, and C-core (grpcio) often
 * reports the reset instead of the status it had already received (in most runs, one or both of
 * status_code_and_message and special_status_message). The tsgrpc client reports the status every
 * time (through-proxy.test.ts checks it 20 times per proxy). Any other output still fails.
 */
function knownRace(kind: ProxyKind, client: InteropClient, run: ClientRun): string | undefined {
  if (kind !== "haproxy" || client !== PYTHON_CLIENT || run.code === 0) return undefined;
  return /^FAIL (status_code_and_message|special_status_message): CANCELLED \(1\): FullDuplexCall: got CANCELLED 'Received RST_STREAM with error code 8'/m.test(
    run.output,
  )
    ? "haproxy turned the backend's RST_STREAM(NO_ERROR) after the status into CANCEL, and grpcio reported the reset instead of the status (a haproxy + C-core race, see docs/PROXIES.md)"
    : undefined;
}

for (const kind of ["nginx", "haproxy"] as const satisfies readonly ProxyKind[]) {
  describe(`proxy interop: clients -> ${kind} -> 2 tsgrpc interop servers`, function () {
    this.timeout(CASE_TIMEOUT_MS + 10_000);
    const servers: Server[] = [];
    let proxy: RunningProxy | undefined;
    const runs = new Map<string, Promise<ClientRun>>();

    before(async function () {
      if (!proxyBinary(kind)) {
        this.test!.parent!.title += ` [SKIP: ${kind} is not installed; .ci/run installs it]`;
        return this.skip();
      }
      for (let i = 0; i < 2; i++) servers.push(new Server().add(TestService, createTestServiceImplementation(`proxy-backend-${i}`)));
      const ports = await Promise.all(servers.map(async (server) => (await server.listen({ host: "127.0.0.1", port: 0 })).port!));
      proxy = await startProxy(
        kind,
        ports.map((port) => `127.0.0.1:${port}`),
      );
      // Every client process starts now, a few at a time; each case's `it` awaits its own.
      const limited = limiter(CLIENTS_AT_ONCE);
      for (const client of [TSGRPC_CLIENT, PYTHON_CLIENT]) {
        if (client.unavailable()) continue;
        for (const testCase of PROXY_INTEROP_CASES) {
          const run = limited(() => runClient(client.command(proxy!.port, testCase)));
          run.catch(() => undefined); // awaited (and reported) by the case's own it
          runs.set(`${client.name}/${testCase}`, run);
        }
      }
    });

    after(async () => {
      for (const child of liveClients) child.kill("SIGKILL");
      await proxy?.stop();
      await Promise.all(servers.map((server) => server.forceShutdown()));
    });

    for (const client of [TSGRPC_CLIENT, PYTHON_CLIENT])
      for (const testCase of PROXY_INTEROP_CASES)
        it(`${client.name} -> ${kind} -> tsgrpc: ${testCase}`, async function () {
          const unavailable = client.unavailable();
          if (unavailable) {
            this.test!.title += ` [SKIP: ${unavailable}]`;
            return this.skip();
          }
          const run = await runs.get(`${client.name}/${testCase}`)!;
          if (run.code === 3) {
            this.test!.title += ` [${/^SKIP [^\n]*/m.exec(run.output)?.[0] ?? "SKIP (no reason printed)"}]`;
            return this.skip();
          }
          const race = knownRace(kind, client, run);
          if (race) {
            this.test!.title += ` [SKIP: ${race}]`;
            return this.skip();
          }
          expect(run.code, `client output:\n${run.output}\n${kind} log:\n${proxy!.log().slice(-2000)}`).to.equal(0);
        });
  });
}
