import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor/index.js";

/** What a FileDescriptorProto says of its file besides the definitions: name, package, syntax, imports. */
export interface FileDescriptorSource {
  /** The name it is imported by: "a/b/c.proto". */
  name: string;
  /** The package, "" for none. */
  package: string;
  /** "proto2", "proto3", or "editions". */
  syntax: "proto2" | "proto3" | "editions";
  /** The files it imports, by import name. */
  imports: readonly string[];
}

/** FieldDescriptorProto.Type numbers, by protobufjs type name. */
const FIELD_TYPES: Record<string, number> = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  fixed64: 6,
  fixed32: 7,
  bool: 8,
  string: 9,
  bytes: 12,
  uint32: 13,
  sfixed32: 15,
  sfixed64: 16,
  sint32: 17,
  sint64: 18,
};
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_OPTIONAL = 1;
const LABEL_REQUIRED = 2;
const LABEL_REPEATED = 3;

type Json = { [key: string]: unknown };

function typeOf(type: string, resolved: protobuf.ReflectionObject | null): Json {
  if (resolved instanceof protobuf.Type) return { type: TYPE_MESSAGE, typeName: resolved.fullName };
  if (resolved instanceof protobuf.Enum) return { type: TYPE_ENUM, typeName: resolved.fullName };
  return { type: FIELD_TYPES[type] };
}

