// tsgrpc/web: the browser client, and everything generated code needs at run time, with no Node
// built-in anywhere below it (test/architecture/web-client.test.ts bundles it for a browser).
// Generate code for it with `tsgrpc gen --runtime-import tsgrpc/web`.
export {
  createWebClient,
  type ServerStreamingWebFunction,
  type UnaryWebFunction,
  type UntypedWebFunction,
  type WebClient,
  type WebClientFunction,
} from "./create-web-client.js";
// Types only; `export *` keeps the file loaded, so c8 (all: true) does not count it as uncovered.
export * from "./web-client-options.js";
export type { WebProtocol } from "./web-protocol.js";
export type { WebCompression } from "./web-compression.js";
// The JSON format itself is in tsgrpc/web/json (src/web-client/json.ts), so pages without it stay small.
export type { WebFormat, WebFormatCodecs } from "./web-format.js";
// Connect's code names, one table with the server's (status/connect-code-name.ts).
export { codeFromConnectName } from "../status/index.js";
// The shared vocabulary: the same classes as "tsgrpc" exports, so errors and metadata look alike on both sides.
export { Code, codeName, GrpcError, type GrpcErrorOptions } from "../status/index.js";
export { decodeStatusDetails, encodeStatusDetails, type StatusDetail, type StatusDetails } from "../status/index.js";
export { Metadata, type MetadataInit, type MetadataValue, type SingleValuedMetadataKey } from "../metadata/index.js";
// The types of generated services (types only: service/ itself loads protobufjs for loadService).
export type {
  BidiStreamingMethod,
  ClientStreamingMethod,
  Method,
  MethodKind,
  ServerStreamingMethod,
  Service,
  UnaryMethod,
} from "../service/index.js";
export type { Codec } from "../codec/index.js";
// The runtime of generated message code.
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
} from "../protobuf/index.js";
