// A tool nobody here wrote, `buf curl` (the @bufbuild/buf dev dependency, its own binary), finds a
// tsgrpc server's services through reflection: lists them, lists their methods, calls a method
// with no schema given, over h2c and TLS; and checks health, SERVING, then NOT_SERVING while the
// server shuts down.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, loadService } from "../../src/index.js";
import { addHealth } from "../../src/health/index.js";
import { addReflection } from "../../src/reflection/index.js";
import { Greeter } from "../../examples/helloworld/greeter_pb.js";
import { cert } from "../auth/tls-fixtures.js";
import { projectRoot } from "../project-root.js";

const BUF = join(projectRoot(), "node_modules", ".bin", "buf");
const CA = join(projectRoot(), "test", "auth", "certs", "ca.pem");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs buf with `args`; `onStdout` sees the output as it arrives. Never throws: the test reads code and output. */
function buf(args: string[], cacheDir: string, onStdout?: (soFar: string) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(BUF, args, { env: { ...process.env, BUF_CACHE_DIR: cacheDir, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      onStdout?.(stdout);
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", (error) => resolve({ code: -1, stdout, stderr: stderr + String(error) }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("reflection and health through buf curl", function () {
  this.timeout(60_000);
  let cacheDir: string;

  before(function () {
    if (!existsSync(BUF)) this.skip();
    cacheDir = mkdtempSync(join(tmpdir(), "tsgrpc-buf-"));
  });

  after(() => {
    if (cacheDir !== undefined) rmSync(cacheDir, { recursive: true, force: true });
  });

  async function start(tls: boolean): Promise<{ server: Server; base: string; flags: string[] }> {
    const server = new Server();
    addReflection(server);
    addHealth(server);
    server.add(Greeter, { sayHello: (request) => ({ message: `Hello ${request.name}` }) });
    const { port } = await server.listen(
      { host: "127.0.0.1", port: 0 },
      tls ? { cert: cert("server.pem"), key: cert("server.key") } : undefined,
    );
    return tls
      ? { server, base: `https://127.0.0.1:${port}`, flags: ["--protocol", "grpc", "--cacert", CA] }
      : { server, base: `http://127.0.0.1:${port}`, flags: ["--protocol", "grpc", "--http2-prior-knowledge"] };
  }

  for (const tls of [false, true]) {
    const label = tls ? "TLS" : "h2c";

    it(`${label}: lists the services and their methods, and calls a method by reflection alone`, async () => {
      const { server, base, flags } = await start(tls);
      try {
        const services = await buf(["curl", ...flags, "--list-services", base], cacheDir);
        expect(services.code, services.stderr).to.equal(0);
        expect(services.stdout.trim().split("\n").sort()).to.deep.equal([
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection",
          "helloworld.Greeter",
        ]);
        const methods = await buf(["curl", ...flags, "--list-methods", base], cacheDir);
        expect(methods.code, methods.stderr).to.equal(0);
        expect(methods.stdout.trim().split("\n")).to.include.members([
          "helloworld.Greeter/SayHello",
          "grpc.health.v1.Health/Check",
          "grpc.health.v1.Health/List",
          "grpc.health.v1.Health/Watch",
        ]);
        const call = await buf(["curl", ...flags, "-d", '{"name":"buf"}', `${base}/helloworld.Greeter/SayHello`], cacheDir);
        expect(call.code, call.stderr).to.equal(0);
        expect(JSON.parse(call.stdout)).to.deep.equal({ message: "Hello buf" });
        const alpha = await buf(
          ["curl", ...flags, "--reflect-protocol", "grpc-v1alpha", "-d", '{"name":"alpha"}', `${base}/helloworld.Greeter/SayHello`],
          cacheDir,
        );
        expect(alpha.code, alpha.stderr).to.equal(0);
        expect(JSON.parse(alpha.stdout)).to.deep.equal({ message: "Hello alpha" });
        const check = await buf(["curl", ...flags, `${base}/grpc.health.v1.Health/Check`], cacheDir);
        expect(check.code, check.stderr).to.equal(0);
        expect(JSON.parse(check.stdout)).to.deep.equal({ status: "SERVING" });
      } finally {
        await server.forceShutdown();
      }
    });
  }

  it("describes and calls a service from loadService (descriptors built from the .proto at run time)", async () => {
    const dir = join(projectRoot(), "test/reflection/protos");
    const server = new Server();
    addReflection(server);
    server.add(await loadService(join(dir, "ext.proto"), "ext.v1.Things", { includeDirs: [dir] }), {
      get: (request: { inner?: { depth?: number } }) => ({ name: `depth ${request.inner?.depth ?? 0}` }),
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${port}`;
    const flags = ["--protocol", "grpc", "--http2-prior-knowledge"];
    try {
      const methods = await buf(["curl", ...flags, "--list-methods", base], cacheDir);
      expect(methods.code, methods.stderr).to.equal(0);
      expect(methods.stdout).to.include("ext.v1.Things/Get");
      const call = await buf(
        ["curl", ...flags, "-d", '{"inner":{"depth":3},"at":"2020-01-01T00:00:00Z"}', `${base}/ext.v1.Things/Get`],
        cacheDir,
      );
      expect(call.code, call.stderr).to.equal(0);
      expect(JSON.parse(call.stdout)).to.deep.equal({ name: "depth 3" });
    } finally {
      await server.forceShutdown();
    }
  });

  it("a health Watch through buf curl says SERVING, then NOT_SERVING when the server shuts down", async () => {
    const { server, base, flags } = await start(false);
    let shutdown: Promise<void> | undefined;
    try {
      const watch = await buf(["curl", ...flags, `${base}/grpc.health.v1.Health/Watch`], cacheDir, (soFar) => {
        if (shutdown === undefined && soFar.includes('"SERVING"')) shutdown = server.shutdown();
      });
      expect(watch.code, watch.stderr).to.equal(0);
      const statuses = [...watch.stdout.matchAll(/"status": "([A-Z_]+)"/g)].map((match) => match[1]);
      expect(statuses).to.deep.equal(["SERVING", "NOT_SERVING"]);
      await shutdown;
    } finally {
      await server.forceShutdown();
    }
  });
});
