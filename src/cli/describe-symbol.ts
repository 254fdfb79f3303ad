import {
  type DescriptorProto,
  type EnumDescriptorProto,
  type FieldDescriptorProto,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  type FileDescriptorProto,
  type MethodDescriptorProto,
  type ServiceDescriptorProto,
} from "../wkt/index.js";
import type { SchemaSymbol } from "./schema.js";

/** The .proto spelling of each scalar field type. */
const SCALAR_NAMES: Partial<Record<FieldDescriptorProto_Type, string>> = {
  [FieldDescriptorProto_Type.TYPE_DOUBLE]: "double",
  [FieldDescriptorProto_Type.TYPE_FLOAT]: "float",
  [FieldDescriptorProto_Type.TYPE_INT64]: "int64",
  [FieldDescriptorProto_Type.TYPE_UINT64]: "uint64",
  [FieldDescriptorProto_Type.TYPE_INT32]: "int32",
  [FieldDescriptorProto_Type.TYPE_FIXED64]: "fixed64",
  [FieldDescriptorProto_Type.TYPE_FIXED32]: "fixed32",
  [FieldDescriptorProto_Type.TYPE_BOOL]: "bool",
  [FieldDescriptorProto_Type.TYPE_STRING]: "string",
  [FieldDescriptorProto_Type.TYPE_BYTES]: "bytes",
  [FieldDescriptorProto_Type.TYPE_UINT32]: "uint32",
  [FieldDescriptorProto_Type.TYPE_SFIXED32]: "sfixed32",
  [FieldDescriptorProto_Type.TYPE_SFIXED64]: "sfixed64",
  [FieldDescriptorProto_Type.TYPE_SINT32]: "sint32",
  [FieldDescriptorProto_Type.TYPE_SINT64]: "sint64",
};

const KIND_NAMES: Record<SchemaSymbol["kind"], string> = {
  service: "a service",
  method: "a method",
  message: "a message",
  enum: "an enum",
};

/**
 * Prints a definition as .proto source, the way `grpcurl describe` does: a first line saying what
 * `symbol` is, then its declaration (a message with its nested messages and enums, a service with
 * its methods). Type references are fully qualified with a leading dot, as in descriptors.
 */
export function describeSymbol(symbol: SchemaSymbol): string {
  const head = `${symbol.fullName} is ${KIND_NAMES[symbol.kind]}:\n`;
  switch (symbol.kind) {
    case "service":
      return head + serviceText(symbol.service, "");
    case "method":
      return `${head}${methodText(symbol.method)}\n`;
    case "message":
      return head + messageText(symbol.message, symbol.file, "");
    case "enum":
      return head + enumText(symbol.enum, "");
  }
}

function serviceText(service: ServiceDescriptorProto, indent: string): string {
  const lines = [`${indent}service ${service.name} {`];
  for (const method of service.method) lines.push(`${indent}  ${methodText(method)}`);
  lines.push(`${indent}}`);
  return `${lines.join("\n")}\n`;
}

function methodText(method: MethodDescriptorProto): string {
  const input = `${method.clientStreaming ? "stream " : ""}${method.inputType ?? ""}`;
  const output = `${method.serverStreaming ? "stream " : ""}${method.outputType ?? ""}`;
  return `rpc ${method.name} ( ${input} ) returns ( ${output} );`;
}

