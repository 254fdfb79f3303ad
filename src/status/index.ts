export { Code, codeName, isCode } from "./code.js";
export { GrpcError, type GrpcErrorOptions } from "./grpc-error.js";
