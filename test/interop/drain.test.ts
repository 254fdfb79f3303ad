// The interop server drains on SIGTERM (issue 14): calls in flight finish within the grace period,
// the rest end UNAVAILABLE, and the process exits 0.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { TestService } from "../../src/interop/index.js";
import { projectRoot } from "../project-root.js";
import { Channel, type Client, createClient } from "../../src/client/index.js";
import { Code, GrpcError } from "../../src/status/index.js";

interface Running {
  child: ChildProcess;
  port: number;
  exited: Promise<number | null>;
}

/** Spawns interop/run-server on port 0 and waits for "listening on <port>". */
function startRunServer(flags: string[]): Promise<Running> {
  const child = spawn("bash", [join(projectRoot(), "interop", "run-server"), "--port=0", ...flags], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`run-server did not start: ${output}`)), 15_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), exited });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`run-server exited ${code}: ${output}`)));
  });
}

/** Starts a paced StreamingOutputCall; resolves `first` once its first response arrived. */
function pacedCall(
  client: Client<typeof TestService>,
  secondAfterUs: number,
): { first: Promise<void>; result: Promise<number | GrpcError> } {
  let markFirst!: () => void;
  const first = new Promise<void>((resolve) => (markFirst = resolve));
  const result = (async () => {
    let count = 0;
    try {
      for await (const _ of client.streamingOutputCall({
        responseParameters: [{ size: 1 }, { size: 1, intervalUs: secondAfterUs }],
      })) {
        if (++count === 1) markFirst();
      }
      return count;
    } catch (error) {
      markFirst();
      return error as GrpcError;
    }
  })();
  return { first, result };
}

describe("interop server: drains on SIGTERM (issue 14)", function () {
  this.timeout(30_000);
  let running: Running | undefined;
  let channel: Channel | undefined;
  afterEach(() => {
    channel?.close();
    if (running !== undefined && running.child.exitCode === null) running.child.kill("SIGKILL");
    running = channel = undefined;
  });

  async function callsThenSigterm(
    flags: string[],
    secondAfterUs: number,
  ): Promise<{ results: (number | GrpcError)[]; exitCode: number | null }> {
    running = await startRunServer(flags);
    channel = new Channel(`127.0.0.1:${running.port}`);
    const client = createClient(TestService, channel);
    const calls = Array.from({ length: 10 }, () => pacedCall(client, secondAfterUs));
    await Promise.all(calls.map((call) => call.first));
    running.child.kill("SIGTERM");
    const results = await Promise.all(calls.map((call) => call.result));
    return { results, exitCode: await running.exited };
  }

  it("calls in flight finish within the grace period, then the process exits 0", async () => {
    const { results, exitCode } = await callsThenSigterm([], 500_000);
    expect(results).to.deep.equal(Array(10).fill(2));
    expect(exitCode).to.equal(0);
  });

  it("calls still running when the grace period ends fail UNAVAILABLE, then the process exits 0", async () => {
    const { results, exitCode } = await callsThenSigterm(["--grace_ms=100"], 10_000_000);
    for (const result of results) {
      expect(result).to.be.instanceOf(GrpcError);
      expect((result as GrpcError).code, (result as GrpcError).message).to.equal(Code.Unavailable);
      expect((result as GrpcError).statusMessage).to.match(/server: shutting down/);
    }
    expect(exitCode).to.equal(0);
  });
});
