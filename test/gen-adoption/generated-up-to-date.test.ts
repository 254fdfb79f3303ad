/**
 * The generated code committed in src/interop/gen and examples/* is what the generator writes today:
 * each `tsgrpc gen` command of the `gen:examples` script is run again into a temporary folder and
 * every file compared, and no stale *_pb.ts lies next to them. Fails with the command to run.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { projectRoot } from "../project-root.js";

const ROOT = projectRoot();
const CLI = "dist/src/cli/main.js";

/** The files under `dir` (recursively) whose names end in `_pb.ts`, relative to `dir`. */
function generatedFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith("_pb.ts"))
    .sort();
}

/** The `tsgrpc gen` argument lists of the gen:examples script, globs expanded. */
function genCommands(): string[][] {
  const script: string | undefined = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts["gen:examples"];
  if (script === undefined) throw new Error("package.json has no gen:examples script");
  return script
    .split("&&")
    .map((command) => command.trim().split(/\s+/))
    .filter((words) => words[0] === "node" && words[1] === CLI && words[2] === "gen")
    .map((words) =>
      words.slice(3).flatMap((word) => {
        if (!word.includes("*")) return [word];
        const pattern = new RegExp(`^${basename(word).replace(/[.]/g, "\\.").replace(/\*/g, "[^/]*")}$`);
        return readdirSync(join(ROOT, dirname(word)))
          .filter((name) => pattern.test(name))
          .sort()
          .map((name) => join(dirname(word), name));
      }),
    );
}

describe("generated code in the repository (interop, examples)", function () {
  this.timeout(60_000);
  const commands = genCommands();

  it("the gen:examples script regenerates src/interop/gen and both examples", () => {
    const outs = commands.map((args) => args[args.indexOf("--out") + 1]);
    expect(outs).to.deep.equal(["src/interop/gen", "examples/helloworld", "examples/route-guide"]);
  });

  for (const args of commands) {
    const out = args[args.indexOf("--out") + 1]!;
    it(`${out} is up to date with the generator (else: npm run gen:examples)`, () => {
      const scratch = mkdtempSync(join(tmpdir(), "tsgrpc-gen-adoption-"));
      try {
        const fresh = join(scratch, "out");
        const rewritten = args.map((arg, i) => (args[i - 1] === "--out" ? fresh : arg));
        const run = spawnSync(process.execPath, [CLI, "gen", ...rewritten], { cwd: ROOT, encoding: "utf8" });
        expect(run.status, run.stderr).to.equal(0);
        const expected = generatedFiles(fresh);
        expect(expected, "the generator wrote nothing").to.not.be.empty;
        expect(generatedFiles(join(ROOT, out)), `*_pb.ts files in ${out}`).to.deep.equal(expected);
        for (const file of expected) {
          const committed = readFileSync(join(ROOT, out, file), "utf8");
          expect(
            committed === readFileSync(join(fresh, file), "utf8"),
            `${relative(ROOT, join(ROOT, out, file))} differs from what tsgrpc gen writes`,
          ).to.be.true;
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  }
});
