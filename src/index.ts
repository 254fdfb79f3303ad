// The public API: the only module users import. Each line re-exports one folder's surface.
export { Code, codeName, GrpcError, type GrpcErrorOptions } from "./status/index.js";
export { decodeStatusDetails, encodeStatusDetails, type StatusDetail, type StatusDetails } from "./status/index.js";
export { Metadata, type MetadataValue } from "./metadata/index.js";
export {
  Server,
  createServerContext,
  type ServerContext,
  type ServerContextOptions,
  type ServerInterceptor,
  type ServerOptions,
  type ServiceImplementation,
  type ShutdownOptions,
} from "./server/index.js";
export {
  Channel,
  ConnectivityState,
  createClient,
  type BackoffOptions,
  type CallInvoker,
  type CallOptions,
  type ChannelOptions,
  type Client,
  type ClientCall,
  type ClientOptions,
  type Interceptor,
  type LoadBalancingPolicy,
  type ParentContext,
  type TlsOptions,
} from "./client/index.js";
export { gzip, deflate, type Compression } from "./compression/index.js";
export { serviceFromProtobuf, defineService, loadService, type Service, type Method, type MethodKind } from "./service/index.js";
export { protobufCodec, rawCodec, type Codec } from "./codec/index.js";
