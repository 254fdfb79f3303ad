import { BinaryWriter } from "../protobuf/index.js";
import { FieldDescriptorProto_Type as Type } from "../wkt/index.js";
import { fieldMaskFromJson } from "./field-mask-json.js";
import { type FromJsonOptions, JSON_MAX_DEPTH } from "./json-options.js";
import { JsonPath, describeJson } from "./json-path.js";
import type { JsonValue } from "./json-value.js";
import { type JsonInput, JsonNumber, parseJsonText } from "./parse-json.js";
import { type ParsedField, ParsedMessage, type ParsedValue } from "./parsed-message.js";
import { enumFromJson, mapKeyFromJson, mapKeyToJson, scalarFromJson } from "./scalar-json.js";
import { type ScalarValue, isMessageType } from "./scalar-wire.js";
import type { FieldSchema, MessageSchema, SchemaResolver } from "./schema.js";
import { parseDuration, parseTimestamp } from "./time-json.js";
import { type WellKnown, typeNameOfTypeUrl, wellKnownOf } from "./well-known.js";

interface FromJsonContext {
  readonly resolver: SchemaResolver;
  readonly path: JsonPath;
  readonly ignoreUnknownFields: boolean;
}

type JsonObjectInput = { readonly [key: string]: JsonInput };

/**
 * The canonical binary encoding of proto3 JSON for a message of type `schema`. `json` is JSON text
 * when a string (parsed exactly: big integers keep every digit, a repeated key is an error), or
 * an already parsed value. Errors are GrpcError(INVALID_ARGUMENT) "json: <type>.<field path>: ...".
 * https://protobuf.dev/programming-guides/proto3/#json
 */
export function messageFromJson(
  resolver: SchemaResolver,
  schema: MessageSchema,
  json: JsonValue | string,
  options: FromJsonOptions = {},
): Uint8Array {
  const path = new JsonPath(schema.fullName);
  const input = typeof json === "string" ? parseJsonText(json, path) : (json as JsonInput);
  const context: FromJsonContext = { resolver, path, ignoreUnknownFields: options.ignoreUnknownFields ?? false };
  const parsed = fromJson(context, schema, input);
  const writer = new BinaryWriter(256);
  parsed.write(writer);
  return writer.finish();
}

function fromJson(context: FromJsonContext, schema: MessageSchema, json: JsonInput): ParsedMessage {
  const path = context.path;
  if (++path.depth > JSON_MAX_DEPTH) throw path.error(`messages nest deeper than ${JSON_MAX_DEPTH}`);
  const kind = wellKnownOf(schema.fullName);
  const parsed = kind === undefined ? objectFromJson(context, schema, json) : wellKnownFromJson(context, kind, schema, json);
  path.depth--;
  return parsed;
}

function isObject(json: JsonInput): json is JsonObjectInput {
  return typeof json === "object" && json !== null && !Array.isArray(json) && !(json instanceof JsonNumber);
}

function objectFromJson(context: FromJsonContext, schema: MessageSchema, json: JsonInput, skipKey?: string): ParsedMessage {
  const path = context.path;
  if (!isObject(json)) throw path.error(`expected an object, got ${describeJson(json)}`);
  const parsed = new ParsedMessage(schema);
  const oneofKeys: (string | undefined)[] = new Array(schema.oneofs.length);
  const seenKeys: (string | undefined)[] = new Array(schema.fields.length + schema.extensionsByNumber.size);
  for (const key of Object.keys(json)) {
    if (key === skipKey) continue;
    const field = schema.fieldsByJsonKey.get(key) ?? schema.extensionsByJsonKey.get(key);
    if (field === undefined) {
      if (context.ignoreUnknownFields) continue;
      // "[full.name]" names an extension: one no file of the registry declares for this type.
      if (key.startsWith("[") && key.endsWith("]"))
        throw path.error(`no extension named ${JSON.stringify(key.slice(1, -1))} extends this type in the registry`);
      throw path.error(`no field named ${JSON.stringify(key)}`);
    }
    const seen = seenKeys[field.index];
    if (seen !== undefined) throw path.error(`field ${field.name} is given twice, as ${JSON.stringify(seen)} and ${JSON.stringify(key)}`);
    seenKeys[field.index] = key;
    path.field(field.jsonName);
    const value = fieldFromJson(context, field, json[key]!);
    path.pop();
    if (value === undefined) continue;
    if (field.oneofIndex !== undefined) {
      const other = oneofKeys[field.oneofIndex];
      if (other !== undefined)
        throw path.error(
          `oneof ${schema.oneofs[field.oneofIndex]} has two members set: ${JSON.stringify(other)} and ${JSON.stringify(key)}`,
        );
      oneofKeys[field.oneofIndex] = key;
    }
    parsed.values[field.index] = value;
  }
  return parsed;
}

