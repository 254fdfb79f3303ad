import { rootFromDescriptors } from "../gen/index.js";

/** Messages to and from proto3 JSON by type name, over serialized messages: what `tsgrpc call` needs of a schema. */
export interface JsonTranscoder {
  /** The message `bytes` of type `typeName` as JSON. */
  toJson(typeName: string, bytes: Uint8Array, options: { emitDefaults: boolean }): unknown;
  /** JSON text of a message of type `typeName`, serialized; a mismatch is GrpcError(INVALID_ARGUMENT) "json: ...". */
  fromJson(typeName: string, json: string): Uint8Array;
}

/** The transcoder of a schema given as serialized FileDescriptorProtos. */
export function createTranscoder(files: readonly Uint8Array[]): JsonTranscoder {
  const { root } = rootFromDescriptors(files);
  return {
    toJson(typeName, bytes, options) {
      const type = root.lookupType(typeName);
      return type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: String, defaults: options.emitDefaults, json: true });
    },
    fromJson(typeName, json) {
      const type = root.lookupType(typeName);
      const value = JSON.parse(json) as Record<string, unknown>;
      const problem = type.verify(value);
      if (problem !== null) throw new TypeError(`client: ${typeName}: ${problem}`);
      return type.encode(type.fromObject(value)).finish();
    },
  };
}