/** "foo_bar" -> "FooBar", as protoc names map entry messages ("FooBarEntry"). */
function upperCamel(name: string): string {
  return name
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

function reserved(ranges: (number[] | string)[] | undefined): { reservedRange: Json[]; reservedName: string[] } {
  const reservedRange: Json[] = [];
  const reservedName: string[] = [];
  for (const entry of ranges ?? []) {
    if (typeof entry === "string") reservedName.push(entry);
    else reservedRange.push({ start: entry[0], end: (entry[1] ?? entry[0]!) + 1 });
  }
  return { reservedRange, reservedName };
}

function enumProto(enumType: protobuf.Enum): Json {
  const { reservedRange, reservedName } = reserved(enumType.reserved);
  return {
    name: enumType.name,
    value: Object.entries(enumType.values).map(([name, number]) => ({ name, number })),
    reservedRange: reservedRange.map((range) => ({ start: range.start, end: (range.end as number) - 1 })),
    reservedName,
    ...(enumType.options?.allow_alias === true ? { options: { allowAlias: true } } : {}),
  };
}

/** An `extend` field: its own declaration with the extended message as extendee. */
function extensionProto(field: protobuf.Field): Json {
  const extendee = field.extensionField?.parent ?? field.parent?.lookup(field.extend!, [protobuf.Type]) ?? null;
  return {
    name: field.name,
    number: field.id,
    label: field.repeated ? LABEL_REPEATED : field.required ? LABEL_REQUIRED : LABEL_OPTIONAL,
    ...typeOf(field.type, field.resolvedType),
    ...(extendee === null ? {} : { extendee: extendee.fullName }),
  };
}

function messageProto(type: protobuf.Type, syntax: FileDescriptorSource["syntax"]): Json {
  const nestedType: Json[] = [];
  const enumType: Json[] = [];
  const field: Json[] = [];
  const real = type.oneofsArray.filter((oneof) => !oneof.fieldsArray.every((member) => member.options?.proto3_optional === true));
  const synthetic = type.oneofsArray.filter((oneof) => !real.includes(oneof));
  const oneofs = [...real, ...synthetic];
  for (const member of type.fieldsArray) {
    // protobufjs adds a sister field to the extended type for each extension: not part of its declaration.
    if (member.declaringField !== null) continue;
    const proto: Json = { name: member.name, number: member.id };
    if (member instanceof protobuf.MapField) {
      const entryName = `${upperCamel(member.name)}Entry`;
      nestedType.push({
        name: entryName,
        field: [
          { name: "key", number: 1, label: LABEL_OPTIONAL, ...typeOf(member.keyType, null) },
          { name: "value", number: 2, label: LABEL_OPTIONAL, ...typeOf(member.type, member.resolvedType) },
        ],
        options: { mapEntry: true },
      });
      Object.assign(proto, { label: LABEL_REPEATED, type: TYPE_MESSAGE, typeName: `${type.fullName}.${entryName}` });
    } else {
      Object.assign(proto, {
        label: member.repeated ? LABEL_REPEATED : member.required ? LABEL_REQUIRED : LABEL_OPTIONAL,
        ...typeOf(member.type, member.resolvedType),
      });
      if (member.partOf !== null) proto.oneofIndex = oneofs.indexOf(member.partOf);
      if (member.options?.proto3_optional === true) proto.proto3Optional = true;
      if (member.repeated && member.options?.packed !== undefined) proto.options = { packed: member.options.packed };
      if (syntax === "proto2" && member.options?.default !== undefined) proto.defaultValue = String(member.options.default);
    }
    field.push(proto);
  }
  const extension: Json[] = [];
  for (const nested of type.nestedArray) {
    if (nested instanceof protobuf.Type) nestedType.push(messageProto(nested, syntax));
    else if (nested instanceof protobuf.Enum) enumType.push(enumProto(nested));
    else if (nested instanceof protobuf.Field && nested.extend !== undefined) extension.push(extensionProto(nested));
  }
  return {
    name: type.name,
    field,
    nestedType,
    enumType,
    oneofDecl: oneofs.map((oneof) => ({ name: oneof.name })),
    ...(extension.length > 0 ? { extension } : {}),
    ...reserved(type.reserved),
    ...(type.extensions
      ? { extensionRange: type.extensions.map(([start, end]) => ({ start, end: Math.min(end ?? start ?? 0, 536870911) + 1 })) }
      : {}),
  };
}

/**
 * The FileDescriptorProto of one file, serialized, from its top-level definitions as protobufjs
 * parsed them (`objects`: messages, enums, services and `extend` fields, in declaration order):
 * the same for `tsgrpc gen`, the protoc plugin and loadService. It carries the structure
 * (messages, fields, enums, services, extensions, dependencies), which is what reflection clients
 * and the JSON mapping need; source locations and most options are left out.
 * https://github.com/protocolbuffers/protobuf/blob/main/src/google/protobuf/descriptor.proto
 */
export function encodeFileDescriptor(file: FileDescriptorSource, objects: readonly protobuf.ReflectionObject[]): Uint8Array {
  const messageType: Json[] = [];
  const enumType: Json[] = [];
  const service: Json[] = [];
  const extension: Json[] = [];
  for (const object of objects) {
    if (object instanceof protobuf.Type) messageType.push(messageProto(object, file.syntax));
    else if (object instanceof protobuf.Enum) enumType.push(enumProto(object));
    else if (object instanceof protobuf.Field && object.extend !== undefined) extension.push(extensionProto(object));
    else if (object instanceof protobuf.Service)
      service.push({
        name: object.name,
        method: object.methodsArray.map((method) => ({
          name: method.name,
          inputType: method.resolvedRequestType!.fullName,
          outputType: method.resolvedResponseType!.fullName,
          ...(method.requestStream ? { clientStreaming: true } : {}),
          ...(method.responseStream ? { serverStreaming: true } : {}),
        })),
      });
  }
  const proto: Json = {
    name: file.name,
    dependency: file.imports,
    messageType,
    enumType,
    service,
    ...(extension.length > 0 ? { extension } : {}),
    ...(file.package === "" ? {} : { package: file.package }),
    ...(file.syntax === "proto3" ? { syntax: "proto3" } : {}),
  };
  const type = descriptor.FileDescriptorProto;
  return type.encode(type.fromObject(proto)).finish();
}

/** The top-level definitions of the file named `file`: messages, enums, services and `extend` fields, in declaration order. */
export function topLevelOf(root: protobuf.Root, file: string): protobuf.ReflectionObject[] {
  return topLevelWhere(root, (object) => object.filename === file);
}

/** The messages, enums, services and `extend` fields defined in a package namespace of `root` that pass `test`, in declaration order. */
export function topLevelWhere(root: protobuf.Root, test: (object: protobuf.ReflectionObject) => boolean): protobuf.ReflectionObject[] {
  const found: protobuf.ReflectionObject[] = [];
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum || nested instanceof protobuf.Service) {
        if (test(nested)) found.push(nested);
      } else if (nested instanceof protobuf.Field) {
        if (nested.extend !== undefined && test(nested)) found.push(nested);
      } else if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return found;
}
