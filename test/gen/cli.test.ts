// The tsgrpc bin: `tsgrpc gen` writes modules, and bad input is one line on stderr with a non-zero exit code.
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/run-cli.js";
import { projectRoot } from "../project-root.js";
import { generateGolden, PROTO_DIR } from "./golden-protos.js";

const BIN = join(projectRoot(), "dist/src/cli/main.js");

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  // gen and help answer at once; only network commands (trace) return a promise.
  if (typeof code !== "number") throw new Error(`tsgrpc ${args[0]} returned a promise`);
  return { code, stdout, stderr };
}

describe("cli: tsgrpc", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tsgrpc-cli-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("gen writes DIR/a/b/c_pb.ts for a/b/c.proto, as the generator produces it", () => {
    const result = run(["gen", "--out", dir, "-I", PROTO_DIR, join(PROTO_DIR, "demo/v1/shapes.proto"), join(PROTO_DIR, "nopkg.proto")]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include("shapes_pb.ts");
    const written = readFileSync(join(dir, "demo/v1/shapes_pb.ts"), "utf8");
    expect(written).to.include('from "tsgrpc"');
    expect(written).to.include('import * as $wkt from "tsgrpc/wkt"');
    expect(existsSync(join(dir, "nopkg_pb.ts"))).to.equal(true);
  });

  it("gen --runtime-import with a relative path adjusts it per file depth", () => {
    const result = run([
      "gen",
      `--out=${dir}`,
      `-I${PROTO_DIR}`,
      "--runtime-import",
      "../../../src/index.js",
      join(PROTO_DIR, "demo/v1/shapes.proto"),
    ]);
    expect(result.code, result.stderr).to.equal(0);
    const golden = generateGolden().find((file) => file.path === "demo/v1/shapes_pb.ts");
    expect(readFileSync(join(dir, "demo/v1/shapes_pb.ts"), "utf8")).to.equal(golden?.content);
  });

  it("the default output directory is gen, and the default include directory is the current one", () => {
    writeFileSync(join(dir, "hello.proto"), 'syntax = "proto3";\nmessage Hello { string name = 1; }\n');
    const child = spawnSync(process.execPath, [BIN, "gen", "hello.proto"], { cwd: dir, encoding: "utf8" });
    expect(child.status, child.stderr).to.equal(0);
    expect(readFileSync(join(dir, "gen/hello_pb.ts"), "utf8")).to.include("export interface Hello {");
  });

  for (const [name, args, code, pattern] of [
    ["no command", [], 64, /Usage: tsgrpc <command>/],
    ["an unknown command", ["frobnicate"], 64, /unknown command "frobnicate"/],
    ["gen with no files", ["gen"], 64, /no \.proto files given/],
    ["an unknown flag", ["gen", "--bogus", "x.proto"], 64, /unknown option --bogus/],
    ["a flag missing its value", ["gen", "x.proto", "--out"], 64, /--out needs a value/],
    ["a missing file", ["gen", "missing.proto"], 66, /missing\.proto: no such file/],
    ["a missing include directory", ["gen", "-I", "no-such-include-dir", "x.proto"], 66, /no such directory/],
  ] as const) {
    it(`${name}: exit ${code}, one line on stderr`, () => {
      const result = run([...args]);
      expect(result.code).to.equal(code);
      expect(result.stderr).to.match(pattern);
      expect(result.stderr).not.to.match(/\n\s+at /);
    });
  }

  it("a parse error names file:line", () => {
    writeFileSync(join(dir, "bad.proto"), 'syntax = "proto3";\nmessage A {\n  int32 x = 1\n}\n');
    const result = run(["gen", "-I", dir, "--out", dir, join(dir, "bad.proto")]);
    expect(result.code).to.equal(65);
    expect(result.stderr).to.match(/^tsgrpc gen: bad\.proto:4: /);
  });

  it("an unresolvable import names the importing file and the import", () => {
    writeFileSync(join(dir, "a.proto"), 'syntax = "proto3";\nimport "nowhere/b.proto";\n');
    const result = run(["gen", "-I", dir, "--out", dir, join(dir, "a.proto")]);
    expect(result.code).to.equal(65);
    expect(result.stderr).to.match(/a\.proto: import "nowhere\/b\.proto" not found/);
  });

  it("an unknown type is a clear error", () => {
    writeFileSync(join(dir, "a.proto"), 'syntax = "proto3";\nmessage A { Missing m = 1; }\n');
    const result = run(["gen", "-I", dir, "--out", dir, join(dir, "a.proto")]);
    expect(result.code).to.equal(65);
    expect(result.stderr).to.match(/Missing/);
  });

  it("a file outside every include directory is an error", () => {
    writeFileSync(join(dir, "a.proto"), 'syntax = "proto3";\n');
    const result = run(["gen", "-I", PROTO_DIR, join(dir, "a.proto")]);
    expect(result.code).to.equal(65);
    expect(result.stderr).to.match(/not under any include directory/);
  });

  it("help and gen --help print usage with exit 0", () => {
    expect(run(["help"])).to.include({ code: 0 });
    expect(run(["gen", "--help"]).stdout).to.match(/Usage: tsgrpc gen/);
  });

  it("the bin runs as a process: exit code and stderr", () => {
    const child = spawnSync(process.execPath, [BIN, "gen", "--nope"], { encoding: "utf8" });
    expect(child.status).to.equal(64);
    expect(child.stderr.trim().split("\n")).to.have.length(1);
    expect(execFileSync(process.execPath, [BIN, "help"], { encoding: "utf8" })).to.match(/Commands:/);
  });
});
