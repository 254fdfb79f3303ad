import { expect } from "chai";
import { median, quantile } from "../../../bench/lib/stats.js";

describe("bench stats", () => {
  for (const [values, expected] of [
    [[3], 3],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5, 5, 1], 5],
  ] as const)
    it(`median(${values.join(",")}) = ${expected}`, () => expect(median(values)).to.equal(expected));
  it("median of nothing is a RangeError", () => expect(() => median([])).to.throw(RangeError));
  const sorted = Array.from({ length: 101 }, (_, i) => i);
  for (const [q, expected] of [
    [0, 0],
    [0.5, 50],
    [0.99, 99],
    [1, 100],
  ] as const)
    it(`quantile ${q} of 0..100 = ${expected}`, () => expect(quantile(sorted, q)).to.equal(expected));
  it("quantile of nothing is a RangeError", () => expect(() => quantile([], 0.5)).to.throw(RangeError));
});
