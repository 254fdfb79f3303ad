import { FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as Type } from "../wkt/index.js";
import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto } from "../wkt/index.js";
import type { EnumInfo, FieldInfo, MessageInfo } from "./descriptor-info.js";
import { jsonNameOf } from "./json-name.js";

/** FieldInfo while it is built: the type reference is resolved once every symbol is known. */
export type MutableField = { -readonly [K in keyof FieldInfo]: FieldInfo[K] };

/** The message and enum types one file declares (nested ones included), before type references are resolved. */
export interface FileSymbols {
  readonly messages: MessageInfo[];
  readonly enums: EnumInfo[];
  /** The extensions the file declares (top level and nested in messages), with their scope for resolving names. */
  readonly extensions: { readonly field: MutableField; readonly extendee: string; readonly scope: string }[];
}

/** Lists the messages and enums of `file` with their fields, by full name; field types are resolved later. */
export function symbolsOfFile(file: FileDescriptorProto): FileSymbols {
  const fileName = file.name ?? "";
  const syntax = file.syntax === "proto3" || file.syntax === "editions" ? file.syntax : "proto2";
  const symbols: FileSymbols = { messages: [], enums: [], extensions: [] };
  const prefix = file.package === undefined || file.package === "" ? "" : `${file.package}.`;
  for (const message of file.messageType) addMessage(symbols, message, prefix, fileName, syntax);
  for (const extension of file.extension) addExtension(symbols, extension, prefix, syntax);
  for (const type of file.enumType) symbols.enums.push(enumInfo(type, prefix, fileName));
  return symbols;
}

function addMessage(symbols: FileSymbols, message: DescriptorProto, prefix: string, file: string, syntax: string): void {
  const name = message.name ?? "";
  const fullName = `${prefix}${name}`;
  const realOneofs: string[] = [];
  const oneofIndexes = new Map<number, number>();
  message.oneofDecl.forEach((oneof, index) => {
    const synthetic = message.field.some((field) => field.oneofIndex === index && field.proto3Optional === true);
    if (!synthetic) {
      oneofIndexes.set(index, realOneofs.length);
      realOneofs.push(oneof.name ?? "");
    }
  });
  const fields = [...message.field]
    .sort((a, b) => (a.number ?? 0) - (b.number ?? 0))
    .map((field, index) => fieldInfo(field, index, fullName, syntax, realOneofs, oneofIndexes));
  const fieldsByJsonKey = new Map<string, FieldInfo>();
  for (const field of fields) {
    fieldsByJsonKey.set(field.jsonName, field);
    fieldsByJsonKey.set(field.name, field);
  }
  symbols.messages.push({
    name,
    fullName,
    file,
    syntax,
    isMapEntry: message.options?.mapEntry === true,
    fields,
    fieldsByNumber: new Map(fields.map((field) => [field.number, field])),
    fieldsByJsonKey,
    oneofs: realOneofs,
    extensionsByNumber: new Map(),
    extensionsByJsonKey: new Map(),
    descriptor: message,
  });
  for (const extension of message.extension) addExtension(symbols, extension, `${fullName}.`, syntax);
  for (const nested of message.nestedType) addMessage(symbols, nested, `${fullName}.`, file, syntax);
  for (const type of message.enumType) symbols.enums.push(enumInfo(type, `${fullName}.`, file));
}

/** An extension declared in scope `prefix` ("pkg." or "pkg.Outer."); its index is set when it is added to its extendee. */
function addExtension(symbols: FileSymbols, extension: FieldDescriptorProto, prefix: string, syntax: string): void {
  const field = fieldInfo(extension, -1, "", syntax, [], new Map());
  field.fullName = `${prefix}${field.name}`;
  field.jsonName = `[${field.fullName}]`;
  field.extension = true;
  field.hasPresence = !field.repeated;
  field.oneofIndex = undefined;
  field.oneofName = undefined;
  symbols.extensions.push({ field, extendee: extension.extendee ?? "", scope: prefix.slice(0, -1) });
}

function fieldInfo(
  field: FieldDescriptorProto,
  index: number,
  messageName: string,
  syntax: string,
  realOneofs: readonly string[],
  oneofIndexes: ReadonlyMap<number, number>,
): MutableField {
  const name = field.name ?? "";
  const label = field.label ?? Label.LABEL_OPTIONAL;
  const type = field.type ?? Type.TYPE_MESSAGE;
  const repeated = label === Label.LABEL_REPEATED;
  const oneofIndex = field.oneofIndex === undefined ? undefined : oneofIndexes.get(field.oneofIndex);
  const packable = type !== Type.TYPE_STRING && type !== Type.TYPE_BYTES && type !== Type.TYPE_MESSAGE && type !== Type.TYPE_GROUP;
  const packedOption = field.options?.packed;
  return {
    number: field.number ?? 0,
    name,
    fullName: `${messageName}.${name}`,
    jsonName: field.jsonName ?? jsonNameOf(name),
    type,
    label,
    index,
    repeated,
    packed: repeated && packable && (syntax === "proto3" ? packedOption !== false : packedOption === true),
    hasPresence:
      !repeated && (type === Type.TYPE_MESSAGE || type === Type.TYPE_GROUP || field.oneofIndex !== undefined || syntax !== "proto3"),
    oneofIndex,
    oneofName: oneofIndex === undefined ? undefined : realOneofs[oneofIndex],
    proto3Optional: field.proto3Optional === true,
    typeName: field.typeName,
    message: undefined,
    enum: undefined,
    map: undefined,
    extension: false,
    extendee: undefined,
    descriptor: field,
  };
}

function enumInfo(type: EnumDescriptorProto, prefix: string, file: string): EnumInfo {
  const name = type.name ?? "";
  const values = type.value.map((value) => ({ name: value.name ?? "", number: value.number ?? 0 }));
  const namesByNumber = new Map<number, string>();
  for (const value of values) if (!namesByNumber.has(value.number)) namesByNumber.set(value.number, value.name);
  return {
    name,
    fullName: `${prefix}${name}`,
    file,
    values,
    numbersByName: new Map(values.map((value) => [value.name, value.number])),
    namesByNumber,
    descriptor: type,
  };
}
