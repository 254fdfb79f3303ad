import type protobuf from "protobufjs";
import type { FileDescriptorSource } from "../service/index.js";

/**
 * One .proto file as the generator sees it: its import name (relative to its include directory:
 * "a/b/c.proto"), package, syntax, imports and options.
 */
export interface ProtoFile extends FileDescriptorSource {
  /** Its FileDescriptorProto as protoc gave it (the protoc plugin), source_code_info removed: embedded as it is. */
  descriptor?: Uint8Array | undefined;
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
