import { FieldDescriptorProto_Type as Type } from "../wkt/index.js";
import { type DecodedFields, type GroupEnds, decodeFields, joinChunks } from "./decode-fields.js";
import { fieldMaskToJson } from "./field-mask-json.js";
import { JSON_MAX_DEPTH, type ToJsonOptions } from "./json-options.js";
import { JsonPath } from "./json-path.js";
import type { JsonObject, JsonValue } from "./json-value.js";
import { enumToJson, mapKeyToJson, scalarToJson } from "./scalar-json.js";
import { type ScalarValue, isMessageType } from "./scalar-wire.js";
import type { FieldSchema, MessageSchema, SchemaResolver } from "./schema.js";
import { formatDuration, formatTimestamp } from "./time-json.js";
import { typeNameOfTypeUrl, wellKnownOf } from "./well-known.js";

interface ToJsonContext {
  readonly resolver: SchemaResolver;
  readonly path: JsonPath;
  readonly emitDefaults: boolean;
  readonly enumAsInteger: boolean;
  readonly useProtoFieldName: boolean;
  readonly groupEnds: GroupEnds;
}

/**
 * The proto3 JSON of a binary message of type `schema`, read straight from the wire format.
 * Unknown fields are dropped; errors are GrpcError(INVALID_ARGUMENT) "json: <type>.<field path>: ...".
 * https://protobuf.dev/programming-guides/proto3/#json
 */
export function messageToJson(resolver: SchemaResolver, schema: MessageSchema, bytes: Uint8Array, options: ToJsonOptions = {}): JsonValue {
  const context: ToJsonContext = {
    resolver,
    path: new JsonPath(schema.fullName),
    emitDefaults: options.emitDefaults ?? false,
    enumAsInteger: options.enumAsInteger ?? false,
    useProtoFieldName: options.useProtoFieldName ?? false,
    groupEnds: new WeakMap(),
  };
  return toJson(context, schema, bytes);
}

function toJson(context: ToJsonContext, schema: MessageSchema, bytes: Uint8Array): JsonValue {
  const path = context.path;
  if (++path.depth > JSON_MAX_DEPTH) throw path.error(`messages nest deeper than ${JSON_MAX_DEPTH}`);
  const values = decodeFields(schema, bytes, path, context.groupEnds);
  const kind = wellKnownOf(schema.fullName);
  const json = kind === undefined ? objectToJson(context, schema, values) : wellKnownToJson(context, kind, schema, values);
  path.depth--;
  return json;
}

function objectToJson(context: ToJsonContext, schema: MessageSchema, values: DecodedFields): JsonObject {
  const object: JsonObject = {};
  for (const field of schema.fields) {
    const value = values[field.index];
    const key = context.useProtoFieldName ? field.name : field.jsonName;
    if (value === undefined) {
      if (context.emitDefaults && !field.hasPresence) setKey(object, key, defaultJson(context, field));
      continue;
    }
    if (!field.repeated && !field.hasPresence && !isMessageType(field.type) && !context.emitDefaults && isDefault(value as ScalarValue))
      continue;
    if (field.repeated && (value as unknown[]).length === 0 && !context.emitDefaults) continue;
    context.path.field(field.jsonName);
    setKey(object, key, fieldToJson(context, field, value));
    context.path.pop();
  }
  // Known extensions, under "[full.name]", when set (a repeated one when not empty).
  for (const field of schema.extensionsByNumber.values()) {
    const value = values[field.index];
    if (value === undefined || (field.repeated && (value as unknown[]).length === 0)) continue;
    context.path.field(field.jsonName);
    setKey(object, field.jsonName, fieldToJson(context, field, value));
    context.path.pop();
  }
  return object;
}

function isDefault(value: ScalarValue): boolean {
  if (typeof value === "number") return value === 0 && !Object.is(value, -0);
  if (typeof value === "bigint") return value === 0n;
  if (typeof value === "boolean") return !value;
  return value.length === 0;
}

function fieldToJson(context: ToJsonContext, field: FieldSchema, value: NonNullable<DecodedFields[number]>): JsonValue {
  const map = field.map;
  if (map !== undefined) {
    const entrySchema = field.message!;
    const object: JsonObject = {};
    for (const entry of value as Uint8Array[]) {
      const entryValues = decodeFields(entrySchema, entry, context.path, context.groupEnds);
      const key = mapKeyToJson((entryValues[map.key.index] as ScalarValue | undefined) ?? defaultScalar(map.key.type));
      context.path.key(key);
      const entryValue = entryValues[map.value.index];
      setKey(object, key, entryValue === undefined ? defaultJson(context, map.value, true) : singleToJson(context, map.value, entryValue));
      context.path.pop();
    }
    return object;
  }
  if (field.repeated) {
    const list = value as (ScalarValue | Uint8Array)[];
    const json: JsonValue[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      context.path.index(i);
      json[i] = singleToJson(context, field, isMessageType(field.type) ? [list[i] as Uint8Array] : list[i]!);
      context.path.pop();
    }
    return json;
  }
  return singleToJson(context, field, value);
}

