import { type BinaryWriter, varintSize } from "../protobuf/index.js";
import { FieldDescriptorProto_Type as Type } from "../wkt/index.js";
import { type ScalarValue, isDefaultScalar, wireTypeOf, writeScalar } from "./scalar-wire.js";
import type { FieldSchema, MessageSchema } from "./schema.js";

/** One value of a field read from JSON: a scalar, or a nested message (a bytes field may hold one: Any.value). */
export type ParsedValue = ScalarValue | ParsedMessage;

/** A field's value read from JSON: one value, a list (repeated), or key/value pairs (map). */
export type ParsedField = ParsedValue | ParsedValue[] | [ScalarValue, ParsedValue][];

/**
 * A message read from JSON, not yet encoded: its field values by field index. Parsing first and
 * writing after lets the writer emit fields in number order, whatever order the JSON keys came in.
 */
export class ParsedMessage {
  readonly schema: MessageSchema;
  readonly values: (ParsedField | undefined)[];

  constructor(schema: MessageSchema) {
    this.schema = schema;
    this.values = new Array(schema.fields.length + schema.extensionsByNumber.size);
  }

  /**
   * Writes the canonical encoding: fields by number, no default values of fields without
   * presence, packed repeated scalars where the field is packed, map entries with key and value.
   */
  write(writer: BinaryWriter): void {
    for (const field of fieldsInOrder(this.schema, this.values)) {
      const value = this.values[field.index];
      if (value === undefined) continue;
      if (field.map !== undefined) {
        // Entries sorted by key, as protobuf's deterministic serialization writes them.
        const entries = (value as [ScalarValue, ParsedValue][]).sort(compareEntries);
        for (const [key, entryValue] of entries) {
          writer.uint32((field.number << 3) | 2);
          const start = writer.fork();
          writeField(writer, field.map.key, key);
          writeField(writer, field.map.value, entryValue);
          writer.join(start);
        }
      } else if (field.repeated) {
        const list = value as ParsedValue[];
        if (field.packed) {
          if (list.length === 0) continue;
          writer.uint32((field.number << 3) | 2);
          const start = writer.fork();
          for (const item of list) writeScalar(writer, field.type, item as ScalarValue);
          writer.join(start);
        } else for (const item of list) writeField(writer, field, item);
      } else {
        if (field.hasPresence) writeField(writer, field, value as ParsedValue);
        else if (value instanceof ParsedMessage) {
          // A message in a bytes field without presence (Any.value): left out when empty, like any empty bytes.
          const mark = writer.pos;
          writeField(writer, field, value);
          if (writer.pos === mark + varintSize((field.number << 3) | 2) + 1) writer.pos = mark;
        } else if (!isDefaultScalar(value as ScalarValue)) writeField(writer, field, value as ScalarValue);
      }
    }
  }
}

/** The fields to write, by number: the message's own, and the extensions that are set among them. */
function fieldsInOrder(schema: MessageSchema, values: readonly (ParsedField | undefined)[]): readonly FieldSchema[] {
  let fields: FieldSchema[] | undefined;
  for (const extension of schema.extensionsByNumber.values())
    if (values[extension.index] !== undefined) (fields ??= [...schema.fields]).push(extension);
  return fields === undefined ? schema.fields : fields.sort((a, b) => a.number - b.number);
}

/** Orders map entries by key: numbers and bools by value, strings by code point (UTF-8 byte order). */
function compareEntries([a]: [ScalarValue, ParsedValue], [b]: [ScalarValue, ParsedValue]): number {
  if (typeof a === "string" && typeof b === "string") {
    for (let i = 0, j = 0; i < a.length && j < b.length; ) {
      const x = a.codePointAt(i)!;
      const y = b.codePointAt(j)!;
      if (x !== y) return x - y;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Writes the tag and one value of `field`: a group between its start- and end-group tags. */
function writeField(writer: BinaryWriter, field: FieldSchema, value: ParsedValue): void {
  if (field.type === Type.TYPE_GROUP) {
    writer.uint32((field.number << 3) | 3);
    (value as ParsedMessage).write(writer);
    writer.uint32((field.number << 3) | 4);
    return;
  }
  if (value instanceof ParsedMessage) {
    writer.uint32((field.number << 3) | 2);
    const start = writer.fork();
    value.write(writer);
    writer.join(start);
    return;
  }
  writer.uint32((field.number << 3) | (field.type === Type.TYPE_MESSAGE ? 2 : wireTypeOf(field.type)));
  writeScalar(writer, field.type, value);
}
