// Compiles the ```ts blocks of markdown files the way a user's files would be compiled.
import { expect } from "chai";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import ts from "typescript";

/** The ```ts blocks of a markdown text, in order. */
export function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/**
 * Registers mocha tests that compile every ```ts block of `markdownFiles` as a user's files
 * would be: each block is a module of its own, importing "tsgrpc" by name, with `strict` and the
 * stricter flags a careful user turns on (noUncheckedIndexedAccess, noUnusedLocals,
 * noUnusedParameters, exactOptionalPropertyTypes). The files go in `folder` inside the project, so
 * that "tsgrpc" resolves to this package (through its own "exports", as in an app that installed
 * it) once the build has run. All files compile as one program, so a many-file run costs one
 * type check. `prepare` adds files the blocks import (generated code) before the check.
 */
export function describeTypescriptBlocks(folder: string, markdownFiles: readonly string[], prepare?: (folder: string) => void): void {
  const documents = markdownFiles.map((file) => ({ file, blocks: typescriptBlocks(readFileSync(file, "utf8")) }));
  const sourceFiles = documents.flatMap(({ file, blocks }) =>
    blocks.map((block, index) => ({ doc: file, index, block, path: join(folder, `${basename(file, ".md")}-block-${index + 1}.ts`) })),
  );
  const paths = sourceFiles.map((source) => source.path);
  let diagnostics: readonly ts.Diagnostic[] = [];

  before(function () {
    this.timeout(180_000);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    for (const source of sourceFiles) writeFileSync(source.path, source.block);
    prepare?.(folder);
    const program = ts.createProgram(paths, {
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

  for (const { file, blocks } of documents) {
    it(`${basename(file)} has TypeScript examples`, () => expect(blocks).to.not.be.empty);
  }

  for (const source of sourceFiles) {
    const firstLine = source.block.split("\n").find((line) => line.trim() !== "" && !line.startsWith("import")) ?? "";
    it(`${basename(source.doc)} block ${source.index + 1} compiles under strict flags (${firstLine.trim().slice(0, 60)})`, () => {
      const own = diagnostics.filter((diagnostic) => diagnostic.file?.fileName === source.path);
      const messages = own.map((diagnostic) => {
        const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        return `line ${line + 1}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
      });
      expect(messages).to.deep.equal([]);
    });
  }

  it("compiles without errors outside the blocks (the package's own declarations)", () => {
    const elsewhere = diagnostics.filter((diagnostic) => !paths.includes(diagnostic.file?.fileName ?? ""));
    expect(elsewhere.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))).to.deep.equal([]);
  });
}
