// tsgrpc/reflection: gRPC server reflection (grpc.reflection.v1 and v1alpha) on the public API.
export { addReflection, reflectionHandler, type ServiceSource } from "./reflection-service.js";
/** The generated code of grpc/reflection/v1 and v1alpha reflection.proto: the services and their messages (for clients). */
export { reflectionV1, reflectionV1alpha } from "../grpc/index.js";
