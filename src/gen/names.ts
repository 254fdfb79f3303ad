/**
 * Names in generated code: lowerCamelCase properties, `_`-joined nested types, and the `$`
 * suffix that keeps a name from meaning something else in JavaScript.
 */

/** Members of Object.prototype: a property with one of these names would shadow it. */
const PROTOTYPE_MEMBERS = new Set([
  "constructor",
  "toString",
  "toLocaleString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "__proto__",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
]);

/** Reserved words, strict-mode and TypeScript keywords, and the standard globals a type or constant name must not shadow. */
const RESERVED_NAMES = new Set([
  // ECMAScript reserved words and strict-mode reserved words
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "let",
  "static",
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
  "await",
  "arguments",
  "eval",
  // TypeScript type names and keywords that cannot name a type
  "any",
  "unknown",
  "never",
  "object",
  "string",
  "number",
  "boolean",
  "bigint",
  "symbol",
  "undefined",
  "type",
  "declare",
  "namespace",
  "module",
  "abstract",
  "as",
  "async",
  "is",
  "keyof",
  "readonly",
  "require",
  "infer",
  "satisfies",
  // standard globals
  "globalThis",
  "Object",
  "Function",
  "Array",
  "Number",
  "Boolean",
  "String",
  "Symbol",
  "BigInt",
  "Date",
  "RegExp",
  "Error",
  "AggregateError",
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
  "Promise",
  "Proxy",
  "Reflect",
  "JSON",
  "Math",
  "Intl",
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "WeakRef",
  "FinalizationRegistry",
  "ArrayBuffer",
  "SharedArrayBuffer",
  "DataView",
  "Atomics",
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "Iterator",
  "AsyncIterator",
  "Generator",
  "AsyncGenerator",
  "NaN",
  "Infinity",
  "isNaN",
  "isFinite",
  "parseInt",
  "parseFloat",
  "encodeURI",
  "decodeURI",
  "encodeURIComponent",
  "decodeURIComponent",
  "escape",
  "unescape",
  "Buffer",
  "TextEncoder",
  "TextDecoder",
  "URL",
  "URLSearchParams",
  "AbortController",
  "AbortSignal",
  "Event",
  "EventTarget",
  "console",
  "process",
  "global",
  "setTimeout",
  "setInterval",
  "clearTimeout",
  "clearInterval",
  "queueMicrotask",
  "structuredClone",
  "Record",
  "Partial",
  "Required",
  "Readonly",
  "Pick",
  "Omit",
  "Exclude",
  "Extract",
  "NonNullable",
  "ReturnType",
  "InstanceType",
  "Parameters",
  "Awaited",
  "PropertyKey",
]);

/** A property name (field, oneof, method local name): a member of Object.prototype gets a `$` suffix. */
export function safePropertyName(name: string): string {
  return PROTOTYPE_MEMBERS.has(name) ? `${name}$` : name;
}

/** A type, enum, constant or service name: a reserved word or standard global gets a `$` suffix. */
export function safeTypeName(name: string): string {
  return RESERVED_NAMES.has(name) ? `${name}$` : name;
}

/**
 * The lowerCamelCase form of a proto field or oneof name, as protoc forms JSON names
 * (underscores dropped, the letter after one upper-cased), with a lower-case first letter.
 */
export function lowerCamelCase(name: string): string {
  let out = "";
  let upper = false;
  for (const char of name) {
    if (char === "_") {
      upper = out.length > 0;
      continue;
    }
    out += upper ? char.toUpperCase() : char;
    upper = false;
  }
  return out.charAt(0).toLowerCase() + out.slice(1);
}

/** The local name of a method: its name with a lower-case first letter ("SayHello" -> "sayHello"). */
export function methodLocalName(name: string): string {
  return safePropertyName(name.charAt(0).toLowerCase() + name.slice(1));
}

/** A JSDoc block from a .proto comment, indented; empty when there is none. */
export function docComment(comment: string | null | undefined, indent = ""): string {
  if (comment === null || comment === undefined || comment.trim() === "") return "";
  const lines = comment.replace(/\*\//g, "*\\/").trim().split("\n");
  return `${indent}/**\n${lines.map((line) => `${indent} *${line.trim() === "" ? "" : ` ${line.trim()}`}`).join("\n")}\n${indent} */\n`;
}
