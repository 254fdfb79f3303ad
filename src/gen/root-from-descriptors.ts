import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor/index.js";
import { BinaryReader } from "../protobuf/index.js";
import type { ProtoFile } from "./proto-file.js";

interface Location {
  path?: number[];
  leadingComments?: string;
  trailingComments?: string;
}

interface Described {
  name?: string;
  number?: number;
  type?: number;
  typeName?: string;
  options?: { mapEntry?: boolean };
  field?: Described[];
  nestedType?: Described[];
  enumType?: Described[];
  value?: Described[];
  method?: Described[];
  proto3Optional?: boolean;
}

interface FileDescriptor extends Described {
  package?: string;
  dependency?: string[];
  messageType?: Described[];
  service?: Described[];
  syntax?: string;
  sourceCodeInfo?: { location?: Location[] };
}

/** protobufjs type names by FieldDescriptorProto.Type number (11 message and 14 enum name their type instead). */
const SCALAR_NAMES: Record<number, string> = {
  1: "double",
  2: "float",
  3: "int64",
  4: "uint64",
  5: "int32",
  6: "fixed64",
  7: "fixed32",
  8: "bool",
  9: "string",
  12: "bytes",
  13: "uint32",
  15: "sfixed32",
  16: "sfixed64",
  17: "sint32",
  18: "sint64",
};

function typeNameOf(field: Described | undefined): string {
  if (field?.typeName) return field.typeName;
  return SCALAR_NAMES[field?.type ?? 0] ?? "bytes";
}

/**
 * protobufjs's fromDescriptor keeps a map as a repeated field of its entry message: turn each
 * such field back into a MapField and drop the entry message, as the .proto parser has it.
 */
function restoreMaps(type: protobuf.Type, message: Described): void {
  for (const entry of message.nestedType ?? []) {
    if (entry.options?.mapEntry !== true) continue;
    const entryType = type.nested?.[entry.name ?? ""];
    const field = type.fieldsArray.find((candidate) => candidate.type === entry.name || candidate.type.endsWith(`.${entry.name}`));
    if (!(entryType instanceof protobuf.Type) || field === undefined) continue;
    const key = entry.field?.find((member) => member.number === 1);
    const value = entry.field?.find((member) => member.number === 2);
    type.remove(field);
    type.remove(entryType);
    const map = new protobuf.MapField(field.name, field.id, typeNameOf(key), typeNameOf(value));
    type.add(map);
    map.resolve();
  }
  // Back in declaration order (add appended the maps), as generated code lists fields.
  const ordered: { [name: string]: protobuf.Field } = {};
  for (const field of message.field ?? []) {
    const reflected = type.fields[field.name ?? ""];
    if (reflected !== undefined) ordered[field.name ?? ""] = reflected;
  }
  type.fields = ordered;
  (type as unknown as { _fieldsArray: null; _fieldsById: null })._fieldsArray = null;
  (type as unknown as { _fieldsArray: null; _fieldsById: null })._fieldsById = null;
}

/** A .proto comment as protobufjs reports it: lines without the one space after "//", trimmed. */
function commentText(location: Location | undefined): string | null {
  const text = location?.leadingComments || location?.trailingComments;
  if (!text) return null;
  return text
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => line.replace(/^ /, "").trimEnd())
    .join("\n")
    .trim();
}

/** FileDescriptorProto.source_code_info (field 9, length-delimited). */
const SOURCE_CODE_INFO_TAG = (9 << 3) | 2;

/**
 * A serialized FileDescriptorProto without its source_code_info (comments and source positions,
 * which generated code carries as doc comments instead), every other byte as it was.
 */
export function withoutSourceCodeInfo(bytes: Uint8Array): Uint8Array {
  const reader = new BinaryReader(bytes);
  const kept: Uint8Array[] = [];
  while (reader.pos < bytes.length) {
    const start = reader.pos;
    const tag = reader.tag();
    reader.skip(tag);
    if (tag !== SOURCE_CODE_INFO_TAG) kept.push(bytes.subarray(start, reader.pos));
  }
  if (kept.length === 1 && kept[0]!.length === bytes.length) return bytes;
  const out = new Uint8Array(kept.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of kept) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Builds the reflection root of protoc's FileDescriptorProtos (a CodeGeneratorRequest's
 * proto_file), so that the protoc plugin runs the same generator as `tsgrpc gen`: each object
 * learns its file, proto3 `optional` fields are marked as protobufjs's parser marks them, and
 * comments come from source_code_info.
 */
