export { Code, codeName, isCode, parseStatusCode } from "./code.js";
export { codeFromConnectName, connectCodeName } from "./connect-code-name.js";
export { GrpcError, describeError, type GrpcErrorOptions } from "./grpc-error.js";
export { abortError } from "./abort-error.js";
export { decodeStatusMessage, encodeStatusMessage } from "./status-message.js";
export { codeFromHttpStatus } from "./code-from-http-status.js";
export {
  HTTP2_ERROR_CODES,
  RstCode,
  codeFromRstCode,
  describeHttp2ErrorCode,
  describeRstCode,
  explainRstCode,
  http2ErrorCode,
  http2ErrorCodeFromName,
  type Http2ErrorCode,
} from "./http2-error-code.js";
export { decodeStatusDetails, encodeStatusDetails, type StatusDetail, type StatusDetails } from "./status-details.js";
