import { Code, GrpcError } from "../status/index.js";

/**
 * Where the mapping is inside a message, for error messages: the root type's full name, then
 * ".field", "[index]" and "[\"key\"]" segments. One stack per conversion, pushed and popped as the
 * walk goes down and up, so a message costs no string building until something fails.
 */
export class JsonPath {
  readonly #segments: string[];
  /** How many messages deep the walk is (the root message is 1). */
  depth = 0;

  constructor(rootTypeName: string) {
    this.#segments = [rootTypeName];
  }

  /** Enters the field `name` of the current message. */
  field(name: string): void {
    this.#segments.push(`.${name}`);
  }

  /** Enters element `index` of a list. */
  index(index: number): void {
    this.#segments.push(`[${index}]`);
  }

  /** Enters the entry `key` of a map. */
  key(key: string): void {
    this.#segments.push(`[${JSON.stringify(key)}]`);
  }

  /** Leaves the segment entered last. */
  pop(): void {
    this.#segments.pop();
  }

  /** The path as text ("grpc.testing.SimpleRequest.payload.body"). */
  toString(): string {
    return this.#segments.join("");
  }

  /** A GrpcError(INVALID_ARGUMENT) "json: <path>: <problem>". */
  error(problem: string, cause?: unknown): GrpcError {
    return new GrpcError(Code.InvalidArgument, `json: ${this.toString()}: ${problem}`, cause === undefined ? undefined : { cause });
  }
}

/** A short JSON rendering of a bad input value for an error message (long values are cut). */
export function describeJson(value: unknown): string {
  let text: string;
  if (value === undefined) text = "undefined";
  else if (typeof value === "bigint") text = `${value}`;
  else if (typeof value === "number") text = `${value}`;
  else {
    try {
      // Numbers of JSON text (JsonNumber) are shown as written.
      text = (
        JSON.stringify(value, (_, item: unknown) => (isNumberText(item) ? `\u0000${item.text}\u0000` : item)) ?? String(value)
      ).replace(/"\\u0000(.*?)\\u0000"/g, "$1");
    } catch {
      text = Array.isArray(value) ? "an array" : "an object";
    }
  }
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

function isNumberText(value: unknown): value is { text: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    "text" in value &&
    typeof value.text === "string" &&
    Object.keys(value).length === 1
  );
}
