import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../project-root.js";
import { describeTypescriptBlocks } from "./markdown-blocks.js";

const ROOT = projectRoot();
const GUIDES = join(ROOT, "docs", "guides");
const guideFiles = readdirSync(GUIDES)
  .filter((name) => name.endsWith(".md") && name !== "README.md")
  .sort()
  .map((name) => join(GUIDES, name));

/** Every guide's TypeScript compiles under strict against the built package. */
describe("docs/guides", () => {
  describeTypescriptBlocks(join(ROOT, "dist", "guide-blocks"), guideFiles);

  it("the index links every guide, and every link in it resolves", () => {
    const index = readFileSync(join(GUIDES, "README.md"), "utf8");
    for (const file of guideFiles) expect(index).to.include(`](${file.slice(GUIDES.length + 1)})`);
    for (const [, target] of index.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g))
      expect(existsSync(join(GUIDES, target!)), target).to.equal(true);
  });

  it("the README links the guides", () => {
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).to.include("](docs/guides/README.md)");
  });

  it("links between guides and to other docs resolve", () => {
    for (const file of guideFiles) {
      for (const [, target] of readFileSync(file, "utf8").matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)) {
        expect(existsSync(join(GUIDES, target!)), `${file.slice(ROOT.length + 1)} links ${target}`).to.equal(true);
      }
    }
  });
});
