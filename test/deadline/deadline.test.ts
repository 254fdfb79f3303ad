import { expect } from "chai";
import { MAX_TIMER_MS, deadlineFromTimeout, earliest, remainingMs } from "../../src/deadline/deadline.js";

describe("deadline", () => {
  it("MAX_TIMER_MS is 2^31-1", () => expect(MAX_TIMER_MS).to.equal(2 ** 31 - 1));

  describe("deadlineFromTimeout", () => {
    const cases: [number, number, number][] = [
      [100, 1_000, 1_100],
      [0, 1_000, 1_000],
      [-50, 1_000, 950],
      [0.5, 1_000, 1_000.5],
      [Infinity, 1_000, Infinity],
    ];
    for (const [timeoutMs, now, deadline] of cases)
      it(`${timeoutMs} ms after ${now} is ${deadline}`, () => expect(deadlineFromTimeout(timeoutMs, now)).to.equal(deadline));
    it("defaults to now", () => {
      const before = Date.now();
      const deadline = deadlineFromTimeout(1_000);
      expect(deadline).to.be.within(before + 1_000, Date.now() + 1_000);
    });
    it("rejects NaN with a RangeError", () => expect(() => deadlineFromTimeout(NaN)).to.throw(RangeError));
  });

  describe("remainingMs", () => {
    const cases: [number, number, number][] = [
      [1_100, 1_000, 100],
      [1_000, 1_000, 0],
      [900, 1_000, 0],
      [Infinity, 1_000, Infinity],
    ];
    for (const [deadline, now, left] of cases)
      it(`${deadline} at ${now} leaves ${left} ms`, () => expect(remainingMs(deadline, now)).to.equal(left));
    it("defaults to now", () => expect(remainingMs(Date.now() + 10_000)).to.be.within(9_000, 10_000));
  });

  describe("earliest", () => {
    const cases: [(number | undefined)[], number | undefined][] = [
      [[], undefined],
      [[undefined], undefined],
      [[undefined, undefined], undefined],
      [[5], 5],
      [[undefined, 5, 3], 3],
      [[3, undefined, 5], 3],
      [[Infinity, undefined], Infinity],
      [[Infinity, 7], 7],
      [[NaN, 7], 7],
      [[-1, 0], -1],
    ];
    for (const [deadlines, result] of cases)
      it(`earliest(${deadlines.map(String).join(", ")}) is ${result}`, () => expect(earliest(...deadlines)).to.equal(result));
  });
});
