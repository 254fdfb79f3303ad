import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestService, createTestServiceImplementation } from "../../src/interop/index.js";
import { parseProbeArguments, probeTargetOf } from "../../src/cli/probe-command.js";
import { runCli } from "../../src/cli/run-cli.js";
import { UsageError } from "../../src/cli/usage-error.js";
import { Server } from "../../src/index.js";
import { standInClient } from "./stand-in-client.js";

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("cli: tsgrpc probe", function () {
  this.timeout(60_000);

  it("parses the server side with its options", () => {
    const parsed = parseProbeArguments([
      "server",
      "localhost:50051",
      "--format=markdown",
      "--only",
      "timeout/*",
      "--cacert",
      "ca.pem",
      "--authority",
      "foo.test.google.fr",
      "--wait-ms",
      "2000",
    ]);
    expect(parsed).to.include({
      side: "server",
      target: "localhost:50051",
      format: "markdown",
      only: "timeout/*",
      tls: true,
      authority: "foo.test.google.fr",
      waitMs: 2000,
    });
  });

  it("parses the client side: everything after -- is the command", () => {
    const parsed = parseProbeArguments(["client", "--format", "json", "--", "node", "client.js", "--format", "{target}"]);
    expect(parsed.side).to.equal("client");
    expect(parsed.command).to.deep.equal(["node", "client.js", "--format", "{target}"]);
    expect(parsed.format).to.equal("json");
  });

  for (const [args, pattern] of [
    [[], /needs a side/],
    [["server"], /one target/],
    [["server", "a:1", "b:2"], /one target/],
    [["client"], /client command after --/],
    [["client", "node"], /after --/],
    [["client", "--tls", "--", "x"], /belong to probe server/],
    [["server", "a:1", "--format", "xml"], /text, json or markdown/],
    [["server", "a:1", "--wait-ms", "0"], /positive whole number/],
    [["server", "a:1", "--bogus"], /unknown option/],
  ] as const)
    it(`rejects ${JSON.stringify(args)}`, () => expect(() => parseProbeArguments(args)).to.throw(UsageError, pattern));

  it("turns host:port into an http:// or https:// target", () => {
    expect(probeTargetOf(parseProbeArguments(["server", "127.0.0.1:1"])).url).to.equal("http://127.0.0.1:1");
    expect(probeTargetOf(parseProbeArguments(["server", "127.0.0.1:1", "--tls"])).url).to.equal("https://127.0.0.1:1");
    expect(probeTargetOf(parseProbeArguments(["server", "https://h:2"])).url).to.equal("https://h:2");
  });

  it("prints help, and exits 64 on a usage mistake", async () => {
    expect((await run(["probe", "--help"])).stdout).to.contain("tsgrpc probe server <target>");
    const failed = await run(["probe", "server"]);
    expect(failed.code).to.equal(64);
    expect(failed.stderr).to.match(/^tsgrpc probe: /);
    expect((await run(["help"])).stdout).to.contain("probe");
  });

  it("probes a server: exit 0 with no FAIL, the report in the chosen format, to a file with --output", async () => {
    const server = new Server();
    server.add(TestService, createTestServiceImplementation("probe"));
    const bound = await server.listen({ host: "127.0.0.1", port: 0 });
    const dir = mkdtempSync(join(tmpdir(), "tsgrpc-probe-"));
    try {
      const json = await run(["probe", "server", `127.0.0.1:${bound.port}`, "--only", "path/*,status/*", "--format", "json"]);
      expect(json.code, json.stdout).to.equal(0);
      const report = JSON.parse(json.stdout);
      expect(report.counts.FAIL).to.equal(0);
      expect(report.results.every((result: { id: string }) => /^(path|status)\//.test(result.id))).to.equal(true);
      const output = join(dir, "report.md");
      const markdown = await run([
        "probe",
        "server",
        `127.0.0.1:${bound.port}`,
        "--only",
        "path/unknown-*",
        "--format",
        "markdown",
        "--output",
        output,
      ]);
      expect(markdown.code).to.equal(0);
      expect(markdown.stdout).to.equal("");
      expect(readFileSync(output, "utf8")).to.match(/^# tsgrpc probe server/);
      const none = await run(["probe", "server", `127.0.0.1:${bound.port}`, "--only", "no-such/*"]);
      expect(none.code).to.equal(64);
      expect(none.stderr).to.match(/matches no check/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.forceShutdown();
    }
  });

  it("exits 1 when a check fails (a client that always reports OK)", async () => {
    const result = await run([
      "probe",
      "client",
      "--only",
      "http-status/503",
      "--",
      process.execPath,
      "-e",
      standInClient('0 ""'),
      "{target}",
    ]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.match(/^FAIL http-status\/503 \[MUST\]/m);
    expect(result.stdout).to.match(/spec: http-grpc-status-mapping\.md/);
  });
});
