import type { FieldDescriptorProto_Type } from "../wkt/index.js";

/**
 * What the JSON mapping needs to know about one field: its number, both JSON spellings, its
 * type and shape. The descriptor layer (src/descriptor) builds these tables once per type from
 * FileDescriptorProtos; the mapping only reads them.
 */
export interface FieldSchema {
  /** The field number. */
  readonly number: number;
  /** The name in the .proto file ("response_size"). */
  readonly name: string;
  /** The JSON name: json_name from the descriptor, or the lowerCamelCase rule ("responseSize"). */
  readonly jsonName: string;
  /** The protobuf type (FieldDescriptorProto.Type: TYPE_INT32 = 5, TYPE_MESSAGE = 11, ...). */
  readonly type: FieldDescriptorProto_Type;
  /** The position of the field in its message's `fields` (ordered by number). */
  readonly index: number;
  /** A repeated field (maps included). */
  readonly repeated: boolean;
  /** A repeated scalar encoded packed (proto3's default; proto2 with [packed = true]). */
  readonly packed: boolean;
  /** Whether "not set" differs from the default: messages, oneof members, proto3 `optional`, proto2 singular fields. */
  readonly hasPresence: boolean;
  /** The index of the real (non-synthetic) oneof the field belongs to, in the message's `oneofs`. */
  readonly oneofIndex: number | undefined;
  /** The message type of a message field (a map's entry type for a map field). */
  readonly message: MessageSchema | undefined;
  /** The enum type of an enum field. */
  readonly enum: EnumSchema | undefined;
  /** For a map field, the key (field 1) and value (field 2) of its entry type. */
  readonly map: { readonly key: FieldSchema; readonly value: FieldSchema } | undefined;
  /**
   * An extension (proto2 `extend`) rather than a field of the message's own: its JSON key is
   * "[" + its full name + "]" under either naming option, and it is printed only when set.
   */
  readonly extension: boolean;
}

/** A message type as the JSON mapping reads it: its fields by number and by either JSON spelling. */
export interface MessageSchema {
  /** The full name, without a leading dot ("grpc.testing.SimpleRequest"). */
  readonly fullName: string;
  /** The fields, ordered by number (the order of canonical encoding). */
  readonly fields: readonly FieldSchema[];
  /** The fields by number. */
  readonly fieldsByNumber: ReadonlyMap<number, FieldSchema>;
  /** The fields by JSON name and by proto name (JSON input accepts both). */
  readonly fieldsByJsonKey: ReadonlyMap<string, FieldSchema>;
  /** The names of the real oneofs (proto3 `optional` fields' synthetic oneofs left out). */
  readonly oneofs: readonly string[];
  /**
   * The extensions of this type that are known (declared by `extend` in the files of the
   * registry), by number, in the order they became known; their `index` follows the fields'.
   */
  readonly extensionsByNumber: ReadonlyMap<number, FieldSchema>;
  /** The known extensions by JSON key: "[" + full name + "]" ("[pkg.Foo.bar]"). */
  readonly extensionsByJsonKey: ReadonlyMap<string, FieldSchema>;
}

/** An enum type: its values by name and by number (the first name of an aliased number). */
export interface EnumSchema {
  /** The full name, without a leading dot ("grpc.testing.PayloadType"). */
  readonly fullName: string;
  /** The number of each value name. */
  readonly numbersByName: ReadonlyMap<string, number>;
  /** The name of each number (the first declared, when aliases share it). */
  readonly namesByNumber: ReadonlyMap<number, string>;
}

/** Resolves message types by full name (google.protobuf.Any names its payload's type at run time). */
export interface SchemaResolver {
  /** The message type named `fullName` (no leading dot), or undefined when unknown. */
  message(fullName: string): MessageSchema | undefined;
}
