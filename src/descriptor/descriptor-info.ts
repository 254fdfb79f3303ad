import type { EnumSchema, FieldSchema, MessageSchema } from "../json/index.js";
import type {
  DescriptorProto,
  EnumDescriptorProto,
  FieldDescriptorProto,
  FieldDescriptorProto_Label,
  MethodDescriptorProto,
  ServiceDescriptorProto,
} from "../wkt/index.js";

/**
 * A field of a message type, resolved: its JSON names, presence, packing, and its message or enum
 * type. An extension is one too: its `fullName` is the extension's ("pkg.Outer.ext"), its
 * `jsonName` the JSON key "[pkg.Outer.ext]", its `extendee` the type it extends.
 */
export interface FieldInfo extends FieldSchema {
  /** The full name ("grpc.testing.SimpleRequest.response_size"). */
  readonly fullName: string;
  /** LABEL_OPTIONAL, LABEL_REQUIRED (proto2) or LABEL_REPEATED. */
  readonly label: FieldDescriptorProto_Label;
  /** The full name of the field's message or enum type (no leading dot), undefined for scalars. */
  readonly typeName: string | undefined;
  /** A proto3 `optional` field (its oneof is synthetic and not listed in `oneofs`). */
  readonly proto3Optional: boolean;
  /** The name of the real oneof the field belongs to. */
  readonly oneofName: string | undefined;
  /** The message type of a message field (a map field's entry type). */
  readonly message: MessageInfo | undefined;
  /** The enum type of an enum field. */
  readonly enum: EnumInfo | undefined;
  /** A map field's key and value fields (of its entry type). */
  readonly map: { readonly key: FieldInfo; readonly value: FieldInfo } | undefined;
  /** For an extension, the full name of the message type it extends (no leading dot); undefined for a field. */
  readonly extendee: string | undefined;
  /** The field's descriptor as the file declares it. */
  readonly descriptor: FieldDescriptorProto;
}

/** A message type, resolved from its file: fields by number and by JSON name, nested in its file and syntax. */
export interface MessageInfo extends MessageSchema {
  /** The simple name ("SimpleRequest"). */
  readonly name: string;
  /** The name of the file that defines it ("grpc/testing/messages.proto"). */
  readonly file: string;
  /** "proto2" or "proto3" (the file's syntax; "proto2" when the file names none). */
  readonly syntax: string;
  /** A synthesized map entry type (options.map_entry). */
  readonly isMapEntry: boolean;
  /** The fields, ordered by number. */
  readonly fields: readonly FieldInfo[];
  /** The fields by number. */
  readonly fieldsByNumber: ReadonlyMap<number, FieldInfo>;
  /** The fields by JSON name and by .proto name. */
  readonly fieldsByJsonKey: ReadonlyMap<string, FieldInfo>;
  /** The known extensions of this type (from `extend` in any file of the registry), by number. */
  readonly extensionsByNumber: ReadonlyMap<number, FieldInfo>;
  /** The known extensions by JSON key, "[" + full name + "]". */
  readonly extensionsByJsonKey: ReadonlyMap<string, FieldInfo>;
  /** The message's descriptor as the file declares it. */
  readonly descriptor: DescriptorProto;
}

/** An enum type: its values in declaration order, and by name and number. */
export interface EnumInfo extends EnumSchema {
  /** The simple name ("PayloadType"). */
  readonly name: string;
  /** The name of the file that defines it. */
  readonly file: string;
  /** The values in declaration order. */
  readonly values: readonly { readonly name: string; readonly number: number }[];
  /** The enum's descriptor as the file declares it. */
  readonly descriptor: EnumDescriptorProto;
}

/** A method of a service: its path on the wire, its message types and its streaming flags. */
export interface MethodInfo {
  /** The simple name ("UnaryCall"). */
  readonly name: string;
  /** The full name ("grpc.testing.TestService.UnaryCall"). */
  readonly fullName: string;
  /** The HTTP/2 :path of a call ("/grpc.testing.TestService/UnaryCall"). */
  readonly path: string;
  /** The full name of the request type (no leading dot). */
  readonly inputType: string;
  /** The full name of the response type (no leading dot). */
  readonly outputType: string;
  /** The request type. */
  readonly input: MessageInfo;
  /** The response type. */
  readonly output: MessageInfo;
  /** The client sends a stream of requests. */
  readonly clientStreaming: boolean;
  /** The server sends a stream of responses. */
  readonly serverStreaming: boolean;
  /** The method's descriptor as the file declares it. */
  readonly descriptor: MethodDescriptorProto;
}

/** A service: its methods in declaration order. */
export interface ServiceInfo {
  /** The simple name ("TestService"). */
  readonly name: string;
  /** The full name ("grpc.testing.TestService"). */
  readonly fullName: string;
  /** The name of the file that defines it. */
  readonly file: string;
  /** The methods in declaration order. */
  readonly methods: readonly MethodInfo[];
  /** The service's descriptor as the file declares it. */
  readonly descriptor: ServiceDescriptorProto;
}