/** One value of `field`: a message's (or group's) chunks, or a scalar. */
function singleToJson(context: ToJsonContext, field: FieldSchema, value: NonNullable<DecodedFields[number]>): JsonValue {
  if (isMessageType(field.type)) return toJson(context, field.message!, joinChunks(value as Uint8Array[]));
  if (field.type === Type.TYPE_ENUM) return enumToJson(field.enum!, value as number, context.enumAsInteger);
  return scalarToJson(field.type, value as ScalarValue);
}

/** The JSON of a field left at its default (emitDefaults, a map entry without its value). */
function defaultJson(context: ToJsonContext, field: FieldSchema, single = false): JsonValue {
  if (!single && field.map !== undefined) return {};
  if (!single && field.repeated) return [];
  if (isMessageType(field.type)) return toJson(context, field.message!, new Uint8Array(0));
  if (field.type === Type.TYPE_ENUM) return enumToJson(field.enum!, 0, context.enumAsInteger);
  return scalarToJson(field.type, defaultScalar(field.type));
}

function defaultScalar(type: Type): ScalarValue {
  switch (type) {
    case Type.TYPE_INT64:
    case Type.TYPE_UINT64:
    case Type.TYPE_FIXED64:
    case Type.TYPE_SFIXED64:
    case Type.TYPE_SINT64:
      return 0n;
    case Type.TYPE_BOOL:
      return false;
    case Type.TYPE_STRING:
      return "";
    case Type.TYPE_BYTES:
      return new Uint8Array(0);
    default:
      return 0;
  }
}

/** Sets `object[key]` as an own property, also for the key "__proto__" (a map key from the wire). */
function setKey(object: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/** The value of field `number` in decoded `values`, or undefined when unset. */
function fieldValue(schema: MessageSchema, values: DecodedFields, number: number): DecodedFields[number] {
  const field = schema.fieldsByNumber.get(number);
  return field === undefined ? undefined : values[field.index];
}

function wellKnownToJson(
  context: ToJsonContext,
  kind: NonNullable<ReturnType<typeof wellKnownOf>>,
  schema: MessageSchema,
  values: DecodedFields,
): JsonValue {
  const path = context.path;
  switch (kind) {
    case "Timestamp":
    case "Duration": {
      const seconds = (fieldValue(schema, values, 1) as bigint | undefined) ?? 0n;
      const nanos = (fieldValue(schema, values, 2) as number | undefined) ?? 0;
      const text = kind === "Timestamp" ? formatTimestamp(seconds, nanos) : formatDuration(seconds, nanos);
      if (typeof text !== "string") throw path.error(text.problem);
      return text;
    }
    case "FieldMask": {
      const text = fieldMaskToJson((fieldValue(schema, values, 1) as string[] | undefined) ?? []);
      if (typeof text !== "string") throw path.error(text.problem);
      return text;
    }
    case "Wrapper": {
      const field = schema.fieldsByNumber.get(1)!;
      const value = values[field.index];
      return value === undefined ? defaultJson(context, field) : singleToJson(context, field, value);
    }
    case "Struct": {
      const field = schema.fieldsByNumber.get(1)!;
      const value = values[field.index];
      return value === undefined ? {} : fieldToJson(context, field, value);
    }
    case "ListValue": {
      const field = schema.fieldsByNumber.get(1)!;
      const value = values[field.index];
      return value === undefined ? [] : fieldToJson(context, field, value);
    }
    case "Value":
      return valueToJson(context, schema, values);
    case "Any":
      return anyToJson(context, schema, values);
  }
}

/** google.protobuf.Value: whichever member of `kind` is set; none set prints null, as python does. */
function valueToJson(context: ToJsonContext, schema: MessageSchema, values: DecodedFields): JsonValue {
  for (const field of schema.fields) {
    const value = values[field.index];
    if (value === undefined) continue;
    if (field.number === 1) return null;
    if (field.number === 2 && !Number.isFinite(value as number))
      throw context.path.error(`number_value ${value} has no JSON form (it would read back as a string)`);
    return singleToJson(context, field, value);
  }
  return null;
}

/** google.protobuf.Any: "@type" and the payload's fields, or "value" for a payload with a JSON form of its own. */
function anyToJson(context: ToJsonContext, schema: MessageSchema, values: DecodedFields): JsonValue {
  const typeUrl = (fieldValue(schema, values, 1) as string | undefined) ?? "";
  const payload = (fieldValue(schema, values, 2) as Uint8Array | undefined) ?? new Uint8Array(0);
  if (typeUrl === "") {
    if (payload.length === 0) return {};
    throw context.path.error("Any has a value but no type_url");
  }
  const typeName = typeNameOfTypeUrl(typeUrl);
  const payloadSchema = context.resolver.message(typeName);
  if (payloadSchema === undefined) throw context.path.error(`Any holds ${JSON.stringify(typeUrl)}, a type the registry does not know`);
  const json = toJson(context, payloadSchema, payload);
  if (wellKnownOf(typeName) !== undefined) return { "@type": typeUrl, value: json };
  return { "@type": typeUrl, ...(json as JsonObject) };
}
