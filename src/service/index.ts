export { isMethodKind, methodKindFromStreaming, type MethodKind } from "./method-kind.js";
export { methodPath, type Method } from "./method.js";
export { defineService, type MethodDefinition, type Service } from "./service.js";
export {
  loadService,
  serviceFromProtobuf,
  type LoadServiceOptions,
  type ServiceFromProtobufOptions,
} from "./service-from-protobuf.js";
