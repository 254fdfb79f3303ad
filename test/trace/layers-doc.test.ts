import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../project-root.js";
import { SCENARIOS, groupedEvents, mask, maskedText, runScenario } from "./scenarios.js";

// docs/LAYERS.md shows real tracer output: each ```text block after a `<!-- trace: NAME -->`
// marker must still be what the tracer prints for scenario NAME (times, ports and the version
// masked; compared per side, call or connection, and layer, see groupedEvents).
const LAYERS = readFileSync(join(projectRoot(), "docs", "LAYERS.md"), "utf8");

describe("docs/LAYERS.md matches the tracer", function () {
  this.timeout(20_000);
  const blocks = [...LAYERS.matchAll(/<!-- trace: ([\w-]+) -->\n```text\n([\s\S]*?)\n```/g)];

  it("has the unary and the bidi walk-through", () => {
    expect(blocks.map((block) => block[1])).to.deep.equal(["unary-ok", "bidi-ok"]);
  });

  for (const [, name, block] of blocks)
    it(`the ${name} block is what the tracer prints`, async () => {
      const { events, port } = await runScenario(SCENARIOS[name!]!);
      // The block's own port and times are masked like the live run's.
      const documented = block!.replace(/127\.0\.0\.1:\d+/g, `127.0.0.1:${port}`);
      expect(groupedEvents(maskedText(events, port))).to.deep.equal(groupedEvents(mask(documented, port)));
    });
});
