import { FieldDescriptorProto_Type as Type } from "../wkt/index.js";
import { base64FromBytes, bytesFromBase64Text } from "./base64.js";
import { type JsonPath, describeJson } from "./json-path.js";
import type { JsonValue } from "./json-value.js";
import { type JsonInput, JsonNumber } from "./parse-json.js";
import type { EnumSchema } from "./schema.js";
import type { ScalarValue } from "./scalar-wire.js";

const NUMBER_TEXT = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const INTEGER_PARTS = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;
/** More significant digits than any 64-bit integer has: out of range whatever follows. */
const MAX_INTEGER_DIGITS = 20;

interface IntegerRange {
  readonly name: string;
  readonly min: bigint;
  readonly max: bigint;
}

const INT32: IntegerRange = { name: "int32", min: -(2n ** 31n), max: 2n ** 31n - 1n };
const UINT32: IntegerRange = { name: "uint32", min: 0n, max: 2n ** 32n - 1n };
const INT64: IntegerRange = { name: "int64", min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64: IntegerRange = { name: "uint64", min: 0n, max: 2n ** 64n - 1n };

/** The JSON of a decoded scalar (enums excluded): 64-bit integers as strings, bytes as base64, NaN/Infinity as strings. */
export function scalarToJson(type: Type, value: ScalarValue): JsonValue {
  switch (type) {
    case Type.TYPE_INT64:
    case Type.TYPE_UINT64:
    case Type.TYPE_FIXED64:
    case Type.TYPE_SFIXED64:
    case Type.TYPE_SINT64:
      return (value as bigint).toString();
    case Type.TYPE_FLOAT:
      return floatToJson(shortestFloat32(value as number));
    case Type.TYPE_DOUBLE:
      return floatToJson(value as number);
    case Type.TYPE_BYTES:
      return base64FromBytes(value as Uint8Array);
    default:
      return value as JsonValue;
  }
}

/** The JSON of an enum value: its name, or its number when unknown or asked for. */
export function enumToJson(schema: EnumSchema, value: number, asInteger: boolean): JsonValue {
  if (schema.fullName === "google.protobuf.NullValue") return null;
  if (asInteger) return value;
  return schema.namesByNumber.get(value) ?? value;
}

function floatToJson(value: number): JsonValue {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}

/**
 * The shortest decimal that reads back as the same float32 (as protobuf prints floats: 0.1f is
 * 0.1, not 0.10000000149011612).
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let precision = 6; precision < 9; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}

/**
 * Reads a scalar of `type` (not an enum) from JSON. Returns what writeScalar takes; wrong
 * types and out-of-range values are GrpcError(INVALID_ARGUMENT) naming `path`.
 */
export function scalarFromJson(type: Type, json: JsonInput, path: JsonPath): ScalarValue {
  switch (type) {
    case Type.TYPE_INT32:
    case Type.TYPE_SINT32:
    case Type.TYPE_SFIXED32:
      return Number(integerFromJson(json, INT32, path));
    case Type.TYPE_UINT32:
    case Type.TYPE_FIXED32:
      return Number(integerFromJson(json, UINT32, path));
    case Type.TYPE_INT64:
    case Type.TYPE_SINT64:
    case Type.TYPE_SFIXED64:
      return integerFromJson(json, INT64, path);
    case Type.TYPE_UINT64:
    case Type.TYPE_FIXED64:
      return integerFromJson(json, UINT64, path);
    case Type.TYPE_FLOAT:
    case Type.TYPE_DOUBLE:
      return floatFromJson(json, type === Type.TYPE_FLOAT, path);
    case Type.TYPE_BOOL:
      if (typeof json !== "boolean") throw path.error(`expected true or false, got ${describeJson(json)}`);
      return json;
    case Type.TYPE_STRING:
      if (typeof json !== "string") throw path.error(`expected a string, got ${describeJson(json)}`);
      if (LONE_SURROGATE.test(json)) throw path.error("string is not valid UTF-16 (a lone surrogate)");
      return json;
    default: {
      if (typeof json !== "string") throw path.error(`expected base64 text, got ${describeJson(json)}`);
      const bytes = bytesFromBase64Text(json);
      if (bytes === undefined) throw path.error(`expected base64 text, got ${describeJson(json)}`);
      return bytes;
    }
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Reads an enum value: a value name, or an integer (proto3 enums are open). Returns undefined for
 * an unknown name when `ignoreUnknown` (the field is then left unset, as protobuf does).
 */
export function enumFromJson(schema: EnumSchema, json: JsonInput, ignoreUnknown: boolean, path: JsonPath): number | undefined {
  if (typeof json === "string") {
    const number = schema.numbersByName.get(json);
    if (number !== undefined) return number;
    if (ignoreUnknown) return undefined;
    throw path.error(`${describeJson(json)} is not a value of enum ${schema.fullName}`);
  }
  if (typeof json === "number" || json instanceof JsonNumber) return Number(integerFromJson(json, INT32, path));
  throw path.error(`expected an enum value name or an integer, got ${describeJson(json)}`);
}

/**
 * Reads an integer from a JSON number or string, in range for `range`. Exponents and zero
 * fractions are accepted ("1e5", 100.0), as the spec says; anything fractional is not.
 */
function integerFromJson(json: JsonInput, range: IntegerRange, path: JsonPath): bigint {
  let value: bigint | undefined;
  if (typeof json === "number") {
    if (!Number.isInteger(json)) throw path.error(`expected an integer, got ${describeJson(json)}`);
    value = BigInt(json);
  } else if (json instanceof JsonNumber || typeof json === "string") {
    const text = typeof json === "string" ? json : json.text;
    value = integerFromText(text);
    if (value === undefined) throw path.error(`expected an integer, got ${describeJson(json)}`);
    if (value === OUT_OF_RANGE) throw path.error(`${describeJson(json)} is out of range for ${range.name}`);
  } else {
    throw path.error(`expected an integer, got ${describeJson(json)}`);
  }
  if (value < range.min || value > range.max) throw path.error(`${describeJson(json)} is out of range for ${range.name}`);
  return value;
}

/** A marker integerFromText returns for a well-formed integer too large for any 64-bit type. */
const OUT_OF_RANGE = 2n ** 128n;

/** The exact integer a JSON number's text denotes, OUT_OF_RANGE when huge, undefined when not an integer. */
function integerFromText(text: string): bigint | undefined {
  const parts = INTEGER_PARTS.exec(text);
  if (parts === null || !NUMBER_TEXT.test(text.replace(/^(-?)0+(?=[0-9])/, "$1"))) return undefined;
  const [, sign, whole = "", fraction = "", exponentText = "0"] = parts;
  let digits = (whole + fraction).replace(/^0+/, "");
  if (digits === "") return 0n;
  let exponent = Number(exponentText) - fraction.length;
  // Strip trailing zeros into the exponent, so 100.000 and 1e2 look alike.
  const trimmed = digits.replace(/0+$/, "");
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  if (exponent < 0) return undefined;
  if (digits.length + exponent > MAX_INTEGER_DIGITS) return OUT_OF_RANGE;
  const magnitude = BigInt(digits) * 10n ** BigInt(exponent);
  return sign === "-" ? -magnitude : magnitude;
}

/** Reads a float or double: a JSON number, a numeric string, or "NaN", "Infinity", "-Infinity". */
function floatFromJson(json: JsonInput, isFloat32: boolean, path: JsonPath): number {
  let value: number;
  if (typeof json === "number") {
    // A caller's object may hold NaN or an infinity (JSON text cannot): taken as meant.
    if (!Number.isFinite(json)) return json;
    value = json;
  } else if (json instanceof JsonNumber) value = Number(json.text);
  else if (typeof json === "string") {
    if (json === "NaN") return Number.NaN;
    if (json === "Infinity") return Number.POSITIVE_INFINITY;
    if (json === "-Infinity") return Number.NEGATIVE_INFINITY;
    if (!NUMBER_TEXT.test(json)) throw path.error(`expected a number, got ${describeJson(json)}`);
    value = Number(json);
  } else throw path.error(`expected a number, got ${describeJson(json)}`);
  // A float is in range when it rounds to a finite float32: 3.4028235e38 (how FLT_MAX prints) is.
  const rounded = isFloat32 ? Math.fround(value) : value;
  if (!Number.isFinite(rounded)) throw path.error(`${describeJson(json)} is out of range for ${isFloat32 ? "float" : "double"}`);
  return rounded;
}

/** Reads a map key (always a JSON string) of `type`: "true"/"false" for bool, decimal for integers. */
export function mapKeyFromJson(type: Type, key: string, path: JsonPath): ScalarValue {
  if (type === Type.TYPE_BOOL) {
    if (key === "true") return true;
    if (key === "false") return false;
    throw path.error(`expected a bool map key "true" or "false"`);
  }
  return scalarFromJson(type, key, path);
}

/** The JSON object key of a decoded map key. */
export function mapKeyToJson(value: ScalarValue): string {
  return typeof value === "string" ? value : `${value as number | bigint | boolean}`;
}
