// The CLI against tsgrpc's own reflection (tsgrpc/reflection, v1: no fallback) and health
// (tsgrpc/health) services: list, describe, call, health SERVING, NOT_SERVING during shutdown,
// and a unix socket target.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { RouteGuide } from "../../examples/route-guide/route_guide_pb.js";
import { runCli } from "../../src/cli/run-cli.js";
import { addHealth } from "../../src/health/index.js";
import { Server, type ListenAddress } from "../../src/index.js";
import { addReflection } from "../../src/reflection/index.js";
import { jsonDocuments, tsgrpc } from "./cli-fixtures.js";

async function startServer(address: ListenAddress = { host: "127.0.0.1", port: 0 }): Promise<{ server: Server; port: number | undefined }> {
  const server = new Server({ logger: null, trace: false });
  server.add(RouteGuide, {
    getFeature: async (point) => ({ name: "here", location: point }),
    listFeatures: async function* () {},
    recordRoute: async (points) => {
      let pointCount = 0;
      for await (const _ of points) pointCount++;
      return { pointCount, featureCount: 0, distance: 0, elapsedTime: 0 };
    },
    routeChat: async function* (notes) {
      for await (const note of notes) yield note;
    },
  });
  addReflection(server);
  addHealth(server);
  const { port } = await server.listen(address);
  return { server, port };
}

describe("cli: tsgrpc against tsgrpc/reflection and tsgrpc/health", function () {
  this.timeout(60_000);
  let server: Server;
  let target: string;

  before(async () => {
    const started = await startServer();
    server = started.server;
    target = `127.0.0.1:${started.port}`;
  });
  after(() => server.forceShutdown());

  it("list: every service, reflection and health included", async () => {
    const result = await tsgrpc(["list", target]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.trim().split("\n")).to.include.members([
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
      "routeguide.RouteGuide",
    ]);
  });

  it("describe: a message from generated code's embedded descriptor", async () => {
    const result = await tsgrpc(["describe", target, "routeguide.Point"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal("routeguide.Point is a message:\nmessage Point {\n  int32 latitude = 1;\n  int32 longitude = 2;\n}\n");
  });

  it("call: unary, client streaming and bidi with no --proto", async () => {
    const unary = await tsgrpc(["call", target, "routeguide.RouteGuide/GetFeature", "-d", '{"latitude": 7}']);
    expect(unary.code, unary.stderr).to.equal(0);
    expect(jsonDocuments(unary.stdout)).to.deep.equal([{ name: "here", location: { latitude: 7 } }]);
    const client = await tsgrpc(["call", target, "routeguide.RouteGuide/RecordRoute"], ["{} {}", " {}"]);
    expect(jsonDocuments(client.stdout)).to.deep.equal([{ pointCount: 3 }]);
    const bidi = await tsgrpc(["call", target, "routeguide.RouteGuide/RouteChat", "-d", '{"message": "hi"}']);
    expect(jsonDocuments(bidi.stdout)).to.deep.equal([{ message: "hi" }]);
  });

  it("health: SERVING, exit 0", async () => {
    expect(await tsgrpc(["health", target])).to.deep.equal({ code: 0, stdout: "SERVING\n", stderr: "" });
  });

  it("health --watch hears NOT_SERVING when the server shuts down (exit 75)", async () => {
    const draining = await startServer();
    let stdout = "";
    const watching = runCli(["health", `127.0.0.1:${draining.port}`, "--watch"], {
      stdout: (text) => (stdout += text),
      stderr: () => {},
    });
    for (let i = 0; i < 200 && !stdout.includes("SERVING"); i++) await sleep(25);
    expect(stdout).to.equal("SERVING\n");
    const shutdown = draining.server.shutdown({ graceMs: 2000 });
    const code = await watching;
    await shutdown;
    expect(stdout).to.equal("SERVING\nNOT_SERVING\n");
    expect(code).to.equal(75);
  });

  it("a unix socket target", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsgrpc-cli-unix-"));
    const path = join(dir, "server.sock");
    const unix = await startServer({ path });
    try {
      expect(await tsgrpc(["health", `unix:${path}`])).to.include({ code: 0, stdout: "SERVING\n" });
      const result = await tsgrpc(["call", `unix:${path}`, "routeguide.RouteGuide/GetFeature", "-d", "{}"]);
      expect(result.code, result.stderr).to.equal(0);
    } finally {
      unix.server.forceShutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
