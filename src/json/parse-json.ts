import type { JsonPath } from "./json-path.js";

/**
 * A number of JSON text, kept as written: JSON.parse would round 18446744073709551615 to a
 * double before a uint64 field could see it, so the mapping reads the digits itself.
 */
export class JsonNumber {
  /** The number as written ("1e5", "-0", "18446744073709551615"). */
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

/** A parsed JSON value whose numbers may be JsonNumber (from text) or number (from a caller's object). */
export type JsonInput = null | boolean | number | JsonNumber | string | readonly JsonInput[] | { readonly [key: string]: JsonInput };

/** How deeply JSON text may nest: above any message within the recursion limit (a list adds a level). */
export const JSON_TEXT_MAX_NESTING = 256;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a JSON string ends at a raw control character (RFC 8259 §7).
const STRING_RUN = /[^"\\\u0000-\u001f]*/y;
const WHITESPACE = /[ \t\n\r]*/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Parses JSON text (RFC 8259) into a JsonInput: numbers stay JsonNumber, objects have no
 * prototype, and a key repeated in one object is an error (protobuf rejects a field given twice).
 * Errors are GrpcError(INVALID_ARGUMENT) "json: <type>: invalid JSON at offset N: ...".
 */
export function parseJsonText(text: string, path: JsonPath): JsonInput {
  let pos = 0;
  const fail = (problem: string): never => {
    throw path.error(`invalid JSON at offset ${pos}: ${problem}`);
  };
  const skipSpace = (): void => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.test(text);
    pos = WHITESPACE.lastIndex;
  };
  const readString = (): string => {
    pos++; // the opening quote
    let result = "";
    for (;;) {
      STRING_RUN.lastIndex = pos;
      STRING_RUN.test(text);
      result += text.slice(pos, STRING_RUN.lastIndex);
      pos = STRING_RUN.lastIndex;
      const char = text[pos];
      if (char === '"') {
        pos++;
        return result;
      }
      if (char === undefined) return fail("unterminated string");
      if (char !== "\\") return fail("control character in a string");
      const escaped = text[pos + 1] ?? "";
      if (escaped === "u") {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return fail(`bad \\u escape`);
        result += String.fromCharCode(Number.parseInt(hex, 16));
        pos += 6;
      } else {
        const decoded = ESCAPES[escaped];
        if (decoded === undefined) return fail(`bad escape \\${escaped}`);
        result += decoded;
        pos += 2;
      }
    }
  };
  const readValue = (nesting: number): JsonInput => {
    skipSpace();
    const char = text[pos];
    if (char === "{" || char === "[") {
      if (nesting >= JSON_TEXT_MAX_NESTING) return fail(`nesting deeper than ${JSON_TEXT_MAX_NESTING}`);
      pos++;
      skipSpace();
      if (char === "[") {
        const list: JsonInput[] = [];
        if (text[pos] === "]") {
          pos++;
          return list;
        }
        for (;;) {
          list.push(readValue(nesting + 1));
          skipSpace();
          const next = text[pos];
          if (next !== "]" && next !== ",") return fail(`expected "," or "]"`);
          pos++;
          if (next === "]") return list;
        }
      }
      const object: { [key: string]: JsonInput } = Object.create(null);
      if (text[pos] === "}") {
        pos++;
        return object;
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') return fail("expected a key in quotes");
        const key = readString();
        if (Object.hasOwn(object, key)) return fail(`key ${JSON.stringify(key)} appears twice`);
        skipSpace();
        if (text[pos] !== ":") return fail(`expected ":"`);
        pos++;
        object[key] = readValue(nesting + 1);
        skipSpace();
        const next = text[pos];
        if (next !== "}" && next !== ",") return fail(`expected "," or "}"`);
        pos++;
        if (next === "}") return object;
      }
    }
    if (char === '"') return readString();
    if (text.startsWith("true", pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith("null", pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    if (NUMBER.test(text)) {
      const number = new JsonNumber(text.slice(pos, NUMBER.lastIndex));
      pos = NUMBER.lastIndex;
      return number;
    }
    return fail(char === undefined ? "unexpected end" : `unexpected ${JSON.stringify(char)}`);
  };
  const value = readValue(0);
  skipSpace();
  if (pos < text.length) fail("text after the value");
  return value;
}
