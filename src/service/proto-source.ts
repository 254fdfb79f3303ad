import protobuf from "protobufjs";
import { parsedOptionsOf } from "./descriptor-options.js";
import type { FileDescriptorSource } from "./file-descriptor.js";

/** "foo_bar" -> "FooBarEntry": the name protoc gives a map field's entry message. */
export function mapEntryName(field: string): string {
  return `${field
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")}Entry`;
}

/**
 * The key of a field (or `extend` field) in FileDescriptorSource.declaredNames: its parent's full
 * name, its number, and what it extends; the same whatever case protobufjs gave the names.
 */
export function declaredKey(field: protobuf.Field): string {
  return `${field.parent?.fullName ?? ""}#${field.id}#${field.extend ?? ""}`;
}

/** The imports of a .proto text in declaration order, with which are `public` and which `weak` (protobufjs's parser mixes public in with the rest). */
function scanImports(text: string): { imports: string[]; publicImports: string[]; weakImports: string[] } {
  const tokens = protobuf.tokenize(text, true);
  const imports: string[] = [];
  const publicImports: string[] = [];
  const weakImports: string[] = [];
  let depth = 0;
  for (let token = tokens.next(); token !== null; token = tokens.next()) {
    if (token === '"' || token === "'") {
      tokens.next();
      tokens.next();
    } else if (token === "{") depth++;
    else if (token === "}") depth--;
    else if (token === "import" && depth === 0) {
      let quote = tokens.next();
      const modifier = quote === "public" || quote === "weak" ? quote : undefined;
      if (modifier !== undefined) quote = tokens.next();
      if (quote !== '"' && quote !== "'") continue;
      const name = tokens.next() ?? "";
      tokens.next();
      imports.push(name);
      if (modifier === "public") publicImports.push(name);
      if (modifier === "weak") weakImports.push(name);
    }
  }
  return { imports, publicImports, weakImports };
}

/**
 * What the FileDescriptorProto of a .proto file needs beyond the definitions protobufjs resolved
 * into a shared root: the file's own options (protobufjs keeps them on the package namespace,
 * which files of one package share), public and weak imports, and in each message the order in
 * which nested messages and map fields were declared (protoc lists map entry messages among the
 * nested ones in that order). Read from a parse of the text on its own, `name` being its import name.
 */
export function describeProtoText(text: string, name: string): FileDescriptorSource {
  const root = new protobuf.Root();
  const order = new Map<protobuf.Type, string[]>();
  const add = protobuf.Type.prototype.add;
  // The parser adds fields and nested types to a message in source order, each through add: a
  // temporary wrapper on this synchronous parse records that order, and is removed right after.
  protobuf.Type.prototype.add = function recordOrder(this: protobuf.Type, object: protobuf.ReflectionObject) {
    const names = order.get(this) ?? [];
    order.set(this, names);
    if (object instanceof protobuf.MapField) names.push(mapEntryName(object.name));
    else if (object instanceof protobuf.Type) names.push(object.name);
    return add.call(this, object);
  };
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(text, root, { keepCase: true, alternateCommentMode: true });
  } finally {
    protobuf.Type.prototype.add = add;
  }
  const packageName = parsed.package ?? "";
  const namespace = packageName === "" ? root : root.lookup(packageName);
  const options = [...(parsedOptionsOf(root) ?? []), ...(namespace !== root ? (parsedOptionsOf(namespace) ?? []) : [])];
  const declared = /^\s*(?:syntax|edition)\s*=\s*["']([^"']+)["']/m.exec(text)?.[1] ?? "proto2";
  const nestedOrder = new Map<string, readonly string[]>();
  for (const [type, names] of order) nestedOrder.set(type.fullName, names);
  const declaredNames = new Map<string, string>();
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Field) declaredNames.set(declaredKey(nested), nested.name);
      if (nested instanceof protobuf.Type) {
        for (const field of nested.fieldsArray) declaredNames.set(declaredKey(field), field.name);
        for (const [index, oneof] of nested.oneofsArray.entries()) declaredNames.set(`${nested.fullName}%${index}`, oneof.name);
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return {
    name,
    package: packageName,
    syntax: declared === "proto3" ? "proto3" : declared === "proto2" ? "proto2" : "editions",
    ...scanImports(text),
    options,
    nestedOrder,
    declaredNames,
  };
}
