// docs/AUTH.md's TypeScript blocks compile as a user's files would: each block a module of its
// own importing "tsgrpc" by name, under strict and the stricter flags (test/docs/markdown-blocks.ts,
// as for the README and the guides).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeTypescriptBlocks, typescriptBlocks } from "../docs/markdown-blocks.js";
import { projectRoot } from "../project-root.js";

const ROOT = projectRoot();
const AUTH = join(ROOT, "docs", "AUTH.md");

describe("docs/AUTH.md", () => {
  it("has the credentials, interceptor and rotation examples", () =>
    expect(typescriptBlocks(readFileSync(AUTH, "utf8"))).to.have.length(3));

  // Inside the project, so that "tsgrpc" resolves to this package through its own "exports".
  describeTypescriptBlocks(join(ROOT, "dist", "auth-doc-blocks"), [AUTH]);
});
