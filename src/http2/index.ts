// The http2 layer's shared surface: header names and the mapping between gRPC and HTTP/2 headers,
// trailers and errors, used by both roles (http2/client and http2/server).
export * from "./header-names.js";
export { isGrpcContentType } from "./content-type.js";
export { MAX_SEND_HEADER_BLOCK_BYTES, headerListBytes } from "./header-list-size.js";
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
export { TLS_VERIFY_CODES } from "./tls-verify-codes.js";
export {
  DEFAULT_HIGH_WATER_BYTES,
  FrameQueue,
  SINGLE_MESSAGE,
  type FlowControl,
  type FrameWaiter,
  type SingleFrameConsumer,
} from "./frame-queue.js";
