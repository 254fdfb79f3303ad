import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { describeProtoText } from "../service/index.js";
import { GenerateError } from "./generate-file.js";
import type { ProtoFile } from "./proto-file.js";

/**
 * The .proto files of the well-known types shipped with tsgrpc (the package's proto/ folder),
 * so that `import "google/protobuf/timestamp.proto"` resolves with no -I, as it does for protoc.
 */
export const BUNDLED_PROTO_DIR = fileURLToPath(new URL("../../../proto/", import.meta.url));

/** Parsed .proto files: the resolved reflection root and, in load order, every file it holds. */
export interface LoadedProtos {
  root: protobuf.Root;
  /** Every file parsed, imports included, by import name. */
  files: Map<string, ProtoFile>;
  /** The import names of the files asked for, in the order given. */
  requested: string[];
}

/** "illegal token 'x' (a.proto, line 3)" -> "a.proto:3: illegal token 'x'". */
function locate(error: unknown, file: string): GenerateError {
  const text = error instanceof Error ? error.message : String(error);
  const match = /^(.*) \((?:(.+), )?line (\d+)\)$/s.exec(text);
  if (match !== null) return new GenerateError(`${match[2] ?? file}:${match[3]}: ${match[1]}`);
  return new GenerateError(`${file}: ${text}`);
}

/**
 * Parses `files` and everything they import with protobufjs (no protoc), resolving imports in
 * `includeDirs` in order, then the bundled well-known types. A file given on the command line
 * must lie under one of the include directories (default: the current one); its import name is
 * its path relative to that directory, as protoc does.
 */
export function loadProtos(files: readonly string[], includeDirs: readonly string[] = []): LoadedProtos {
  const dirs = (includeDirs.length === 0 ? ["."] : includeDirs).map((dir) => resolve(dir));
  for (const [index, dir] of dirs.entries())
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new GenerateError(`-I ${includeDirs[index] ?? dir}: no such directory`);
  const root = new protobuf.Root();
  const loaded = new Map<string, ProtoFile>();

  const find = (name: string): string | undefined => {
    for (const dir of [...dirs, BUNDLED_PROTO_DIR]) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    return undefined;
  };

  const load = (name: string, path: string): void => {
    if (loaded.has(name)) return;
    let source: string;
    try {
      source = readFileSync(path, "utf8");
    } catch (error) {
      throw new GenerateError(`${name}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let file: ProtoFile;
    try {
      (protobuf.parse as unknown as { filename: string | null }).filename = name;
      protobuf.parse(source, root, { keepCase: true, alternateCommentMode: true });
      (protobuf.parse as unknown as { filename: string | null }).filename = name;
      file = describeProtoText(source, name);
    } catch (error) {
      throw locate(error, name);
    }
    loaded.set(name, file);
    for (const imported of file.imports) {
      const found = find(imported);
      if (found === undefined)
        throw new GenerateError(
          `${name}: import "${imported}" not found (searched ${[...dirs, "the bundled well-known types"].join(", ")})`,
        );
      load(imported, found);
    }
  };

  const requested: string[] = [];
  for (const file of files) {
    const path = resolve(file);
    if (!existsSync(path)) throw new GenerateError(`${file}: no such file`);
    const dir = dirs.find((candidate) => {
      const inside = relative(candidate, path);
      return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside);
    });
    if (dir === undefined) throw new GenerateError(`${file}: not under any include directory (-I ${includeDirs.join(" -I ") || "."})`);
    const name = relative(dir, path).split(sep).join("/");
    requested.push(name);
    load(name, path);
  }
  try {
    root.resolveAll();
  } catch (error) {
    throw new GenerateError(`cannot resolve types: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { root, files: loaded, requested };
}
