// The public API: the only module users import. Each line re-exports one folder's surface.
export { Code, codeName, GrpcError, type GrpcErrorOptions } from "./status/index.js";
export { decodeStatusDetails, encodeStatusDetails, type StatusDetail, type StatusDetails } from "./status/index.js";
export { Metadata, type MetadataInit, type MetadataValue, type SingleValuedMetadataKey } from "./metadata/index.js";
export {
  Server,
  createServerContext,
  type BidiStreamingHandler,
  type ClientStreamingHandler,
  type Handler,
  type HandlerOfKind,
  type MethodHandler,
  type ServerCallObserver,
  type ServerContext,
  type ServerStreamingHandler,
  type ServerContextOptions,
  type ServerInterceptor,
  type ServerOptions,
  type ServiceImplementation,
  type ShutdownOptions,
  type UnaryHandler,
  type UntypedHandler,
} from "./server/index.js";
export type { BoundAddress, ConnectionPolicy, ListenAddress, ServerTlsOptions } from "./http2/server/index.js";
export type { DistinguishedName, PeerCertificate, ServerTlsCredentials, SubjectAltNames } from "./http2/server/index.js";
export { serveFiles, type HttpHandler, type ServeFilesOptions } from "./web/index.js";
export type { HttpRequest, HttpResponse } from "./http2/server/index.js";
export type { CorsOptions, Http1Options, WebOptions } from "./web/index.js";
export {
  Channel,
  ConnectivityState,
  createClient,
  type BackoffOptions,
  type BidiStreamingFunction,
  composeCallCredentials,
  type CallCredentials,
  type CallCredentialsContext,
  type CallInvoker,
  type CallOptions,
  type ChannelOptions,
  type Client,
  type ClientCall,
  type ClientFunction,
  type ClientOptions,
  type ClientStreamingFunction,
  type FunctionOfKind,
  type Interceptor,
  type LoadBalancingPolicy,
  type ParentContext,
  type ServerStreamingFunction,
  type TlsOptions,
  type UnaryFunction,
  type UntypedFunction,
} from "./client/index.js";
export type { Address, Target } from "./channel/index.js";
export {
  parseServiceConfig,
  type HedgingPolicy,
  type HedgingPolicyJson,
  type LoadBalancingConfig,
  type LoadBalancingConfigJson,
  type MethodConfig,
  type MethodConfigJson,
  type MethodName,
  type MethodNameJson,
  type RetryPolicy,
  type RetryPolicyJson,
  type RetryThrottling,
  type RetryThrottlingJson,
  type ServiceConfig,
  type ServiceConfigJson,
} from "./service-config/index.js";
export type { AttemptObserver, AttemptStart, ClientCallObserver, MessageObserver } from "./pipeline/index.js";
export { TSGRPC_VERSION as VERSION } from "./http2/index.js";
export type {
  DurationString,
  FailurePercentageEjectionConfig,
  LoadBalancingConfigEntry,
  OutlierDetectionConfig,
  PickFirstConfig,
  ResolverResult,
  SuccessRateEjectionConfig,
} from "./channel/index.js";
export type { Deadline } from "./deadline/index.js";
export { gzip, deflate, type Compression } from "./compression/index.js";
export {
  serviceFromProtobuf,
  defineService,
  loadService,
  type BidiStreamingMethod,
  type ClientStreamingMethod,
  type DefinedMethods,
  type LoadServiceOptions,
  type Method,
  type MethodDefinition,
  type MethodKind,
  type ServerStreamingMethod,
  type Service,
  type ServiceFromProtobufOptions,
  type UnaryMethod,
} from "./service/index.js";
export { protobufCodec, rawCodec, type Codec, type ProtobufCodecOptions } from "./codec/index.js";
export {
  createTraceWriter,
  formatTraceJson,
  formatTraceText,
  parseTraceFilter,
  runTraced,
  type Logger,
  type TextFormatOptions,
  type TraceEvent,
  type TraceFilter,
  type TraceLayer,
  type TraceOption,
  type TraceOptions,
  type TraceOutput,
  type TraceSide,
  type TraceSink,
  type TraceWriterOptions,
} from "./trace/index.js";
export {
  BinaryReader,
  BinaryWriter,
  EMPTY_BYTES,
  UNKNOWN_FIELDS,
  bytesFromBase64,
  messageType,
  setMapEntry,
  unknownFieldsOf,
  writeUnknownFields,
  type MessageType,
  type MessageTypeParts,
} from "./protobuf/index.js";
export {
  TypeRegistry,
  fromJson,
  jsonNameOf,
  registryOf,
  toJson,
  type EnumInfo,
  type FieldInfo,
  type MessageInfo,
  type MethodInfo,
  type ServiceInfo,
} from "./descriptor/index.js";
export {
  JSON_MAX_DEPTH,
  type EnumSchema,
  type FieldSchema,
  type FromJsonOptions,
  type JsonObject,
  type JsonValue,
  type MessageSchema,
  type SchemaResolver,
  type ToJsonOptions,
} from "./json/index.js";
