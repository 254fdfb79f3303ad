import { expect } from "chai";
import { countVerdicts, formatReport, matchesOnly, type CheckResult, type ProbeReport } from "../../src/probe/index.js";

const source = { document: "statuscodes.md", section: "Status codes", quote: "Method not found at server | UNIMPLEMENTED | Server" };
const result = (id: string, verdict: CheckResult["verdict"], note?: string): CheckResult => ({
  id,
  title: `title of ${id}`,
  requirement: "MUST",
  source,
  verdict,
  observed: "grpc-status 12 | piped",
  ...(note === undefined ? {} : { note }),
  durationMs: 3,
});
const report: ProbeReport = {
  side: "server",
  subject: "http://127.0.0.1:1",
  startedAt: "2026-01-01T00:00:00.000Z",
  results: [result("a/pass", "PASS"), result("b/fail", "FAIL", "expected 12"), result("c/info", "INFO")],
};

describe("probe reports", () => {
  it("counts verdicts", () => expect(countVerdicts(report)).to.deep.equal({ PASS: 1, FAIL: 1, INFO: 1 }));

  it("text: one block per check, the spec quoted for FAIL and INFO only, then the counts", () => {
    const text = formatReport(report, "text");
    expect(text).to.match(/^tsgrpc probe server http:\/\/127\.0\.0\.1:1\n/);
    expect(text).to.contain(
      "FAIL b/fail [MUST] title of b/fail\n     observed: grpc-status 12 | piped\n     note: expected 12\n     spec: statuscodes.md § Status codes:",
    );
    expect(text.split("spec: ").length - 1).to.equal(2);
    expect(text).to.match(/1 passed, 1 failed, 1 info \(3 checks\)\n$/);
  });

  it("JSON: the report and its counts, parseable", () => {
    const parsed = JSON.parse(formatReport(report, "json"));
    expect(parsed.counts).to.deep.equal({ PASS: 1, FAIL: 1, INFO: 1 });
    expect(parsed.results[1]).to.include({ id: "b/fail", verdict: "FAIL", note: "expected 12" });
  });

  it("Markdown: a table row per check, pipes escaped, the source linked", () => {
    const markdown = formatReport(report, "markdown", "Title");
    expect(markdown).to.match(/^# Title\n/);
    const rows = markdown.split("\n").filter((line) => /^\| (PASS|FAIL|INFO) \|/.test(line));
    expect(rows).to.have.length(3);
    expect(rows[0]).to.contain("grpc-status 12 \\| piped");
    expect(rows[0]).to.contain("(https://github.com/grpc/grpc/blob/master/doc/statuscodes.md)");
    for (const row of rows) expect(row.replaceAll("\\|", "").split("|")).to.have.length(7);
  });

  it("--only: * wildcards, comma-separated patterns, anchored", () => {
    expect(matchesOnly("timeout/long-1H", "timeout/*")).to.equal(true);
    expect(matchesOnly("timeout/long-1H", "path/*,timeout/long-*")).to.equal(true);
    expect(matchesOnly("timeout/long-1H", "long-1H")).to.equal(false);
    expect(matchesOnly("a.b/c", "a?b/*")).to.equal(false);
    expect(matchesOnly("anything", undefined)).to.equal(true);
  });
});
