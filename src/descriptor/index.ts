// Descriptors: a TypeRegistry of .proto types resolved from serialized FileDescriptorProtos,
// and the JSON mapping for generated types built on it.
export type { EnumInfo, FieldInfo, MessageInfo, MethodInfo, ServiceInfo } from "./descriptor-info.js";
export { jsonNameOf } from "./json-name.js";
export { fromJson, registryOf, toJson } from "./message-json.js";
export { TypeRegistry } from "./type-registry.js";
