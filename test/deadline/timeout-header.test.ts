import { expect } from "chai";
import fc from "fast-check";
import { formatTimeout, parseTimeout } from "../../src/deadline/timeout-header.js";
import { Code } from "../../src/status/code.js";
import { GrpcError } from "../../src/status/grpc-error.js";

const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 0.001, n: 0.000_001 };
const MAX_MS = 99_999_999 * 3_600_000;

describe("checklist 2: grpc-timeout", () => {
  describe("parseTimeout", () => {
    const valid: [string, number][] = [
      ["1H", 3_600_000],
      ["1M", 60_000],
      ["1S", 1_000],
      ["100m", 100],
      ["1000u", 1],
      ["1u", 0.001],
      ["1n", 0.000_001],
      ["1000000n", 1],
      ["0n", 0],
      ["0H", 0],
      ["00000001m", 1],
      ["99999999n", 99.999_999],
      ["99999999m", 99_999_999],
      // int32 truncation would make this expire at once.
      ["700H", 2_520_000_000],
      // About 11,400 years, not 37 hours.
      ["99999999H", 359_999_996_400_000],
    ];
    for (const [input, ms] of valid) it(`parses ${input} as ${ms} ms`, () => expect(parseTimeout(input)).to.equal(ms));

    it("99999999H is about 11,400 years", () => {
      const years = parseTimeout("99999999H") / (365.25 * 24 * 3_600_000);
      expect(years).to.be.within(11_400, 11_410);
    });

    const invalid = [
      "",
      "1",
      "m",
      "-1m",
      "+1m",
      " 1m",
      "1m ",
      "1 m",
      "123456789m",
      "1x",
      "1h",
      "1s",
      "1.5S",
      "1e3m",
      "1mm",
      "0x1m",
      "Infinitym",
      "NaNm",
      "\uff11m",
      "\u0663m",
      "1m\n",
      "x".repeat(100),
    ];
    for (const input of invalid)
      it(`rejects ${JSON.stringify(input)} as INTERNAL`, () =>
        expect(() => parseTimeout(input))
          .to.throw(GrpcError, /deadline: malformed grpc-timeout/)
          .with.property("code", Code.Internal));
  });

  describe("formatTimeout", () => {
    const cases: [number, string][] = [
      [0, "0n"],
      [-5, "0n"],
      [-Infinity, "0n"],
      [NaN, "0n"],
      [0.000_001, "1n"],
      [0.000_001_5, "2n"],
      [1, "1000000n"],
      [1.5, "1500000n"],
      [99.999_999, "99999999n"],
      [100, "100000u"],
      [99_999, "99999000u"],
      [99_999.999_5, "100000m"],
      [100_000, "100000m"],
      [99_999_999, "99999999m"],
      [100_000_000, "100000S"],
      [100_000_001, "100001S"],
      [99_999_999_000, "99999999S"],
      [100_000_000_000, "1666667M"],
      [6_000_000_000_000, "1666667H"],
      [MAX_MS, "99999999H"],
      [MAX_MS + 1, "99999999H"],
      [1e300, "99999999H"],
      [Infinity, "99999999H"],
    ];
    for (const [ms, text] of cases) it(`formats ${ms} ms as ${text}`, () => expect(formatTimeout(ms)).to.equal(text));
  });

  describe("round trips (property-based)", () => {
    const positiveMs = fc.oneof(
      fc.integer({ min: 1, max: 2 ** 31 }),
      fc.double({ min: 1e-6, max: MAX_MS, noNaN: true }),
      fc.integer({ min: 1, max: MAX_MS }),
    );

    it("parse(format(ms)) >= ms and within one unit", () =>
      fc.assert(
        fc.property(positiveMs, (ms) => {
          const text = formatTimeout(ms);
          const unit = text.slice(-1);
          const parsed = parseTimeout(text);
          expect(parsed).to.be.at.least(ms);
          expect(parsed - ms).to.be.below(UNIT_MS[unit]! * (1 + 1e-9));
        }),
      ));

    it("always formats 1 to 8 digits and a unit, using the finest unit that fits", () =>
      fc.assert(
        fc.property(fc.oneof(positiveMs, fc.double({ noNaN: true })), (ms) => {
          const text = formatTimeout(ms);
          expect(text).to.match(/^\d{1,8}[HMSmun]$/);
          const finer = "numSMH";
          const index = finer.indexOf(text.slice(-1));
          if (ms > 0 && index > 0 && ms <= MAX_MS) {
            const finerUnit = finer[index - 1]!;
            expect(Math.ceil(ms / UNIT_MS[finerUnit]!), `a finer unit ${finerUnit} would not fit`).to.be.above(99_999_999 - 1);
          }
        }),
      ));
  });
});
