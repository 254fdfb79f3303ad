import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeTypescriptBlocks } from "../docs/markdown-blocks.js";
import { projectRoot } from "../project-root.js";

const ROOT = projectRoot();

/** docs/JSON.md's TypeScript compiles under strict against the built package, and the README links it. */
describe("docs/JSON.md", () => {
  describeTypescriptBlocks(join(ROOT, "dist", "json-doc-blocks"), [join(ROOT, "docs", "JSON.md")]);

  it("is linked from the README", () => {
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).to.include("](docs/JSON.md)");
  });
});
