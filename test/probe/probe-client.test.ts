/**
 * The client probe against tsgrpc's own client (the adapter test/probe/adapters/tsgrpc-client.ts:
 * zero FAILs, every check ran) and against deliberately broken clients (FAILs found, a hanging
 * client killed at the bound).
 */
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { CLIENT_CHECKS, countVerdicts, probeClient, type ProbeReport } from "../../src/probe/index.js";
import { standInClient } from "./stand-in-client.js";

const ADAPTER = fileURLToPath(new URL("./adapters/tsgrpc-client.js", import.meta.url));
/** Child processes of the probe need no coverage dumps of their own beyond tsgrpc's. */
const NODE = process.execPath;

function failures(report: ProbeReport): string {
  return report.results
    .filter((result) => result.verdict === "FAIL")
    .map((result) => `${result.id}: ${result.observed} (${result.note ?? ""})`)
    .join("\n");
}

describe("probe client: against tsgrpc's client", function () {
  this.timeout(300_000);
  let report: ProbeReport;

  before(async () => {
    report = await probeClient([NODE, ADAPTER, "{target}"], { limitMs: 60_000 });
  });

  it("runs every check", () => {
    expect(report.results.map((result) => result.id)).to.deep.equal(CLIENT_CHECKS.map((check) => check.id));
  });

  it("has zero FAILs", () => {
    expect(countVerdicts(report).FAIL, failures(report)).to.equal(0);
  });

  it("check ids are unique and of the form area/what", () => {
    const ids = CLIENT_CHECKS.map((check) => check.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) expect(id).to.match(/^[a-z0-9-]+\/[a-z0-9-]+$/);
  });
});

describe("probe client: against broken clients", function () {
  this.timeout(120_000);

  it("finds the FAILs of a client that always reports OK", async () => {
    const report = await probeClient([NODE, "-e", standInClient('0 ""'), "{target}"], {
      only: "http-status/*,rst-stream/cancel,baseline/ok",
    });
    const verdict = (id: string) => report.results.find((result) => result.id === id)?.verdict;
    expect(verdict("baseline/ok")).to.equal("PASS");
    expect(verdict("http-status/503")).to.equal("FAIL");
    expect(verdict("rst-stream/cancel")).to.equal("FAIL");
    expect(verdict("http-status/1xx-informational")).to.equal("PASS");
  });

  it("hands the target in TSGRPC_PROBE_TARGET as well as in {target}", async () => {
    const report = await probeClient([NODE, "-e", standInClient('0 ""')], { only: "baseline/ok" });
    expect(report.results[0]?.verdict, report.results[0]?.observed).to.equal("PASS");
  });

  it("a client that reports a status without calling fails: the status says nothing about the response", async () => {
    const report = await probeClient([NODE, "-e", "console.log('14 \"x\"')"], { only: "http-status/503" });
    expect(report.results[0]?.verdict).to.equal("FAIL");
    expect(report.results[0]?.note).to.match(/never called/);
  });

  it("a client that prints no status line fails, with its stderr in the observation", async () => {
    const report = await probeClient([NODE, "-e", "console.error('boom'); process.exit(3)"], { only: "baseline/ok" });
    expect(report.results[0]?.verdict).to.equal("FAIL");
    expect(report.results[0]?.observed).to.match(/no status line.*exit 3.*boom/);
  });

  it("a client that hangs is killed at the bound", async () => {
    const started = Date.now();
    const report = await probeClient([NODE, "-e", "setInterval(() => {}, 1000)"], { only: "baseline/ok", limitMs: 1000 });
    expect(report.results[0]?.verdict).to.equal("FAIL");
    expect(report.results[0]?.observed).to.match(/killed after the time bound/);
    expect(Date.now() - started).to.be.lessThan(30_000);
  });

  it("a command that cannot start fails every check, naming the error", async () => {
    const report = await probeClient(["./no-such-client-binary"], { only: "baseline/ok" });
    expect(report.results[0]?.verdict).to.equal("FAIL");
    expect(report.results[0]?.observed).to.match(/ENOENT/);
  });

  it("rejects an empty command", async () => {
    let error: unknown;
    await probeClient([]).catch((caught: unknown) => {
      error = caught;
    });
    expect(error).to.be.instanceOf(TypeError);
  });
});
