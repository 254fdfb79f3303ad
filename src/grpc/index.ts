// The generated code of gRPC's own protos, for the folders above (the CLI, reflection, health):
// one namespace per proto package, since v1 and v1alpha reflection share their message names.
export * as healthV1 from "./health/v1/health_pb.js";
export * as reflectionV1 from "./reflection/v1/reflection_pb.js";
export * as reflectionV1alpha from "./reflection/v1alpha/reflection_pb.js";
