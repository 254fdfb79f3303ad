import { expect } from "chai";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { generateFiles, loadProtos } from "../../src/gen/index.js";

// dist/test/docs/ → project root
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The ```ts blocks of a markdown text, in order. */
function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/**
 * Compiles the README's TypeScript blocks as a user's files would be: each block is a module of
 * its own, importing "tsgrpc" by name, with `strict` and the stricter flags a careful user turns on
 * (noUncheckedIndexedAccess, noUnusedLocals, noUnusedParameters, exactOptionalPropertyTypes). The files go in a folder inside the
 * project, so that "tsgrpc" resolves to this package (through its own "exports", as in an app
 * that installed it) once `npm run build` has run.
 */
describe("README.md", () => {
  const blocks = typescriptBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
  const folder = join(ROOT, "dist", "readme-blocks");
  const files = blocks.map((_, index) => join(folder, `block-${index + 1}.ts`));
  let diagnostics: readonly ts.Diagnostic[] = [];

  before(function () {
    this.timeout(120_000);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    blocks.forEach((block, index) => {
      writeFileSync(files[index]!, block);
    });
    // The README's greeter.proto, generated as `tsgrpc gen --out gen greeter.proto` would, for the blocks that import ./gen/greeter_pb.js.
    const proto = /^```proto\n([\s\S]*?)^```$/m.exec(readFileSync(join(ROOT, "README.md"), "utf8"))?.[1];
    if (proto !== undefined) {
      writeFileSync(join(folder, "greeter.proto"), proto);
      const { root, files: parsed, requested } = loadProtos([join(folder, "greeter.proto")], [folder]);
      for (const file of generateFiles(root, parsed, requested)) {
        mkdirSync(dirname(join(folder, "gen", file.path)), { recursive: true });
        writeFileSync(join(folder, "gen", file.path), file.content);
      }
    }
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts"],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      types: ["node"],
    });
    diagnostics = ts.getPreEmitDiagnostics(program);
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  it("has TypeScript examples", () => expect(blocks).to.not.be.empty);

  blocks.forEach((block, index) => {
    const firstLine = block.split("\n").find((line) => line.trim() !== "" && !line.startsWith("import")) ?? "";
    it(`block ${index + 1} compiles under strict flags (${firstLine.trim().slice(0, 60)})`, () => {
      const own = diagnostics.filter((diagnostic) => diagnostic.file?.fileName === files[index]);
      const messages = own.map((diagnostic) => {
        const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        return `line ${line + 1}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
      });
      expect(messages).to.deep.equal([]);
    });
  });

  it("compiles without errors outside the blocks (the package's own declarations)", () => {
    const elsewhere = diagnostics.filter((diagnostic) => !files.includes(diagnostic.file?.fileName ?? ""));
    expect(elsewhere.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))).to.deep.equal([]);
  });
});
