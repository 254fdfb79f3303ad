import protobuf from "protobufjs";
import { descriptorSchema } from "./descriptor-schema.js";

/** One option as protobufjs's parser records it, in declaration order: `{ name: value }`, a custom one as `{ "(pkg.ext)": value }`. */
export type ParsedOption = Readonly<Record<string, unknown>>;

/** The options messages of google/protobuf/descriptor.proto, by name. */
export type OptionsKind =
  | "FileOptions"
  | "MessageOptions"
  | "FieldOptions"
  | "OneofOptions"
  | "EnumOptions"
  | "EnumValueOptions"
  | "ServiceOptions"
  | "MethodOptions";

/** Options that are not options in the descriptor: protoc moves them into the field's own entries (json_name, default_value) or makes them up (proto3_optional). */
const NOT_OPTIONS = new Set(["json_name", "default", "proto3_optional"]);

/** The options of a reflection object in declaration order (protobufjs's typings misdeclare `parsedOptions`). */
export function parsedOptionsOf(object: protobuf.ReflectionObject | null): readonly ParsedOption[] | undefined {
  return (object as { parsedOptions?: ParsedOption[] | null } | null)?.parsedOptions ?? undefined;
}

/** "java_package" -> "javaPackage": the spelling of descriptor.json's field names. */
function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * A flat options object (what protobufjs keeps for enum values: `{ deprecated: true, "(ext).a": 1 }`)
 * as the parsed list, sub-fields of a custom option gathered into its value.
 */
export function parsedOptionsFromFlat(options: Readonly<Record<string, unknown>> | undefined): ParsedOption[] {
  const list: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(options ?? {})) {
    const match = /^(\([^)]+\))\.(.+)$/.exec(key);
    if (match === null) {
      list.push({ [key]: value });
      continue;
    }
    const name = match[1]!;
    let entry = list.find((candidate) => Object.hasOwn(candidate, name));
    if (entry === undefined) {
      entry = { [name]: {} };
      list.push(entry);
    }
    let target = entry[name] as Record<string, unknown>;
    const path = match[2]!.split(".");
    for (const part of path.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[path.at(-1)!] = value;
  }
  return list;
}

function encodeText(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Writes one value of a custom option (an extension field of the options message), unpacked, as protoc does. */
function writeExtension(writer: protobuf.Writer, extension: protobuf.Field, value: unknown, where: string): void {
  const resolved = extension.resolvedType;
  if (resolved instanceof protobuf.Type) {
    if ((resolved as { group?: boolean }).group === true || extension.delimited)
      throw new TypeError(`service: option ${where}: group-typed custom options are not supported`);
    if (typeof value !== "object" || value === null)
      throw new TypeError(`service: option ${where}: a message option takes { field: value, ... }`);
    const message = resolved.fromObject(value as Record<string, unknown>);
    writer.uint32((extension.id << 3) | 2).bytes(resolved.encode(message).finish());
    return;
  }
  if (resolved instanceof protobuf.Enum) {
    const number = typeof value === "number" ? value : resolved.values[String(value)];
    if (number === undefined)
      throw new TypeError(`service: option ${where}: ${String(value)} is not a value of ${resolved.fullName.slice(1)}`);
    writer.uint32(extension.id << 3).int32(number);
    return;
  }
  const type = extension.type;
  const wireType = protobuf.types.basic[type as keyof typeof protobuf.types.basic];
  if (wireType === undefined) throw new TypeError(`service: option ${where}: unknown type ${type}`);
  writer.uint32((extension.id << 3) | wireType);
  if (type === "string") writer.string(String(value));
  else if (type === "bytes") writer.bytes(encodeText(String(value)));
  else if (type === "bool") writer.bool(value === true || value === "true");
  else (writer[type as "int64"] as (value: number | string) => protobuf.Writer).call(writer, value as number | string);
}

/** The extension declaration a custom option `(name)` names, looked up from `scope` outwards as protoc does. */
function extensionOf(name: string, scope: protobuf.NamespaceBase | null, kind: OptionsKind): protobuf.Field {
  const path = name.slice(1, -1);
  // A root loaded without keepCase has the extension under its camelCase name.
  const parts = path.split(".");
  const camel = [...parts.slice(0, -1), protobuf.util.camelCase(parts.at(-1) ?? "")].join(".");
  let found: protobuf.ReflectionObject | null = null;
  for (let current: protobuf.NamespaceBase | null = scope; current !== null && found === null; current = current.parent)
    for (const candidatePath of camel === path ? [path] : [path, camel]) {
      const candidate = current.lookup(candidatePath);
      if (found === null && candidate instanceof protobuf.Field && candidate.extend !== undefined && candidate.declaringField === null)
        found = candidate;
    }
  if (!(found instanceof protobuf.Field))
    throw new TypeError(`service: custom option ${name} names no extension of google.protobuf.${kind}`);
  found.resolve();
  return found;
}

/**
 * The serialized google.protobuf.<kind> of `options` as protoc writes it: the options descriptor.proto
 * declares, in field-number order, then each custom option (an extension found from `scope`) in
 * declaration order, one entry per statement. undefined when there are none.
 * https://protobuf.dev/programming-guides/proto3/#customoptions
 */
export function encodeOptions(
  kind: OptionsKind,
  options: readonly ParsedOption[] | null | undefined,
  scope: protobuf.NamespaceBase | null,
): Uint8Array | undefined {
  if (options === null || options === undefined || options.length === 0) return undefined;
  const type = descriptorSchema.lookupType(`google.protobuf.${kind}`);
  const known: Record<string, unknown> = {};
  const custom: [string, unknown][] = [];
  let any = false;
  for (const option of options)
    for (const [name, value] of Object.entries(option)) {
      if (NOT_OPTIONS.has(name) || name.startsWith("features")) continue;
      any = true;
      if (name.startsWith("(")) custom.push([name, value]);
      else {
        const field = type.fields[camelCase(name)];
        if (field === undefined) throw new TypeError(`service: ${name} is not an option of google.protobuf.${kind}`);
        known[field.name] = field.repeated ? [...((known[field.name] as unknown[] | undefined) ?? []), value] : value;
      }
    }
  if (!any) return undefined;
  const head = type.encode(type.fromObject(known)).finish();
  const bytes: Uint8Array[] = [head];
  for (const [name, value] of custom) {
    const extension = extensionOf(name, scope, kind);
    const part = protobuf.Writer.create();
    for (const item of extension.repeated && Array.isArray(value) ? value : [value]) writeExtension(part, extension, item, name);
    bytes.push(part.finish());
  }
  const total = bytes.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of bytes) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
