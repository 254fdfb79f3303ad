import { BinaryReader } from "../protobuf/index.js";
import { GrpcError } from "../status/index.js";
import { FieldDescriptorProto_Type as Type } from "../wkt/index.js";
import type { JsonPath } from "./json-path.js";
import type { MessageSchema } from "./schema.js";
import { type ScalarValue, isMessageType, readScalar, wireTypeOf } from "./scalar-wire.js";

/**
 * The fields of one binary message, by field index: a scalar (the last one read wins), the chunks
 * of a singular message or group (merged by concatenation, as protobuf merges a repeated
 * occurrence), or the list of a repeated field (scalars, or message/group/map-entry encodings; a
 * group's encoding is the bytes between its start- and end-group tags). Unset fields are
 * undefined. Known extensions have the indexes after the fields'. Unknown fields (unknown groups
 * included, however deep) and fields of the wrong wire type are skipped.
 */
export type DecodedFields = (ScalarValue | Uint8Array[] | ScalarValue[] | undefined)[];

/**
 * Reads `bytes` as a message of `schema`; malformed input is GrpcError(INVALID_ARGUMENT) naming
 * `path`. `groupEnds` is shared by the calls of one conversion (see GroupEnds).
 */
export function decodeFields(
  schema: MessageSchema,
  bytes: Uint8Array,
  path: JsonPath,
  groupEnds: GroupEnds = new WeakMap(),
): DecodedFields {
  const values: DecodedFields = new Array(schema.fields.length + schema.extensionsByNumber.size);
  const reader = new BinaryReader(bytes);
  try {
    while (reader.pos < bytes.length) {
      const tag = reader.tag();
      const field = schema.fieldsByNumber.get(tag >>> 3) ?? schema.extensionsByNumber.get(tag >>> 3);
      const wireType = tag & 7;
      if (field === undefined) {
        reader.skip(tag);
        continue;
      }
      const expected = wireTypeOf(field.type);
      if (field.repeated && wireType === 2 && expected !== 2 && expected !== 3) {
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
      const value =
        field.type === Type.TYPE_MESSAGE
          ? reader.bytes()
          : field.type === Type.TYPE_GROUP
            ? readGroup(reader, tag, groupEnds)
            : readField(reader, field.type, field.jsonName);
      if (field.repeated || isMessageType(field.type)) ((values[field.index] ??= []) as ScalarValue[]).push(value);
      else values[field.index] = value;
      if (field.oneofIndex !== undefined)
        for (const other of schema.fields) if (other.oneofIndex === field.oneofIndex && other !== field) values[other.index] = undefined;
    }
  } catch (error) {
    if (error instanceof InvalidUtf8) {
      path.field(error.message);
      throw path.error("string field holds invalid UTF-8");
    }
    if (error instanceof MalformedGroup) throw path.error(`malformed binary message: malformed protobuf: ${error.message}`);
    if (error instanceof GrpcError) throw path.error(`malformed binary message: ${error.statusMessage.replace(/^codec: /, "")}`, error);
    throw error;
  }
  return values;
}

/**
 * Where the groups already scanned end, by buffer and by the absolute offset of their body: the
 * end-group tag's offset. Finding a group's end means scanning its body, and the body of a group
 * nested k deep is inside k others; with this record each byte is scanned once, not k times.
 */
export type GroupEnds = WeakMap<ArrayBufferLike, Map<number, number>>;

/**
 * The body of the group whose start tag `tag` was just read: the bytes up to its end-group tag,
 * which is a message of the group's type; the reader is left after the end-group tag. A group
 * without its end, or ended by another field's end-group tag, is malformed.
 */
function readGroup(reader: BinaryReader, tag: number, groupEnds: GroupEnds): Uint8Array {
  const bytes = reader.buffer;
  const base = bytes.byteOffset;
  const start = reader.pos;
  let ends = groupEnds.get(bytes.buffer);
  if (ends === undefined) groupEnds.set(bytes.buffer, (ends = new Map()));
  let end = ends.get(base + start);
  if (end === undefined) {
    // One pass over the body, recording the end of every group nested in it.
    const open: [field: number, body: number][] = [[tag >>> 3, start]];
    while (open.length > 0) {
      const [field, body] = open[open.length - 1]!;
      if (reader.pos >= bytes.length) throw malformedGroup(`group ${field} has no end`);
      const inner = reader.tag();
      const wireType = inner & 7;
      if (wireType === 3) open.push([inner >>> 3, reader.pos]);
      else if (wireType === 4) {
        if (inner >>> 3 !== field) throw malformedGroup(`group ${field} ended by the end of group ${inner >>> 3}`);
        ends.set(base + body, base + reader.tagStart);
        open.pop();
      } else reader.skip(inner);
    }
    end = ends.get(base + start)!;
  }
  // The end recorded by a scan of a wider view must lie in this one and close this group.
  if (end - base > bytes.length) throw malformedGroup(`group ${tag >>> 3} has no end`);
  reader.pos = end - base;
  const endTag = reader.tag();
  if ((endTag & 7) !== 4 || endTag >>> 3 !== tag >>> 3)
    throw malformedGroup(`group ${tag >>> 3} ended by the end of group ${endTag >>> 3}`);
  return bytes.subarray(start, end - base);
}

/** A group encoding that does not close; its message says how (reported as malformed binary, as the reader's own errors are). */
class MalformedGroup extends Error {}

function malformedGroup(detail: string): MalformedGroup {
  return new MalformedGroup(detail);
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
