import type { BinaryReader, BinaryWriter } from "../protobuf/index.js";
import { FieldDescriptorProto_Type as Type } from "../wkt/index.js";

/** A decoded scalar: number (32-bit kinds, float, double, enum), bigint (64-bit kinds), boolean, string or bytes. */
export type ScalarValue = number | bigint | boolean | string | Uint8Array;

/** The wire type a value of `type` has when not packed: 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit. */
export function wireTypeOf(type: Type): number {
  switch (type) {
    case Type.TYPE_DOUBLE:
    case Type.TYPE_FIXED64:
    case Type.TYPE_SFIXED64:
      return 1;
    case Type.TYPE_FLOAT:
    case Type.TYPE_FIXED32:
    case Type.TYPE_SFIXED32:
      return 5;
    case Type.TYPE_STRING:
    case Type.TYPE_BYTES:
    case Type.TYPE_MESSAGE:
      return 2;
    case Type.TYPE_GROUP:
      return 3;
    default:
      return 0;
  }
}

/** Whether values of `type` are messages: TYPE_MESSAGE (length-delimited) or TYPE_GROUP (between start- and end-group tags). */
export function isMessageType(type: Type): boolean {
  return type === Type.TYPE_MESSAGE || type === Type.TYPE_GROUP;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Reads one scalar of `type`. Strings are decoded strictly (invalid UTF-8 throws a TypeError the
 * caller names); bytes are a view into the input.
 */
export function readScalar(reader: BinaryReader, type: Type): ScalarValue {
  switch (type) {
    case Type.TYPE_DOUBLE:
      return reader.double();
    case Type.TYPE_FLOAT:
      return reader.float();
    case Type.TYPE_INT64:
      return reader.int64();
    case Type.TYPE_UINT64:
      return reader.uint64();
    case Type.TYPE_INT32:
    case Type.TYPE_ENUM:
      return reader.int32();
    case Type.TYPE_FIXED64:
      return reader.fixed64();
    case Type.TYPE_FIXED32:
      return reader.fixed32();
    case Type.TYPE_BOOL:
      return reader.bool();
    case Type.TYPE_STRING:
      return STRICT_UTF8.decode(reader.bytes());
    case Type.TYPE_UINT32:
      return reader.uint32();
    case Type.TYPE_SFIXED32:
      return reader.sfixed32();
    case Type.TYPE_SFIXED64:
      return reader.sfixed64();
    case Type.TYPE_SINT32:
      return reader.sint32();
    case Type.TYPE_SINT64:
      return reader.sint64();
    default:
      return reader.bytes();
  }
}

/** Writes one scalar of `type` (no tag); `value` has the kind readScalar returns for it. */
export function writeScalar(writer: BinaryWriter, type: Type, value: ScalarValue): void {
  switch (type) {
    case Type.TYPE_DOUBLE:
      writer.double(value as number);
      return;
    case Type.TYPE_FLOAT:
      writer.float(value as number);
      return;
    case Type.TYPE_INT64:
      writer.int64(value as bigint);
      return;
    case Type.TYPE_UINT64:
      writer.uint64(value as bigint);
      return;
    case Type.TYPE_INT32:
    case Type.TYPE_ENUM:
      writer.int32(value as number);
      return;
    case Type.TYPE_FIXED64:
      writer.fixed64(value as bigint);
      return;
    case Type.TYPE_FIXED32:
      writer.fixed32(value as number);
      return;
    case Type.TYPE_BOOL:
      writer.bool(value as boolean);
      return;
    case Type.TYPE_STRING:
      writer.string(value as string);
      return;
    case Type.TYPE_UINT32:
      writer.uint32(value as number);
      return;
    case Type.TYPE_SFIXED32:
      writer.sfixed32(value as number);
      return;
    case Type.TYPE_SFIXED64:
      writer.sfixed64(value as bigint);
      return;
    case Type.TYPE_SINT32:
      writer.sint32(value as number);
      return;
    case Type.TYPE_SINT64:
      writer.sint64(value as bigint);
      return;
    default:
      writer.bytes(value as Uint8Array);
  }
}

/** Whether `value` is the default of a field without presence (0, -0 excluded, false, "", empty bytes). */
export function isDefaultScalar(value: ScalarValue): boolean {
  if (typeof value === "number") return value === 0 && !Object.is(value, -0);
  if (typeof value === "bigint") return value === 0n;
  if (typeof value === "boolean") return !value;
  return value.length === 0;
}
