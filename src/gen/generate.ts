import type protobuf from "protobufjs";
import { generateFile, type GenerateOptions } from "./generate-file.js";
import { outputPathOf, type ProtoFile } from "./proto-file.js";

/** One generated module: its path under the output directory and its source. */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** Generates the module of each of `requested` (import names of files in `files`). */
export function generateFiles(
  root: protobuf.Root,
  files: ReadonlyMap<string, ProtoFile>,
  requested: readonly string[],
  options: GenerateOptions = {},
): GeneratedFile[] {
  return requested.map((name) => {
    const file = files.get(name);
    if (file === undefined) throw new TypeError(`gen: no parsed file ${name}`);
    return { path: outputPathOf(name), content: generateFile(root, file, options) };
  });
}
