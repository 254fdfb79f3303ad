import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { projectRoot } from "../project-root.js";

/**
 * `npm run docs` (TypeDoc over every public entry point, warnings as errors) passes: every
 * exported symbol has a doc comment and every {@link} resolves. Run here with `--emit none`, so
 * the check writes nothing.
 */
describe("API reference (npm run docs)", () => {
  it("TypeDoc finds no missing doc comment and no broken link", function () {
    this.timeout(300_000);
    const root = projectRoot();
    const typedocPackage = createRequire(join(root, "package.json")).resolve("typedoc/package.json");
    const result = spawnSync(process.execPath, [join(dirname(typedocPackage), "bin", "typedoc"), "--emit", "none"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(0);
  });
});
