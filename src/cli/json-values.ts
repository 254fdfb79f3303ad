/** Deepest nesting of arrays and objects accepted in one JSON value (protobuf's JSON parsers stop at 100 messages). */
const MAX_DEPTH = 512;

/** A JSON syntax mistake at an index of the text scanned. */
class JsonSyntaxError extends Error {
  readonly at: number;

  constructor(at: number, message: string) {
    super(message);
    this.at = at;
  }
}

/** The text ran out inside a value: more may come. */
const INCOMPLETE = Symbol("incomplete");

/**
 * Splits a stream of JSON values (concatenated, or separated by whitespace and newlines) into the
 * text of each complete value as soon as it has arrived, so that requests read from a pipe are
 * sent one by one. A syntax mistake throws a SyntaxError naming its line and column in the whole
 * stream ("line 3, column 7: expected ':' after an object key"); the text of each value is valid
 * JSON, handed on unparsed so that big integers keep their digits.
 */
export class JsonValueSplitter {
  #buffer = "";
  /** Line and column of #buffer[0] in the whole stream, 1-based. */
  #line = 1;
  #column = 1;

  /** Adds text; returns the values it completes. */
  push(text: string): string[] {
    this.#buffer += text;
    return this.#take(false);
  }

  /** Ends the stream; returns the last value, or throws if the text stops inside one. */
  end(): string[] {
    return this.#take(true);
  }

  #take(final: boolean): string[] {
    const values: string[] = [];
    let start = skipWhitespace(this.#buffer, 0);
    try {
      while (start < this.#buffer.length) {
        const end = scanValue(this.#buffer, start, final, 0);
        if (end === INCOMPLETE) break;
        values.push(this.#buffer.slice(start, end));
        if (end < this.#buffer.length && !/[\s]/.test(this.#buffer[end]!) && !/^[[{"]/.test(this.#buffer[end]!)) {
          // "1true" or "{}x": a value must be followed by whitespace, another object or array, or the end.
          const previous = this.#buffer[end - 1]!;
          if (previous !== "}" && previous !== "]" && previous !== '"')
            throw new JsonSyntaxError(end, `unexpected ${describe(this.#buffer[end])} after a value`);
        }
        start = skipWhitespace(this.#buffer, end);
      }
      if (final && start < this.#buffer.length) throw new JsonSyntaxError(this.#buffer.length, "unexpected end of input inside a value");
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      const { line, column } = this.#position(error.at);
      throw new SyntaxError(`line ${line}, column ${column}: ${error.message}`);
    }
    this.#advance(start);
    return values;
  }

  #position(at: number): { line: number; column: number } {
    let { line, column } = { line: this.#line, column: this.#column };
    for (let i = 0; i < at && i < this.#buffer.length; i++) {
      if (this.#buffer[i] === "\n") {
        line++;
        column = 1;
      } else column++;
    }
    return { line, column };
  }

  #advance(to: number): void {
    const { line, column } = this.#position(to);
    this.#line = line;
    this.#column = column;
    this.#buffer = this.#buffer.slice(to);
  }
}

function skipWhitespace(text: string, at: number): number {
  while (at < text.length && (text[at] === " " || text[at] === "\t" || text[at] === "\n" || text[at] === "\r")) at++;
  return at;
}

function describe(char: string | undefined): string {
  return char === undefined ? "end of input" : JSON.stringify(char);
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The index after the value that starts at `at`, INCOMPLETE if the text ends first, or a JsonSyntaxError. */
function scanValue(text: string, at: number, final: boolean, depth: number): number | typeof INCOMPLETE {
  if (at >= text.length) return final ? fail(at, "unexpected end of input, expected a value") : INCOMPLETE;
  const char = text[at]!;
  if (char === "{" || char === "[") {
    if (depth >= MAX_DEPTH) fail(at, `nesting deeper than ${MAX_DEPTH} levels`);
    const close = char === "{" ? "}" : "]";
    let i = skipWhitespace(text, at + 1);
    if (i >= text.length) return final ? fail(i, `unexpected end of input, expected ${JSON.stringify(close)}`) : INCOMPLETE;
    if (text[i] === close) return i + 1;
    for (;;) {
      if (char === "{") {
        if (text[i] !== '"') fail(i, `expected a string key, got ${describe(text[i])}`);
        const key = scanString(text, i, final);
        if (key === INCOMPLETE) return INCOMPLETE;
        i = skipWhitespace(text, key);
        if (i >= text.length) return final ? fail(i, "unexpected end of input, expected ':'") : INCOMPLETE;
        if (text[i] !== ":") fail(i, `expected ':' after an object key, got ${describe(text[i])}`);
        i = skipWhitespace(text, i + 1);
      }
      const end = scanValue(text, i, final, depth + 1);
      if (end === INCOMPLETE) return INCOMPLETE;
      i = skipWhitespace(text, end);
      if (i >= text.length) return final ? fail(i, `unexpected end of input, expected ',' or ${JSON.stringify(close)}`) : INCOMPLETE;
      if (text[i] === close) return i + 1;
      if (text[i] !== ",") fail(i, `expected ',' or ${JSON.stringify(close)}, got ${describe(text[i])}`);
      i = skipWhitespace(text, i + 1);
      if (i >= text.length) return final ? fail(i, "unexpected end of input after ','") : INCOMPLETE;
      if (text[i] === close) fail(i, `trailing comma before ${JSON.stringify(close)}`);
    }
  }
  if (char === '"') return scanString(text, at, final);
  if (char === "-" || (char >= "0" && char <= "9")) {
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    const end = match === null ? at : at + match[0].length;
    // The number may go on in the next chunk ("-2." before "5e3").
    if (!final && /^[\d.eE+-]*$/.test(text.slice(end))) return INCOMPLETE;
    if (match === null || /[\d.eE+-]/.test(text[end] ?? "")) fail(match === null ? at : end, "malformed number");
    return end;
  }
  for (const literal of ["true", "false", "null"]) {
    if (!literal.startsWith(char)) continue;
    const part = text.slice(at, at + literal.length);
    if (part === literal) return at + literal.length;
    if (!final && literal.startsWith(part)) return INCOMPLETE;
    for (let i = 0; i < part.length; i++) if (part[i] !== literal[i]) fail(at + i, `unexpected ${describe(part[i])} (expected ${literal})`);
    fail(at + part.length, `unexpected end of input (expected ${literal})`);
  }
  return fail(at, `unexpected ${describe(char)}, expected a value`);
}

/** The index after the string that starts (with its quote) at `at`. */
function scanString(text: string, at: number, final: boolean): number | typeof INCOMPLETE {
  for (let i = at + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) fail(i, "control character in a string (escape it)");
    if (code !== 0x5c) continue;
    const escaped = text[i + 1];
    if (escaped === undefined) break;
    if (escaped === "u") {
      const hex = text.slice(i + 2, i + 6);
      if (hex.length < 4 && i + 2 + hex.length >= text.length && /^[0-9a-fA-F]*$/.test(hex)) break;
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(i, "malformed \\u escape");
      i += 5;
    } else if ('"\\/bfnrt'.includes(escaped)) i++;
    else fail(i, `unknown escape \\${escaped}`);
  }
  return final ? fail(text.length, "unexpected end of input inside a string") : INCOMPLETE;
}

function fail(at: number, message: string): never {
  throw new JsonSyntaxError(at, message);
}