export function rootFromDescriptors(encoded: readonly Uint8Array[]): { root: protobuf.Root; files: Map<string, ProtoFile> } {
  const descriptors = encoded.map(
    (bytes) => descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes)) as FileDescriptor,
  );
  const root = (protobuf.Root as unknown as { fromDescriptor(set: unknown): protobuf.Root }).fromDescriptor({
    file: descriptors.map((bytes) => descriptor.FileDescriptorProto.fromObject(bytes)),
  } as never);
  const files = new Map<string, ProtoFile>();
  for (const [fileIndex, file] of descriptors.entries()) {
    const name = file.name ?? "";
    const prefix = file.package ? `.${file.package}` : "";
    const syntax = file.syntax === "proto3" ? "proto3" : file.syntax === "editions" ? "editions" : "proto2";
    files.set(name, {
      name,
      package: file.package ?? "",
      syntax,
      imports: file.dependency ?? [],
      descriptor: withoutSourceCodeInfo(encoded[fileIndex]!),
    });
    const comments = new Map<string, Location>();
    for (const location of file.sourceCodeInfo?.location ?? []) comments.set((location.path ?? []).join("."), location);
    const comment = (path: number[]): string | null => commentText(comments.get(path.join(".")));

    const visitMessage = (message: Described, fullName: string, path: number[], top: boolean): void => {
      const type = root.lookupType(fullName);
      if (top) type.filename = name;
      type.comment = comment(path);
      restoreMaps(type, message);
      // fromDescriptor keeps the descriptor's exclusive range ends; the parser's (and ours) are inclusive.
      if (type.reserved) type.reserved = type.reserved.map((range) => (typeof range === "string" ? range : [range[0]!, range[1]! - 1]));
      if (type.extensions) type.extensions = type.extensions.map((range) => [range[0]!, range[1]! - 1]);
      for (const [index, field] of (message.field ?? []).entries()) {
        const reflected = type.fields[field.name ?? ""];
        if (reflected === undefined) continue;
        reflected.comment = comment([...path, 2, index]);
        if (field.proto3Optional === true) reflected.setOption("proto3_optional", true);
      }
      for (const [index, nested] of (message.nestedType ?? []).entries()) {
        if (nested.options?.mapEntry === true) continue;
        const nestedName = `${fullName}.${nested.name}`;
        if (root.lookup(nestedName) instanceof protobuf.Type) visitMessage(nested, nestedName, [...path, 3, index], false);
      }
      for (const [index, nested] of (message.enumType ?? []).entries())
        visitEnum(nested, `${fullName}.${nested.name}`, [...path, 4, index], false);
    };
    const visitEnum = (described: Described, fullName: string, path: number[], top: boolean): void => {
      const enumType = root.lookupEnum(fullName);
      if (top) enumType.filename = name;
      enumType.comment = comment(path);
      for (const [index, value] of (described.value ?? []).entries()) {
        const text = comment([...path, 2, index]);
        if (text !== null) enumType.comments[value.name ?? ""] = text;
      }
    };
    for (const [index, message] of (file.messageType ?? []).entries()) visitMessage(message, `${prefix}.${message.name}`, [4, index], true);
    for (const [index, described] of (file.enumType ?? []).entries()) visitEnum(described, `${prefix}.${described.name}`, [5, index], true);
    for (const [index, described] of (file.service ?? []).entries()) {
      const service = root.lookupService(`${prefix}.${described.name}`);
      service.filename = name;
      service.comment = comment([6, index]);
      for (const [methodIndex, method] of (described.method ?? []).entries()) {
        const reflected = service.methods[method.name ?? ""];
        if (reflected !== undefined) reflected.comment = comment([6, index, 2, methodIndex]);
      }
    }
  }
  root.resolveAll();
  return { root, files };
}
