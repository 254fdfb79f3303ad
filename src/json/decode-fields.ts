import { BinaryReader } from "../protobuf/index.js";
import { GrpcError } from "../status/index.js";
import { FieldDescriptorProto_Type as Type } from "../wkt/index.js";
import type { JsonPath } from "./json-path.js";
import type { MessageSchema } from "./schema.js";
import { type ScalarValue, readScalar, wireTypeOf } from "./scalar-wire.js";

/**
 * The fields of one binary message, by field index: a scalar (the last one read wins), the chunks
 * of a singular message (merged by concatenation, as protobuf merges a repeated occurrence), or
 * the list of a repeated field (scalars, or message/map-entry encodings). Unset fields are
 * undefined. Unknown fields and fields of the wrong wire type are skipped.
 */
export type DecodedFields = (ScalarValue | Uint8Array[] | ScalarValue[] | undefined)[];

/** Reads `bytes` as a message of `schema`; malformed input is GrpcError(INVALID_ARGUMENT) naming `path`. */
export function decodeFields(schema: MessageSchema, bytes: Uint8Array, path: JsonPath): DecodedFields {
  const values: DecodedFields = new Array(schema.fields.length);
  const reader = new BinaryReader(bytes);
  try {
    while (reader.pos < bytes.length) {
      const tag = reader.tag();
      const field = schema.fieldsByNumber.get(tag >>> 3);
      const wireType = tag & 7;
      if (field === undefined || field.type === Type.TYPE_GROUP) {
        reader.skip(tag);
        continue;
      }
      const expected = wireTypeOf(field.type);
      if (field.repeated && wireType === 2 && expected !== 2) {
        // A packed run (accepted whatever the field's packed option says, as the spec requires).
        const end = reader.delimited();
        const list = (values[field.index] ??= []) as ScalarValue[];
        while (reader.pos < end) list.push(readField(reader, field.type, field.jsonName));
        reader.checkEnd(end);
        continue;
      }
      if (wireType !== expected) {
        reader.skip(tag);
        continue;
      }
      const value = field.type === Type.TYPE_MESSAGE ? reader.bytes() : readField(reader, field.type, field.jsonName);
      if (field.repeated || field.type === Type.TYPE_MESSAGE) ((values[field.index] ??= []) as ScalarValue[]).push(value);
      else values[field.index] = value;
      if (field.oneofIndex !== undefined)
        for (const other of schema.fields) if (other.oneofIndex === field.oneofIndex && other !== field) values[other.index] = undefined;
    }
  } catch (error) {
    if (error instanceof InvalidUtf8) {
      path.field(error.message);
      throw path.error("string field holds invalid UTF-8");
    }
    if (error instanceof GrpcError) throw path.error(`malformed binary message: ${error.statusMessage.replace(/^codec: /, "")}`, error);
    throw error;
  }
  return values;
}

/** A string field with invalid UTF-8; its message is the field's JSON name. */
class InvalidUtf8 extends Error {}

function readField(reader: BinaryReader, type: Type, name: string): ScalarValue {
  try {
    return readScalar(reader, type);
  } catch (error) {
    if (type === Type.TYPE_STRING && error instanceof TypeError) throw new InvalidUtf8(name);
    throw error;
  }
}

/** The encoding of a singular message field: its one chunk, or the chunks joined (a merge). */
export function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
