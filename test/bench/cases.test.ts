import { expect } from "chai";
import { allCases, parseClientLine } from "../../bench/cases.js";

describe("bench cases", () => {
  for (const [line, expected] of [
    ["tsgrpc 12345 calls/s", { rate: 12345 }],
    ["floor 99.5 msgs/s\n", { rate: 99.5 }],
    ["grpc-go 1000 round-trips p50_us 120 p99_us 450", { p50: 120, p99: 450 }],
    ["noise\ngrpc-js 7 calls/s", { rate: 7 }],
    ["tsgrpc 100 msgs/s cpu_us 12.5", { rate: 100, cpu: 12.5 }],
  ] as const)
    it(`parses ${JSON.stringify(line)}`, () => expect(parseClientLine(line)).to.deep.equal(expected));
  it("rejects other output", () => expect(() => parseClientLine("Error: boom")).to.throw(/client output/));
  it("pairs every call or message rate with a CPU figure, but not MB/s or latency", () => {
    for (const benchCase of allCases(false)) {
      const units = benchCase.metrics.map((metric) => metric.unit);
      const hasCpu = benchCase.metrics.some((metric) => metric.key === "cpu");
      expect(hasCpu, benchCase.id).to.equal(units.includes("calls/s") || units.includes("msgs/s"));
    }
  });
  it("runs floor-min in the unary server cases only, with issue 10's CPU target", () => {
    for (const benchCase of allCases(false)) {
      const unary = benchCase.id === "empty-server" || benchCase.id === "unary-server";
      expect(benchCase.implementations.includes("floor-min"), benchCase.id).to.equal(unary);
      const cpu = benchCase.metrics.find((metric) => metric.key === "cpu");
      expect(cpu?.targetVsFloorMin, benchCase.id).to.equal(unary ? 0.95 : undefined);
    }
  });
  it("has unique ids, and every filter named in issue 6 selects something", () => {
    const ids = allCases(false).map((benchCase) => benchCase.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const filter of ["unary-server", "empty-server", "client", "memory", "pingpong", "sstream", "cstream", "bidi"])
      expect(
        ids.some((id) => id.includes(filter)),
        filter,
      ).to.equal(true);
  });
});
