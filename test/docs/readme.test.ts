import { join } from "node:path";
import { projectRoot } from "../project-root.js";
import { describeTypescriptBlocks } from "./markdown-blocks.js";

/** The README's TypeScript compiles under strict against the built package. */
describe("README.md", () => {
  describeTypescriptBlocks(join(projectRoot(), "dist", "readme-blocks"), [join(projectRoot(), "README.md")]);
});
