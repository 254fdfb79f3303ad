import { expect } from "chai";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// dist/test/types/ → project root
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Every diagnostic of the project that `configPath` describes, one line each. */
function diagnosticsOf(configPath: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  )!;
  const program = ts.createProgram(config.fileNames, config.options);
  return [...config.errors, ...ts.getPreEmitDiagnostics(program)].map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (diagnostic.file === undefined) return text;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return `${diagnostic.file.fileName.slice(ROOT.length + 1)}:${line + 1}: ${text}`;
  });
}

describe("type tests (test/types)", () => {
  it("compile: every correct use type-checks and every @ts-expect-error misuse is an error", function () {
    this.timeout(120_000);
    expect(diagnosticsOf(join(ROOT, "test", "types", "tsconfig.json"))).to.deep.equal([]);
  });
});
