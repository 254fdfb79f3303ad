import protobuf from "protobufjs";
import { encodeOptions, type OptionsKind, type ParsedOption, parsedOptionsFromFlat, parsedOptionsOf } from "./descriptor-options.js";
import { descriptorSchema } from "./descriptor-schema.js";
import { declaredKey, mapEntryName } from "./proto-source.js";

/** What a FileDescriptorProto says of its file besides the definitions: name, package, syntax, imports, options. */
export interface FileDescriptorSource {
  /** The name it is imported by: "a/b/c.proto". */
  name: string;
  /** The package, "" for none. */
  package: string;
  /** "proto2", "proto3", or "editions". */
  syntax: "proto2" | "proto3" | "editions";
  /** The files it imports, by import name, in declaration order (public and weak ones included). */
  imports: readonly string[];
  /** Which of `imports` are `import public`. */
  publicImports?: readonly string[] | undefined;
  /** Which of `imports` are `import weak`. */
  weakImports?: readonly string[] | undefined;
  /** The file's options (`option java_package = ...;`), in declaration order. */
  options?: readonly ParsedOption[] | undefined;
  /** By message full name (".pkg.Msg"): its nested messages and map entry messages in declaration order. */
  nestedOrder?: ReadonlyMap<string, readonly string[]> | undefined;
  /**
   * The names as written in the .proto, for a root protobufjs loaded with camelCase names: fields
   * by declaredKey, oneofs by "<message full name>%<index>".
   */
  declaredNames?: ReadonlyMap<string, string> | undefined;
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
const TYPE_GROUP = 10;
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_OPTIONAL = 1;
const LABEL_REQUIRED = 2;
const LABEL_REPEATED = 3;

type Json = { [key: string]: unknown };

/** MessageOptions { map_entry: true }, serialized. */
const MAP_ENTRY_OPTIONS = Uint8Array.of(0x38, 0x01);

function typeOf(type: string, resolved: protobuf.ReflectionObject | null, delimited = false): Json {
  if (resolved instanceof protobuf.Type)
    return { type: delimited || (resolved as { group?: boolean }).group === true ? TYPE_GROUP : TYPE_MESSAGE, typeName: resolved.fullName };
  if (resolved instanceof protobuf.Enum) return { type: TYPE_ENUM, typeName: resolved.fullName };
  return { type: FIELD_TYPES[type] };
}

/** protoc's json_name of a field: each letter after an underscore upper-cased, the underscores dropped. */
function jsonNameOf(name: string): string {
  let out = "";
  let upper = false;
  for (const character of name) {
    if (character === "_") upper = true;
    else {
      out += upper ? character.toUpperCase() : character;
      upper = false;
    }
  }
  return out;
}

/** `options` of a descriptor entry, when there are any. */
function optionsOf(kind: OptionsKind, options: readonly ParsedOption[] | null | undefined, scope: protobuf.NamespaceBase | null): Json {
  const bytes = encodeOptions(kind, options, scope);
  return bytes === undefined ? {} : { options: bytes };
}

/** C's "%g" with `precision` significant digits, as protoc's SimpleDtoa/SimpleFtoa print defaults. */
function formatG(value: number, precision: number): string {
  const exponent = Number(value.toExponential(precision - 1).split("e")[1]);
  if (exponent < -4 || exponent >= precision) {
    const [mantissa, power] = value.toExponential(precision - 1).split("e") as [string, string];
    const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    const sign = power.startsWith("-") ? "-" : "+";
    const digits = power.replace(/^[-+]/, "").padStart(2, "0");
    return `${trimmed}e${sign}${digits}`;
  }
  const fixed = value.toFixed(Math.max(0, precision - 1 - exponent));
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/** protoc's CEscape of bytes: printable ASCII as is, \n \r \t \" \' \\ escaped, anything else as three octal digits. */
function cEscape(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) {
    const character = String.fromCharCode(byte);
    if (character === "\n") out += "\\n";
    else if (character === "\r") out += "\\r";
    else if (character === "\t") out += "\\t";
    else if (character === '"' || character === "'" || character === "\\") out += `\\${character}`;
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(8).padStart(3, "0")}`;
    else out += character;
  }
  return out;
}

/** A proto2 default as protoc writes default_value. */
function defaultValueOf(field: protobuf.Field, value: unknown): string {
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (value === Number.POSITIVE_INFINITY) return "inf";
    if (value === Number.NEGATIVE_INFINITY) return "-inf";
    if (field.type === "double") {
      const short = formatG(value, 15);
      return Number(short) === value ? short : formatG(value, 17);
    }
    if (field.type === "float") {
      const short = formatG(value, 6);
      return Math.fround(Number(short)) === Math.fround(value) ? short : formatG(value, 9);
    }
    return String(value);
  }
  if (field.type === "bytes") return cEscape(new TextEncoder().encode(String(value)));
  return String(value);
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
    value: Object.entries(enumType.values).map(([name, number]) => ({
      name,
      number,
      ...optionsOf("EnumValueOptions", parsedOptionsFromFlat(enumType.valuesOptions?.[name]), enumType.parent),
    })),
    reservedRange: reservedRange.map((range) => ({ start: range.start, end: (range.end as number) - 1 })),
    reservedName,
    ...optionsOf("EnumOptions", parsedOptionsOf(enumType), enumType.parent),
  };
}

/** An `extend` field: its own declaration with the extended message as extendee. */
function extensionProto(field: protobuf.Field, file: FileDescriptorSource): Json {
  const extendee = field.extensionField?.parent ?? field.parent?.lookup(field.extend!, [protobuf.Type]) ?? null;
  const name = file.declaredNames?.get(declaredKey(field)) ?? field.name;
  return {
    name,
    number: field.id,
    label: field.repeated ? LABEL_REPEATED : field.required ? LABEL_REQUIRED : LABEL_OPTIONAL,
    ...typeOf(field.type, field.resolvedType, field.delimited),
    ...(extendee === null ? {} : { extendee: extendee.fullName }),
    ...(field.options?.default !== undefined ? { defaultValue: defaultValueOf(field, field.options.default) } : {}),
    jsonName: jsonNameOf(name),
    ...optionsOf("FieldOptions", parsedOptionsOf(field), field.parent),
  };
}

function messageProto(type: protobuf.Type, file: FileDescriptorSource): Json {
  const nestedType: Json[] = [];
  const enumType: Json[] = [];
  const field: Json[] = [];
  const real = type.oneofsArray.filter((oneof) => !oneof.fieldsArray.every((member) => member.options?.proto3_optional === true));
  const synthetic = type.oneofsArray.filter((oneof) => !real.includes(oneof));
  const oneofs = [...real, ...synthetic];
  for (const member of type.fieldsArray) {
    // protobufjs adds a sister field to the extended type for each extension: not part of its declaration.
    if (member.declaringField !== null) continue;
    const name = file.declaredNames?.get(declaredKey(member)) ?? member.name;
    const proto: Json = { name, number: member.id };
    if (member instanceof protobuf.MapField) {
      const entryName = mapEntryName(name);
      nestedType.push({
        name: entryName,
        field: [
          { name: "key", number: 1, label: LABEL_OPTIONAL, ...typeOf(member.keyType, null), jsonName: "key" },
          { name: "value", number: 2, label: LABEL_OPTIONAL, ...typeOf(member.type, member.resolvedType), jsonName: "value" },
        ],
        options: MAP_ENTRY_OPTIONS,
      });
      Object.assign(proto, { label: LABEL_REPEATED, type: TYPE_MESSAGE, typeName: `${type.fullName}.${entryName}` });
    } else {
      Object.assign(proto, {
        label: member.repeated ? LABEL_REPEATED : member.required ? LABEL_REQUIRED : LABEL_OPTIONAL,
        ...typeOf(member.type, member.resolvedType, member.delimited),
      });
      if (member.partOf !== null) proto.oneofIndex = oneofs.indexOf(member.partOf);
      if (member.options?.proto3_optional === true) proto.proto3Optional = true;
      if (file.syntax === "proto2" && member.options?.default !== undefined)
        proto.defaultValue = defaultValueOf(member, member.options.default);
    }
    const jsonName = member.options?.json_name;
    proto.jsonName = typeof jsonName === "string" ? jsonName : jsonNameOf(name);
    Object.assign(proto, optionsOf("FieldOptions", parsedOptionsOf(member), type));
    field.push(proto);
  }
  const extension: Json[] = [];
  for (const nested of type.nestedArray) {
    if (nested instanceof protobuf.Type) nestedType.push(messageProto(nested, file));
    else if (nested instanceof protobuf.Enum) enumType.push(enumProto(nested));
    else if (nested instanceof protobuf.Field && nested.extend !== undefined) extension.push(extensionProto(nested, file));
  }
  const order = file.nestedOrder?.get(type.fullName);
  if (order !== undefined) {
    const rank = (entry: Json): number => {
      const index = order.indexOf(entry.name as string);
      return index === -1 ? order.length : index;
    };
    nestedType.sort((a, b) => rank(a) - rank(b));
  }
  return {
    name: type.name,
    field,
    nestedType,
    enumType,
    ...optionsOf("MessageOptions", parsedOptionsOf(type), type),
    oneofDecl: oneofs.map((oneof) => ({
      name: file.declaredNames?.get(`${type.fullName}%${type.oneofsArray.indexOf(oneof)}`) ?? oneof.name,
      ...optionsOf("OneofOptions", parsedOptionsOf(oneof), type),
    })),
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
    if (object instanceof protobuf.Type) messageType.push(messageProto(object, file));
    else if (object instanceof protobuf.Enum) enumType.push(enumProto(object));
    else if (object instanceof protobuf.Field && object.extend !== undefined) extension.push(extensionProto(object, file));
    else if (object instanceof protobuf.Service)
      service.push({
        name: object.name,
        method: object.methodsArray.map((method) => ({
          name: method.name,
          inputType: method.resolvedRequestType!.fullName,
          outputType: method.resolvedResponseType!.fullName,
          ...optionsOf("MethodOptions", parsedOptionsOf(method), object),
          ...(method.requestStream ? { clientStreaming: true } : {}),
          ...(method.responseStream ? { serverStreaming: true } : {}),
        })),
        ...optionsOf("ServiceOptions", parsedOptionsOf(object), object),
      });
  }
  const root = objects[0]?.root ?? null;
  const scope = root === null ? null : file.package === "" ? root : (root.lookup(file.package) as protobuf.NamespaceBase | null);
  const proto: Json = {
    name: file.name,
    dependency: file.imports,
    publicDependency: (file.publicImports ?? []).map((name) => file.imports.indexOf(name)),
    weakDependency: (file.weakImports ?? []).map((name) => file.imports.indexOf(name)),
    messageType,
    enumType,
    service,
    ...(extension.length > 0 ? { extension } : {}),
    ...optionsOf("FileOptions", file.options, scope),
    ...(file.package === "" ? {} : { package: file.package }),
    ...(file.syntax === "proto3" ? { syntax: "proto3" } : {}),
  };
  const type = descriptorSchema.lookupType("google.protobuf.FileDescriptorProto");
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
