import { expect } from "chai";
import http2 from "node:http2";
import { fileURLToPath } from "node:url";
import { holdConnections, holdStreams } from "../../../bench/lib/memory-load.js";
import { probeServer } from "../../../bench/lib/probe.js";
import { cpuMicrosOf, runCommand, sampleMemory, startServer, stopServer, type ServerProcess } from "../../../bench/lib/processes.js";

// The three node servers of the benchmark must answer every call it uses correctly, and speak the
// harness's process protocol (listening line, memory on request).
describe("bench servers (floor, grpc-js, tsgrpc)", function () {
  this.timeout(30_000);
  const servers: ServerProcess[] = [];
  before(async () => {
    for (const name of ["floor", "grpc-js", "tsgrpc"]) {
      const file = fileURLToPath(new URL(`../../../bench/${name}/server.js`, import.meta.url));
      servers.push(await startServer(name, [process.execPath, "--expose-gc", file, "--port=0"], true));
    }
  });
  after(() => Promise.all(servers.map(stopServer)));

  for (const [index, name] of ["floor", "grpc-js", "tsgrpc"].entries()) {
    it(`${name} answers every benchmark call with status 0 and the right message count`, async () =>
      expect(await probeServer(servers[index]!.port)).to.deep.equal([]));

    it(`${name} reports its memory and holds connections and streams`, async () => {
      const server = servers[index]!;
      const before = await sampleMemory(server);
      expect(before.rssBytes).to.be.greaterThan(1 << 20);
      expect(before.heapBytes).to.be.greaterThan(0);
      const held = await holdConnections(server.port, 3);
      const streams = await holdStreams(held.sessions, 5);
      expect(held.sessions.every((session) => !session.closed)).to.equal(true);
      await streams.release();
      await held.release();
      expect(held.sessions.every((session) => session.destroyed)).to.equal(true);
    });
  }

  it("floor-min answers EmptyCall and UnaryCall with status 0 and one message, and nothing else", async () => {
    const file = fileURLToPath(new URL("../../../bench/floor-min/server.js", import.meta.url));
    const floorMin = await startServer("floor-min", [process.execPath, file, "--port=0"], true);
    try {
      expect(await probeServer(floorMin.port, ["EmptyCall", "UnaryCall"])).to.deep.equal([]);
      const all = await probeServer(floorMin.port);
      expect(all).to.have.length(3);
      for (const problem of all) expect(problem).to.match(/grpc-status 12, 0 messages/);
    } finally {
      await stopServer(floorMin);
    }
  });

  it("reads a process's CPU time, growing as it works", () => {
    const before = cpuMicrosOf(process.pid);
    for (let spin = Date.now(); Date.now() - spin < 50; );
    expect(cpuMicrosOf(process.pid)).to.be.greaterThan(before);
  });

  it("runCommand returns stdout and rejects with the exit code and stderr", async () => {
    expect(await runCommand(["echo", "it's"], 5000)).to.equal("it's\n");
    try {
      await runCommand(["bash", "-c", "echo oops >&2; exit 3"], 5000);
      expect.fail("runCommand should have rejected");
    } catch (error) {
      expect((error as Error).message).to.match(/failed \(3\): oops/);
    }
  });

  it("a probe of a port where nothing listens reports the failure", async () => {
    const closed = http2.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const problems = await probeServer(port);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^probe failed/);
  });
});
