import protobuf from "protobufjs";

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

/** Every message and enum defined directly in a package namespace for `file`, then nested ones, in declaration order. */
export function topLevelOf(root: protobuf.Root, file: string): protobuf.ReflectionObject[] {
  const found: protobuf.ReflectionObject[] = [];
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum || nested instanceof protobuf.Service) {
        if (nested.filename === file) found.push(nested);
      } else if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return found;
}

/** The TypeScript module an output file is written to: "a/b/c.proto" -> "a/b/c_pb.ts". */
export function outputPathOf(file: string): string {
  return `${file.replace(/\.proto$/, "")}_pb.ts`;
}
