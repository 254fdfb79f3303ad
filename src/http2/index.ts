// The http2 layer's surface: the only code that touches node:http2. Shared helpers first, then
// each role's stream types.
export * from "./header-names.js";
export { isGrpcContentType } from "./content-type.js";
export { metadataFromHeaders, metadataToHeaders } from "./metadata-headers.js";
export {
  USER_AGENT,
  TSGRPC_VERSION,
  requestHeadFromHeaders,
  requestHeadToHeaders,
  type RequestHead,
  type RequestHeadOptions,
} from "./request-head.js";
export { statusFromTrailers, trailersFromStatus } from "./trailers.js";
export { grpcErrorFromGoaway, grpcErrorFromNode, grpcErrorFromRstCode } from "./node-error.js";
