import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// dist/test/architecture/ → project root
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The first "types" path in an "exports" entry, whatever conditions nest it. */
function typesPath(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== "object") return undefined;
  for (const [key, value] of Object.entries(entry)) {
    const found = key === "types" && typeof value === "string" ? value : typesPath(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The declaration file of the package entry point, as package.json's "exports" (or "types") names it. */
function entryDeclarations(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports?: Record<string, unknown>; types?: string };
  const path = typesPath(manifest.exports?.["."]) ?? manifest.types;
  if (path === undefined) throw new Error("package.json names no declaration file for the entry point");
  return join(ROOT, path);
}

/** The declaration files of the package's other entry points ("tsgrpc/wkt", ...). */
function subpathDeclarations(): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports?: Record<string, unknown> };
  return Object.entries(manifest.exports ?? {})
    .filter(([key]) => key !== "." && key !== "./package.json")
    .map(([, value]) => typesPath(value))
    .filter((path): path is string => path !== undefined)
    .map((path) => join(ROOT, path));
}

/**
 * Internal types that public declarations still name, each with the reason it is allowed. The
 * channel redesign of issue 10 stops `Channel` from exposing its session.
 */
const KNOWN_INTERNAL = new Set<string>();

/**
 * The types that a public declaration names but the package does not export, each with the
 * declaration that names it: users could see such a type in a signature but not import it.
 * A type found missing is walked as well, so that everything a user can reach is checked.
 */
function unexportedTypes(entry: string, otherEntries: readonly string[] = []): string[] {
  const program = ts.createProgram([entry, ...otherEntries], {
    strict: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const ownFiles = new Set(
    program
      .getSourceFiles()
      .filter((file) => !file.fileName.includes("/node_modules/") && dirname(file.fileName).startsWith(dirname(entry)))
      .map((file) => file.fileName),
  );
  const resolveAlias = (symbol: ts.Symbol): ts.Symbol => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exported = new Set(checker.getExportsOfModule(moduleSymbol).map(resolveAlias));
  // A type another entry point exports (tsgrpc/wkt's FileDescriptorProto, named by TypeRegistry.files) is importable too.
  const importable = new Set(exported);
  for (const other of otherEntries)
    for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(other)!)!))
      importable.add(resolveAlias(symbol));
  const missing = new Set<string>();

  const isOwn = (symbol: ts.Symbol): boolean =>
    (symbol.declarations ?? []).some((declaration) => ownFiles.has(declaration.getSourceFile().fileName)) &&
    !(symbol.flags & ts.SymbolFlags.TypeParameter);
  const isHidden = (node: ts.Node): boolean =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some(
      (modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword || modifier.kind === ts.SyntaxKind.ProtectedKeyword,
    );

  const visit = (node: ts.Node, owner: string): void => {
    if (isHidden(node) || (ts.isPropertyDeclaration(node) && ts.isPrivateIdentifier(node.name))) return;
    let named: ts.Node | undefined;
    if (ts.isTypeReferenceNode(node)) named = node.typeName;
    else if (ts.isExpressionWithTypeArguments(node)) named = node.expression;
    else if (ts.isTypeQueryNode(node)) named = node.exprName;
    else if (ts.isImportTypeNode(node)) named = node.qualifier;
    if (named !== undefined) {
      const symbol = checker.getSymbolAtLocation(ts.isQualifiedName(named) ? named.right : named);
      if (symbol !== undefined) {
        const target = resolveAlias(symbol);
        if (isOwn(target) && !importable.has(target) && !KNOWN_INTERNAL.has(target.getName()) && !reached.has(target)) {
          missing.add(`${target.getName()} (in ${owner})`);
          reached.add(target);
          queue.push(target);
        }
      }
    }
    ts.forEachChild(node, (child) => visit(child, owner));
  };
  const reached = new Set(exported);
  const queue = [...exported];
  for (let symbol = queue.shift(); symbol !== undefined; symbol = queue.shift())
    for (const declaration of symbol.declarations ?? []) visit(declaration, symbol.getName());
  return [...missing].sort();
}

describe("public API", () => {
  it("exports every type that an exported declaration names", function () {
    this.timeout(60_000);
    expect(unexportedTypes(entryDeclarations(), subpathDeclarations())).to.deep.equal([]);
  });
});