function messageText(message: DescriptorProto, file: FileDescriptorProto, indent: string): string {
  const syntax = file.syntax || "proto2";
  const mapEntries = new Map<string, DescriptorProto>();
  for (const nested of message.nestedType) if (nested.options?.mapEntry === true) mapEntries.set(nested.name ?? "", nested);
  const lines = [`${indent}message ${message.name} {`];
  const inner = `${indent}  `;
  const oneofsDone = new Set<number>();
  for (const field of message.field) {
    const oneof = field.proto3Optional === true ? undefined : field.oneofIndex;
    if (oneof === undefined) {
      lines.push(`${inner}${fieldText(field, syntax, mapEntries)}`);
      continue;
    }
    if (oneofsDone.has(oneof)) continue;
    oneofsDone.add(oneof);
    lines.push(`${inner}oneof ${message.oneofDecl[oneof]?.name ?? `oneof_${oneof}`} {`);
    for (const member of message.field)
      if (member.oneofIndex === oneof && member.proto3Optional !== true) lines.push(`${inner}  ${fieldText(member, "oneof", mapEntries)}`);
    lines.push(`${inner}}`);
  }
  for (const nested of message.nestedType) if (nested.options?.mapEntry !== true) lines.push(messageText(nested, file, inner).trimEnd());
  for (const nested of message.enumType) lines.push(enumText(nested, inner).trimEnd());
  for (const range of message.extensionRange) lines.push(`${inner}extensions ${rangeText(range.start ?? 0, (range.end ?? 1) - 1)};`);
  if (message.reservedRange.length > 0)
    lines.push(`${inner}reserved ${message.reservedRange.map((range) => rangeText(range.start ?? 0, (range.end ?? 1) - 1)).join(", ")};`);
  if (message.reservedName.length > 0)
    lines.push(`${inner}reserved ${message.reservedName.map((name) => JSON.stringify(name)).join(", ")};`);
  lines.push(`${indent}}`);
  return `${lines.join("\n")}\n`;
}

function rangeText(start: number, end: number): string {
  if (end >= 536_870_911) return `${start} to max`;
  return start === end ? `${start}` : `${start} to ${end}`;
}

function fieldText(field: FieldDescriptorProto, syntax: string, mapEntries: Map<string, DescriptorProto>): string {
  const options: string[] = [];
  if (field.defaultValue !== undefined)
    options.push(
      `default = ${field.type === FieldDescriptorProto_Type.TYPE_STRING ? JSON.stringify(field.defaultValue) : field.defaultValue}`,
    );
  if (field.options?.deprecated === true) options.push("deprecated = true");
  if (field.options?.packed !== undefined) options.push(`packed = ${field.options.packed}`);
  const suffix = options.length > 0 ? ` [${options.join(", ")}]` : "";
  const entry = field.typeName === undefined ? undefined : mapEntries.get(field.typeName.slice(field.typeName.lastIndexOf(".") + 1));
  if (entry !== undefined && field.label === FieldDescriptorProto_Label.LABEL_REPEATED) {
    const [key, value] = [entry.field.find((f) => f.number === 1), entry.field.find((f) => f.number === 2)];
    if (key !== undefined && value !== undefined)
      return `map<${typeText(key)}, ${typeText(value)}> ${field.name} = ${field.number}${suffix};`;
  }
  let label = "";
  if (field.label === FieldDescriptorProto_Label.LABEL_REPEATED) label = "repeated ";
  else if (field.label === FieldDescriptorProto_Label.LABEL_REQUIRED) label = "required ";
  else if (field.proto3Optional === true || (syntax === "proto2" && field.label === FieldDescriptorProto_Label.LABEL_OPTIONAL))
    label = "optional ";
  return `${label}${typeText(field)} ${field.name} = ${field.number}${suffix};`;
}

function typeText(field: FieldDescriptorProto): string {
  if (field.type === FieldDescriptorProto_Type.TYPE_GROUP) return `group ${field.typeName ?? ""}`;
  return (field.type !== undefined ? SCALAR_NAMES[field.type] : undefined) ?? field.typeName ?? "?";
}

function enumText(enumType: EnumDescriptorProto, indent: string): string {
  const lines = [`${indent}enum ${enumType.name} {`];
  if (enumType.options?.allowAlias === true) lines.push(`${indent}  option allow_alias = true;`);
  for (const value of enumType.value)
    lines.push(`${indent}  ${value.name} = ${value.number}${value.options?.deprecated === true ? " [deprecated = true]" : ""};`);
  if (enumType.reservedRange.length > 0)
    lines.push(
      `${indent}  reserved ${enumType.reservedRange.map((range) => (range.start === range.end ? `${range.start}` : `${range.start} to ${range.end}`)).join(", ")};`,
    );
  if (enumType.reservedName.length > 0)
    lines.push(`${indent}  reserved ${enumType.reservedName.map((name) => JSON.stringify(name)).join(", ")};`);
  lines.push(`${indent}}`);
  return `${lines.join("\n")}\n`;
}