/** The value of one field, or undefined when the JSON leaves it unset (null, an unknown enum name that is ignored). */
function fieldFromJson(context: FromJsonContext, field: FieldSchema, json: JsonInput): ParsedField | undefined {
  const path = context.path;
  if (json === null) return isNullable(field) && !field.repeated ? singleFromJson(context, field, null) : undefined;
  const map = field.map;
  if (map !== undefined) {
    if (!isObject(json)) throw path.error(`expected an object (a map), got ${describeJson(json)}`);
    const entries: [ScalarValue, ParsedValue][] = [];
    const seen = new Set<string>();
    for (const key of Object.keys(json)) {
      path.key(key);
      const mapKey = mapKeyFromJson(map.key.type, key, path);
      const canonical = mapKeyToJson(mapKey);
      if (seen.has(canonical)) throw path.error(`map key ${canonical} is given twice`);
      seen.add(canonical);
      const value = json[key]!;
      if (value === null && !isNullable(map.value)) throw path.error("a map value cannot be null");
      const parsed = singleFromJson(context, map.value, value);
      path.pop();
      if (parsed !== undefined) entries.push([mapKey, parsed]);
    }
    return entries;
  }
  if (field.repeated) {
    if (!Array.isArray(json)) throw path.error(`expected an array, got ${describeJson(json)}`);
    const list: ParsedValue[] = [];
    for (let i = 0; i < json.length; i++) {
      path.index(i);
      const item = json[i]!;
      if (item === null && !isNullable(field)) throw path.error("a list element cannot be null");
      const parsed = singleFromJson(context, field, item);
      path.pop();
      if (parsed !== undefined) list.push(parsed);
    }
    return list;
  }
  return singleFromJson(context, field, json);
}

/** Fields whose null is a value, not "unset": google.protobuf.Value (null_value) and the NullValue enum. */
function isNullable(field: FieldSchema): boolean {
  return field.message?.fullName === "google.protobuf.Value" || field.enum?.fullName === "google.protobuf.NullValue";
}

function singleFromJson(context: FromJsonContext, field: FieldSchema, json: JsonInput): ParsedValue | undefined {
  if (isMessageType(field.type)) return fromJson(context, field.message!, json);
  if (field.type === Type.TYPE_ENUM) {
    const schema = field.enum!;
    if (schema.fullName === "google.protobuf.NullValue" && json === null) return 0;
    return enumFromJson(schema, json, context.ignoreUnknownFields, context.path);
  }
  return scalarFromJson(field.type, json, context.path);
}

/** A message with field `number` set to `value`. */
function withField(schema: MessageSchema, number: number, value: ParsedField): ParsedMessage {
  const parsed = new ParsedMessage(schema);
  const field = schema.fieldsByNumber.get(number);
  if (field !== undefined) parsed.values[field.index] = value;
  return parsed;
}

