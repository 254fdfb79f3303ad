// mocha's spec reporter, followed by one plain line "N passed, M failed" that CI reads.
"use strict";
const { reporters, Runner } = require("mocha");

class SummaryReporter extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on(Runner.constants.EVENT_TEST_PASS, () => passed++);
    runner.on(Runner.constants.EVENT_TEST_FAIL, () => failed++);
    runner.on(Runner.constants.EVENT_TEST_PENDING, () => skipped++);
    runner.once(Runner.constants.EVENT_RUN_END, () => {
      const tail = skipped > 0 ? `, ${skipped} skipped` : "";
      process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
    });
  }
}
module.exports = SummaryReporter;
