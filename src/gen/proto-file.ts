import type protobuf from "protobufjs";

/** One .proto file as the generator sees it: its import name, package, syntax and what it defines. */
export interface ProtoFile {
  /** The name it is imported by, relative to its include directory: "a/b/c.proto". */
  name: string;
  /** The package, "" for none. */
  package: string;
  /** "proto2", "proto3", or "editions". */
  syntax: "proto2" | "proto3" | "editions";
  /** The files it imports, as written. */
  imports: string[];
}

/** The file a reflection object was defined in: the filename of its top-level ancestor. */
export function fileOf(object: protobuf.ReflectionObject): string | undefined {
  let current: protobuf.ReflectionObject | null = object;
  while (current !== null) {
    if (current.filename) return current.filename;
    current = current.parent;
  }
  return undefined;
}

export { topLevelOf } from "../service/index.js";

/** The TypeScript module an output file is written to: "a/b/c.proto" -> "a/b/c_pb.ts". */
export function outputPathOf(file: string): string {
  return `${file.replace(/\.proto$/, "")}_pb.ts`;
}
