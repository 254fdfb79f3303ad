import { TypeRegistry } from "../descriptor/index.js";
import { file_google_rpc_error_details, file_google_rpc_status } from "../wkt/index.js";

/** Messages to and from proto3 JSON by type name, over serialized messages: what `tsgrpc call` needs of a schema. */
export interface JsonTranscoder {
  /** The message `bytes` of type `typeName` as JSON. */
  toJson(typeName: string, bytes: Uint8Array, options: { emitDefaults: boolean }): unknown;
  /** JSON text of a message of type `typeName`, serialized; a mismatch is GrpcError(INVALID_ARGUMENT) "json: ...". */
  fromJson(typeName: string, json: string): Uint8Array;
}

/**
 * The transcoder of a schema given as serialized FileDescriptorProtos: the proto3 JSON mapping of
 * the descriptor registry, with google.rpc.Status and the standard error details added so that rich
 * error details print as JSON whatever the schema holds.
 */
export function createTranscoder(files: readonly Uint8Array[]): JsonTranscoder {
  const registry = TypeRegistry.fromFiles(files);
  for (const file of [file_google_rpc_status, file_google_rpc_error_details]) registry.addFile(file);
  return {
    toJson: (typeName, bytes, options) => registry.toJson(typeName, bytes, { emitDefaults: options.emitDefaults }),
    fromJson: (typeName, json) => registry.fromJson(typeName, json),
  };
}
