// docs/AUTH.md's TypeScript blocks compile as a user's files would: each block a module of its
// own importing "tsgrpc" by name, under strict and the stricter flags (as test/docs/readme.test.ts
// does for the README).
import { expect } from "chai";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { projectRoot } from "../project-root.js";

const ROOT = projectRoot();

describe("docs/AUTH.md", () => {
  const blocks = [...readFileSync(join(ROOT, "docs", "AUTH.md"), "utf8").matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  // Inside the project, so that "tsgrpc" resolves to this package through its own "exports".
  const folder = join(ROOT, "dist", "auth-doc-blocks");
  const files = blocks.map((_, index) => join(folder, `block-${index + 1}.ts`));
  let diagnostics: readonly ts.Diagnostic[] = [];

  before(function () {
    this.timeout(120_000);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    for (const [index, block] of blocks.entries()) writeFileSync(files[index]!, block);
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

  it("has the credentials, interceptor and rotation examples", () => expect(blocks).to.have.length(3));

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
});