function wellKnownFromJson(context: FromJsonContext, kind: WellKnown, schema: MessageSchema, json: JsonInput): ParsedMessage {
  const path = context.path;
  switch (kind) {
    case "Timestamp":
    case "Duration": {
      if (typeof json !== "string")
        throw path.error(`expected a ${kind === "Timestamp" ? "timestamp" : "duration"} string, got ${describeJson(json)}`);
      const time = kind === "Timestamp" ? parseTimestamp(json) : parseDuration(json);
      if ("problem" in time) throw path.error(time.problem);
      const parsed = withField(schema, 1, time.seconds);
      const nanos = schema.fieldsByNumber.get(2);
      if (nanos !== undefined) parsed.values[nanos.index] = time.nanos;
      return parsed;
    }
    case "FieldMask": {
      if (typeof json !== "string") throw path.error(`expected a field mask string, got ${describeJson(json)}`);
      const paths = fieldMaskFromJson(json);
      if (!Array.isArray(paths)) throw path.error(paths.problem);
      return withField(schema, 1, paths);
    }
    case "Wrapper": {
      const field = schema.fieldsByNumber.get(1)!;
      path.field("value");
      const value = singleFromJson(context, field, json);
      path.pop();
      return withField(schema, 1, value as ParsedValue);
    }
    case "Struct":
    case "ListValue": {
      const field = schema.fieldsByNumber.get(1)!;
      if (kind === "Struct" && !isObject(json)) throw path.error(`expected an object, got ${describeJson(json)}`);
      if (kind === "ListValue" && !Array.isArray(json)) throw path.error(`expected an array, got ${describeJson(json)}`);
      return withField(schema, 1, fieldFromJson(context, field, json)!);
    }
    case "Value":
      return valueFromJson(context, schema, json);
    case "Any":
      return anyFromJson(context, schema, json);
  }
}

/** google.protobuf.Value from any JSON: null, a number, a string, a bool, an object or an array. */
function valueFromJson(context: FromJsonContext, schema: MessageSchema, json: JsonInput): ParsedMessage {
  const member = (number: number): FieldSchema => schema.fieldsByNumber.get(number)!;
  if (json === null) return withField(schema, 1, 0);
  if (typeof json === "number" || json instanceof JsonNumber) {
    const number = typeof json === "number" ? json : Number(json.text);
    if (!Number.isFinite(number)) throw context.path.error(`${describeJson(json)} is out of range for a Value's number_value`);
    return withField(schema, 2, number);
  }
  if (typeof json === "string") return withField(schema, 3, scalarFromJson(Type.TYPE_STRING, json, context.path));
  if (typeof json === "boolean") return withField(schema, 4, json);
  if (Array.isArray(json)) return withField(schema, 6, fromJson(context, member(6).message!, json));
  if (isObject(json)) return withField(schema, 5, fromJson(context, member(5).message!, json));
  throw context.path.error(`expected a JSON value, got ${describeJson(json)}`);
}

/** google.protobuf.Any: "@type" names the payload type; the payload is the other keys, or "value" for a well-known type. */
function anyFromJson(context: FromJsonContext, schema: MessageSchema, json: JsonInput): ParsedMessage {
  const path = context.path;
  if (!isObject(json)) throw path.error(`expected an object with "@type", got ${describeJson(json)}`);
  const keys = Object.keys(json);
  if (keys.length === 0) return new ParsedMessage(schema);
  const typeUrl = json["@type"];
  if (typeof typeUrl !== "string") throw path.error(`an Any needs "@type", a type URL string`);
  const typeName = typeNameOfTypeUrl(typeUrl);
  const payloadSchema = context.resolver.message(typeName);
  if (payloadSchema === undefined) throw path.error(`"@type" ${JSON.stringify(typeUrl)} names a type the registry does not know`);
  let payload: ParsedMessage;
  if (wellKnownOf(typeName) !== undefined) {
    const extra = keys.find((key) => key !== "@type" && key !== "value");
    if (extra !== undefined) throw path.error(`an Any holding ${typeName} has only "@type" and "value", not ${JSON.stringify(extra)}`);
    if (!("value" in json)) throw path.error(`an Any holding ${typeName} needs "value"`);
    path.field("value");
    payload = fromJson(context, payloadSchema, json["value"]!);
    path.pop();
  } else {
    if (++path.depth > JSON_MAX_DEPTH) throw path.error(`messages nest deeper than ${JSON_MAX_DEPTH}`);
    payload = objectFromJson(context, payloadSchema, json, "@type");
    path.depth--;
  }
  const parsed = withField(schema, 1, typeUrl);
  const value = schema.fieldsByNumber.get(2);
  if (value !== undefined) parsed.values[value.index] = payload;
  return parsed;
}
