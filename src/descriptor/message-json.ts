import type { FromJsonOptions, JsonValue, ToJsonOptions } from "../json/index.js";
import type { MessageType } from "../protobuf/index.js";
import { TypeRegistry } from "./type-registry.js";

/** One registry per generated type, built from its embedded schema on first use. */
const registries = new WeakMap<object, TypeRegistry>();

/**
 * The registry of a generated message type: its `files()` schema (the defining file and its
 * imports). A type without one was generated before tsgrpc embedded schemas: a TypeError.
 */
export function registryOf(type: MessageType<object, never>): TypeRegistry {
  let registry = registries.get(type);
  if (registry === undefined) {
    if (type.files === undefined)
      throw new TypeError(
        `descriptor: ${type.typeName} carries no schema (files()); regenerate its code with this version of tsgrpc gen to use the JSON mapping`,
      );
    registry = TypeRegistry.fromFiles(type.files());
    registries.set(type, registry);
  }
  return registry;
}

/**
 * The proto3 JSON of a message of generated type `type` (what JSON.stringify should print for it:
 * int64 as strings, bytes as base64, enums by name, well-known types in their JSON forms).
 * https://protobuf.dev/programming-guides/proto3/#json
 */
export function toJson<T extends object, I>(type: MessageType<T, I>, value: I, options?: ToJsonOptions): JsonValue {
  return registryOf(type as MessageType<object, never>).toJson(type.typeName, type.encode(value), options);
}

/**
 * A message of generated type `type` from proto3 JSON: a parsed value, or JSON text when a
 * string. JSON that does not fit the type is GrpcError(INVALID_ARGUMENT) "json: ...".
 */
export function fromJson<T extends object, I>(type: MessageType<T, I>, json: JsonValue | string, options?: FromJsonOptions): T {
  return type.decode(registryOf(type as MessageType<object, never>).fromJson(type.typeName, json, options));
}
