import { expect } from "chai";
import { advantage, advantageRange, chartRows, formatTable, markdownTable, targetMet, type ResultRow } from "../../../bench/lib/report.js";

function row(overrides: Partial<ResultRow>): ResultRow {
  return { caseId: "x", label: "x", unit: "calls/s", lowerIsBetter: false, medians: {}, rounds: {}, errors: {}, ...overrides };
}

describe("bench report", () => {
  it("rates: advantage is tsgrpc / other", () => expect(advantage(row({ medians: { tsgrpc: 90, floor: 100 } }), "floor")).to.equal(0.9));
  it("latency and memory: advantage is other / tsgrpc", () =>
    expect(advantage(row({ lowerIsBetter: true, medians: { tsgrpc: 50, "grpc-js": 100 } }), "grpc-js")).to.equal(2));
  it("no advantage without both values or with a non-positive one", () => {
    expect(advantage(row({ medians: { tsgrpc: 1 } }), "floor")).to.equal(undefined);
    expect(advantage(row({ medians: { tsgrpc: 1, floor: 0 } }), "floor")).to.equal(undefined);
  });
  for (const [tsgrpc, met] of [
    [95, true],
    [89, false],
  ] as const)
    it(`target 0.9 of the floor and 1.6 of grpc-js with tsgrpc at ${tsgrpc}: ${met}`, () =>
      expect(targetMet(row({ targetVsFloor: 0.9, targetVsGrpcJs: 1.6, medians: { tsgrpc, floor: 100, "grpc-js": 50 } }))).to.equal(met));
  it("a target with a missing value is unknown; no target is undefined", () => {
    expect(targetMet(row({ targetVsGrpcJs: 2, medians: { tsgrpc: 1 } }))).to.equal(undefined);
    expect(targetMet(row({ medians: { tsgrpc: 1, "grpc-js": 1 } }))).to.equal(undefined);
  });
  it("tables show values, ratios, targets and errors", () => {
    const rows = [
      row({ label: "server EmptyCall", targetVsFloor: 0.9, medians: { tsgrpc: 9000, floor: 10000 }, errors: { "grpc-go": "boom" } }),
    ];
    const text = formatTable(rows);
    expect(text).to.match(/server EmptyCall\s+calls\/s\s+10,000\s+-\s+9,000\s+error\s+0\.90\s+-\s+>=0\.90 floor\s+yes/);
    expect(markdownTable(rows)).to.include("| server EmptyCall | calls/s | 10,000 | - | 9,000 | error | 0.90 | - | >=0.90 floor | yes |");
  });
  it("floor-min gets its own column and ratio only when a row measured it, with its target", () => {
    const rows = [
      row({ label: "cpu", unit: "us", lowerIsBetter: true, targetVsFloorMin: 0.95, medians: { "floor-min": 19, floor: 40, tsgrpc: 20 } }),
      row({ label: "other", medians: { tsgrpc: 1, floor: 2 } }),
    ];
    expect(advantage(rows[0]!, "floor-min")).to.equal(0.95);
    expect(targetMet(rows[0]!)).to.equal(true);
    expect(targetMet({ ...rows[0]!, medians: { "floor-min": 18, tsgrpc: 20 } })).to.equal(false);
    const markdown = markdownTable(rows);
    expect(markdown).to.include(
      "| figure | unit | floor-min | floor | grpc-js | tsgrpc | grpc-go | tsgrpc vs floor-min | tsgrpc vs floor |",
    );
    expect(markdown).to.include("| cpu (lower is better) | us | 19.0 | 40.0 | - | 20.0 | - | 0.95 | 2.00 | - | >=0.95 floor-min | yes |");
    expect(markdown).to.include("| other | calls/s | - | 2.00 | - | 1.00 | - | - | 0.50 |");
    expect(formatTable(rows.slice(1))).not.to.include("floor-min");
  });
  it("chart rows keep figures with a ratio and mark lower-is-better ones", () => {
    const rows = [row({ label: "a", lowerIsBetter: true, medians: { tsgrpc: 1, floor: 2 } }), row({ label: "b", medians: { tsgrpc: 1 } })];
    expect(chartRows(rows)).to.deep.equal([
      { label: "a *", vsFloor: 2, vsGrpcJs: undefined, targetVsFloor: undefined, targetVsGrpcJs: undefined },
    ]);
  });
  it("an A/B baseline gets its column, the median ratio and the per-round range, rounds paired in order", () => {
    const rows = [
      row({ label: "ab", medians: { tsgrpc: 100, baseline: 100 }, rounds: { tsgrpc: [90, 100, 110], baseline: [100, 100, 100] } }),
    ];
    expect(advantageRange(rows[0]!, "baseline")).to.deep.equal([0.9, 1.1]);
    expect(markdownTable(rows)).to.include("| tsgrpc | baseline | grpc-go | tsgrpc vs baseline | per round |");
    expect(markdownTable(rows)).to.include("| ab | calls/s | - | - | 100 | 100 | - | 1.00 | 0.90-1.10 |");
    expect(advantageRange(row({ rounds: { tsgrpc: [1, 2], baseline: [1] } }), "baseline")).to.equal(undefined);
    expect(markdownTable([row({ medians: { tsgrpc: 1 } })])).not.to.include("baseline");
  });
});
