import { decodeBase64 } from "../metadata/index.js";
import { Code, GrpcError, describeError } from "../status/index.js";
import { BinaryReader, UNKNOWN_FIELDS } from "./binary-reader.js";
import { BinaryWriter } from "./binary-writer.js";

/**
 * A message type of generated code: its name, its defaults, and its static codec.
 *
 * `T` is the decoded message, complete (every field present); `I` what encode accepts, where any
 * field may be left out. A MessageType is a `Codec<T, I>` of tsgrpc's codec layer, so services
 * take it as it is, with the fast `encodeAt` path that leaves room for the frame header.
 */
export interface MessageType<T extends object, I = T> {
  /** The full protobuf name, without a leading dot: "helloworld.HelloRequest". */
  readonly typeName: string;
  /** A new message with every field at its default. */
  create(): T;
  /** Serializes `value`; malformed values (a string where a number belongs) are GrpcError(INTERNAL) "codec: ...". */
  encode(value: I): Uint8Array;
  /** The encoding of `value` after `offset` bytes the caller fills in (a frame header). */
  encodeAt(value: I, offset: number): Uint8Array;
  /** Parses a complete message; malformed bytes are GrpcError(INTERNAL) "codec: ...". */
  decode(bytes: Uint8Array): T;
  /** Writes the fields of `value`, no length prefix (generated code, nested messages). */
  write(writer: BinaryWriter, value: I): void;
  /** Reads fields up to `end` into `target` (merging, as the spec says for repeated embedded messages) or a new message. */
  read(reader: BinaryReader, end: number, target?: T): T;
  /**
   * The schema: the serialized FileDescriptorProto of the file that defines the type, followed by
   * every file it depends on, transitively (for the JSON mapping and reflection).
   */
  readonly files?: () => readonly Uint8Array[];
}

/** What generated code gives messageType: the name, the defaults and the two field loops. */
export interface MessageTypeParts<T extends object, I> {
  /** The full name of the message type, without a leading dot ("pkg.Outer.Inner"). */
  typeName: string;
  /** A new message with every field at its default. */
  create(): T;
  /** Writes the fields of `value` (and its kept unknown fields) to `writer`. */
  write(writer: BinaryWriter, value: I): void;
  /** Reads fields up to byte `end` into `target` (merging, as protobuf does) or into a new message. */
  read(reader: BinaryReader, end: number, target?: T): T;
  /** The defining file's serialized FileDescriptorProto and its transitive dependencies (see MessageType.files). */
  files?: () => readonly Uint8Array[];
}

let spare: BinaryWriter | undefined = new BinaryWriter();

/**
 * Builds a MessageType from generated parts, adding encode, encodeAt and decode.
 *
 * Encoding reuses one module-wide writer (encoding is synchronous), so a message costs one
 * exact-size allocation; a re-entrant encode (a getter that encodes) gets a writer of its own.
 */
export function messageType<T extends object, I = T>(parts: MessageTypeParts<T, I>): MessageType<T, I> {
  const { typeName, write, read } = parts;
  const encodeAt = (value: I, offset: number): Uint8Array => {
    const writer = spare ?? new BinaryWriter();
    spare = undefined;
    try {
      if (typeof value !== "object" || value === null)
        throw new TypeError(`codec: expected an object, got ${value === null ? "null" : typeof value}`);
      write(writer.reset(offset), value);
      return writer.finish();
    } catch (error) {
      if (error instanceof GrpcError) throw error;
      throw new GrpcError(Code.Internal, `codec: cannot encode ${typeName}: ${describeError(error).replace(/^codec: /, "")}`, {
        cause: error,
      });
    } finally {
      // A writer grown past 1 MiB by a large message is let go rather than kept forever.
      if (writer.buffer.length <= 1 << 20) spare = writer;
    }
  };
  return {
    typeName,
    ...(parts.files === undefined ? {} : { files: parts.files }),
    create: parts.create,
    write,
    read,
    encode: (value) => encodeAt(value, 0),
    encodeAt,
    decode(bytes: Uint8Array): T {
      const reader = new BinaryReader(bytes);
      try {
        return read(reader, bytes.length);
      } catch (error) {
        if (error instanceof GrpcError) throw error;
        throw new GrpcError(Code.Internal, `codec: cannot decode ${typeName}: ${describeError(error)}`, { cause: error });
      }
    },
  };
}

/**
 * Writes the unknown fields a decoded message carries (generated code calls it last in `write`),
 * so a message decoded with an older schema is re-encoded with nothing lost.
 */
export function writeUnknownFields(writer: BinaryWriter, value: object): void {
  const unknown = (value as { [UNKNOWN_FIELDS]?: Uint8Array[] })[UNKNOWN_FIELDS];
  if (unknown !== undefined) for (const bytes of unknown) writer.raw(bytes);
}

/** Sets `map[key]`, safely for the key "__proto__" (an own property, never the prototype). */
export function setMapEntry<V>(map: { [key: string]: V }, key: string, value: V): void {
  if (key === "__proto__") Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

/** Bytes from base64 text, as generated code embeds its FileDescriptorProto. */
export function bytesFromBase64(text: string): Uint8Array {
  return decodeBase64(text);
}

/**
 * The default of a `bytes` field: one shared, frozen empty array, so a decoded message without
 * the field costs no allocation (an empty array has no element to change).
 */
export const EMPTY_BYTES: Uint8Array = Object.freeze(new Uint8Array(0)) as Uint8Array;
