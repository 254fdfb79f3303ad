import { expect } from "chai";
import { allCases, parseClientLine } from "../../bench/cases.js";

describe("bench cases", () => {
  for (const [line, expected] of [
    ["tsgrpc 12345 calls/s", { rate: 12345 }],
    ["floor 99.5 msgs/s\n", { rate: 99.5 }],
    ["grpc-go 1000 round-trips p50_us 120 p99_us 450", { p50: 120, p99: 450 }],
    ["noise\ngrpc-js 7 calls/s", { rate: 7 }],
  ] as const)
    it(`parses ${JSON.stringify(line)}`, () => expect(parseClientLine(line)).to.deep.equal(expected));
  it("rejects other output", () => expect(() => parseClientLine("Error: boom")).to.throw(/client output/));
  it("has unique ids, and every filter named in issue 6 selects something", () => {
    const ids = allCases(false).map((benchCase) => benchCase.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const filter of ["unary-server", "empty-server", "client", "memory", "pingpong", "sstream", "cstream", "bidi"])
      expect(ids.some((id) => id.includes(filter)), filter).to.equal(true);
  });
});
