// A short bounded run of every parser fuzz target (test/fuzz/properties.ts) and of the raw HTTP/2
// frame fuzzer (test/fuzz/frame-fuzzer.ts); `npm run fuzz` runs the same for a long time.
import { expect } from "chai";
import { startTarget } from "../hostile/harness.js";
import { fuzzServer } from "./frame-fuzzer.js";
import fc from "fast-check";
import { FUZZ_TARGETS, runFuzzTargets, target } from "./properties.js";

describe("fuzz: parsers (short run)", function () {
  this.timeout(120_000);
  it(`${FUZZ_TARGETS.length} parser properties hold for 300 random inputs each`, async () => {
    const results = await runFuzzTargets({ numRuns: 300 });
    expect(results.filter((result) => result.failure !== undefined)).to.deep.equal([]);
    expect(results.every((result) => result.runs === 300)).to.equal(true);
  });

  it("the runner reports a property that does not hold, with its counterexample", async () => {
    const broken = target(
      "bytes are never longer than 3",
      fc.property(fc.uint8Array(), (bytes) => bytes.length <= 3),
    );
    const [result] = await runFuzzTargets({ numRuns: 300 }, [broken]);
    expect(result?.failure).to.match(/Counterexample/);
  });
});

describe("fuzz: raw HTTP/2 frames against a live server (short run)", function () {
  this.timeout(120_000);
  it("150 random frame sequences: the server answers a well-formed call after each", async () => {
    const started = await startTarget();
    try {
      const details = await fuzzServer(started.port, { numRuns: 150 });
      expect(details.failed, String(details.errorInstance)).to.equal(false);
      expect(details.numRuns).to.equal(150);
    } finally {
      await started.server.forceShutdown();
    }
  });
});
