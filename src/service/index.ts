export { isMethodKind, methodKindFromStreaming, type MethodKind } from "./method-kind.js";
export {
  methodPath,
  type BidiStreamingMethod,
  type ClientStreamingMethod,
  type Method,
  type ServerStreamingMethod,
  type UnaryMethod,
} from "./method.js";
export { defineService, type DefinedMethods, type MethodDefinition, type Service } from "./service.js";
export {
  loadService,
  serviceFromProtobuf,
  type LoadServiceOptions,
  type ServiceFromProtobufOptions,
} from "./service-from-protobuf.js";
export { encodeFileDescriptor, topLevelOf, type FileDescriptorSource } from "./file-descriptor.js";
export { describeProtoText } from "./proto-source.js";
