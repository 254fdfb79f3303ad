// The CLI against another stack's server: grpc-go 1.33 (Debian golang-google-grpc-dev, GOPATH
// mode, offline) with reflection (v1alpha only: the CLI falls back from v1) and health.
// test/cli/go-server/main.go is built once into a temp dir; skipped only when go is missing.
import { expect } from "chai";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code } from "../../src/index.js";
import { projectRoot } from "../project-root.js";
import { jsonDocuments, tsgrpc } from "./cli-fixtures.js";

const GO_GRPC = "/usr/share/gocode/src/google.golang.org/grpc";

describe("cli: tsgrpc against a grpc-go server (reflection v1alpha, health)", function () {
  this.timeout(60_000);
  let dir: string | undefined;
  let child: ChildProcess | undefined;
  let target = "";

  before(async function () {
    this.timeout(300_000);
    if (spawnSync("go", ["version"]).status !== 0 || !existsSync(GO_GRPC)) this.skip();
    dir = mkdtempSync(join(tmpdir(), "tsgrpc-cli-go-"));
    const cache = join(tmpdir(), "tsgrpc-cli-go-cache");
    mkdirSync(cache, { recursive: true });
    const binary = join(dir, "server");
    const build = spawnSync("go", ["build", "-o", binary, "."], {
      cwd: join(projectRoot(), "test/cli/go-server"),
      env: { ...process.env, GO111MODULE: "off", GOPATH: "/usr/share/gocode", GOPROXY: "off", GOFLAGS: "", GOCACHE: cache },
      encoding: "utf8",
    });
    if (build.status !== 0) throw new Error(`go build failed: ${build.stderr}`);
    const server = spawn(binary, ["--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    child = server;
    target = await new Promise<string>((resolve, reject) => {
      let out = "";
      server.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (\d+)/.exec(out);
        if (match !== null) resolve(`127.0.0.1:${match[1]}`);
      });
      server.on("exit", (code) => reject(new Error(`the go server exited with ${code}`)));
    });
  });

  after(() => {
    if (child?.pid !== undefined && child.exitCode === null) child.kill();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("list: its services (through the v1alpha fallback)", async () => {
    const result = await tsgrpc(["list", target]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal("grpc.health.v1.Health\ngrpc.reflection.v1alpha.ServerReflection\ngrpc.testing.SearchService\n");
    const methods = await tsgrpc(["list", target, "grpc.testing.SearchService"]);
    expect(methods.stdout).to.equal("grpc.testing.SearchService.Search\ngrpc.testing.SearchService.StreamingSearch\n");
  });

  it("describe: a service, a method, a nested message", async () => {
    const service = await tsgrpc(["describe", target, "grpc.testing.SearchService"]);
    expect(service.code, service.stderr).to.equal(0);
    expect(service.stdout).to.include(
      "rpc StreamingSearch ( stream .grpc.testing.SearchRequest ) returns ( stream .grpc.testing.SearchResponse );",
    );
    const method = await tsgrpc(["describe", target, "grpc.testing.SearchService.Search"]);
    expect(method.stdout).to.equal(
      "grpc.testing.SearchService.Search is a method:\nrpc Search ( .grpc.testing.SearchRequest ) returns ( .grpc.testing.SearchResponse );\n",
    );
    const nested = await tsgrpc(["describe", target, "grpc.testing.SearchResponse.Result"]);
    expect(nested.stdout).to.equal(
      "grpc.testing.SearchResponse.Result is a message:\nmessage Result {\n  string url = 1;\n  string title = 2;\n  repeated string snippets = 3;\n}\n",
    );
  });

  it("call: unary and bidi, JSON in and out", async () => {
    const unary = await tsgrpc(["call", target, "grpc.testing.SearchService/Search", "-d", '{"query": "ada"}']);
    expect(unary.code, unary.stderr).to.equal(0);
    expect(jsonDocuments(unary.stdout)).to.deep.equal([{ results: [{ url: "https://example.test/ada", title: "ada" }] }]);
    const bidi = await tsgrpc(["call", target, "grpc.testing.SearchService/StreamingSearch"], ['{"query":"a"}\n', '{"query":"b"}\n']);
    expect(bidi.code, bidi.stderr).to.equal(0);
    expect(jsonDocuments(bidi.stdout).map((response) => (response as { results: { title: string }[] }).results[0]!.title)).to.deep.equal([
      "a",
      "b",
    ]);
  });

  it("call: the server's error status is the exit code", async () => {
    const result = await tsgrpc(["call", target, "grpc.testing.SearchService/Search", "-d", '{"query": "missing"}']);
    expect(result.code).to.equal(Code.NotFound);
    expect(result.stderr).to.equal("NOT_FOUND: go: nothing matches missing\n");
  });

  it("call: an unknown method names the service's methods", async () => {
    const result = await tsgrpc(["call", target, "grpc.testing.SearchService/Find"]);
    expect(result.code).to.equal(67);
    expect(result.stderr).to.equal("tsgrpc call: grpc.testing.SearchService has no method Find (it has: Search, StreamingSearch)\n");
  });

  it("health: SERVING (0), NOT_SERVING (75), an unknown service NOT_FOUND (5)", async () => {
    expect(await tsgrpc(["health", target])).to.deep.equal({ code: 0, stdout: "SERVING\n", stderr: "" });
    expect(await tsgrpc(["health", target, "grpc.testing.SearchService"])).to.include({ code: 0, stdout: "SERVING\n" });
    expect(await tsgrpc(["health", target, "grpc.testing.Down"])).to.include({ code: 75, stdout: "NOT_SERVING\n" });
    const unknown = await tsgrpc(["health", target, "nope"]);
    expect(unknown.code).to.equal(Code.NotFound);
    expect(unknown.stderr).to.equal("NOT_FOUND: unknown service\n");
  });
});
