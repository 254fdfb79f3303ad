import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
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

  it("documents every subpath the package exports (typedoc.json entryPoints)", () => {
    const root = projectRoot();
    const exports: Record<string, string | { types?: string }> = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).exports;
    const sources = Object.values(exports)
      .flatMap((target) => (typeof target === "object" && target.types !== undefined ? [target.types] : []))
      .map((types) => types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts"))
      .sort();
    expect(sources).to.include.members(["src/index.ts", "src/wkt/index.ts", "src/health/index.ts"]);
    const entryPoints: string[] = JSON.parse(readFileSync(join(root, "typedoc.json"), "utf8")).entryPoints;
    expect([...entryPoints].sort()).to.deep.equal(sources);
  });
});
