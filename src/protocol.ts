// tsgrpc/protocol: the pure protocol layers, for people who study, test or reuse gRPC's wire
// format without a Server or a Channel. Each line re-exports one folder's surface; the same
// functions run inside every tsgrpc call, and errors are tsgrpc's GrpcError (the same class
// as the one "tsgrpc" exports).
// README.md, "The protocol layers", shows them at work.

// metadata/: custom metadata, its key rules and the base64 of -bin values.
export {
  Metadata,
  isBinaryKey,
  isReservedKey,
  isSingleValuedKey,
  isValidKey,
  decodeBase64,
  decodeBinaryHeader,
  encodeBase64,
  type MetadataInit,
  type MetadataValue,
  type SingleValuedMetadataKey,
} from "./metadata/index.js";
// status/: codes, grpc-status, grpc-message, grpc-status-details-bin, and the statuses of HTTP and HTTP/2 failures.
export {
  Code,
  codeName,
  GrpcError,
  type GrpcErrorOptions,
  isCode,
  parseStatusCode,
  decodeStatusMessage,
  encodeStatusMessage,
  decodeStatusDetails,
  encodeStatusDetails,
  codeFromHttpStatus,
  HTTP2_ERROR_CODES,
  RstCode,
  codeFromRstCode,
  describeRstCode,
  explainRstCode,
  http2ErrorCode,
  http2ErrorCodeFromName,
  type Http2ErrorCode,
  type StatusDetail,
  type StatusDetails,
} from "./status/index.js";
// deadline/: grpc-timeout, absolute deadlines and the AbortSignal that fires at one.
export {
  formatTimeout,
  parseTimeout,
  MAX_TIMER_MS,
  deadlineFromTimeout,
  earliest,
  remainingMs,
  deadlineSignal,
  type Clock,
  type Deadline,
  type DeadlineSignal,
} from "./deadline/index.js";
// framing/: the 5-byte Length-Prefixed-Message.
export {
  DEFAULT_MAX_RECEIVE_BYTES,
  FRAME_HEADER_BYTES,
  MAX_FRAME_PAYLOAD_BYTES,
  encodeFrame,
  encodeFrameHeader,
  FrameDecoder,
  readFrames,
  type Frame,
} from "./framing/index.js";
// compression/: grpc-encoding and grpc-accept-encoding.
export {
  identity,
  gzip,
  deflate,
  acceptEncodingHeader,
  parseEncodingList,
  compressionForReceive,
  compressionForSend,
  type Compression,
} from "./compression/index.js";
// codec/: message serialization (protobufjs, or raw bytes).
export { protobufCodec, rawCodec, type Codec, type ProtobufCodecOptions } from "./codec/index.js";
// pipeline/: messages to frames and back, through compression and a codec.
export {
  encodeMessage,
  decodeMessage,
  readMessages,
  writeMessages,
  expectSingle,
  cardinalityError,
  type DecodeOptions,
  type EncodeOptions,
} from "./pipeline/index.js";
// http2/ (shared half): metadata as HTTP/2 headers, a status as trailers, the gRPC content-type.
export { metadataFromHeaders, metadataToHeaders, statusFromTrailers, trailersFromStatus, isGrpcContentType } from "./http2/index.js";
