export { Code, codeName, isCode, parseStatusCode } from "./code.js";
export { GrpcError, type GrpcErrorOptions } from "./grpc-error.js";
export { decodeStatusMessage, encodeStatusMessage } from "./status-message.js";
export { codeFromHttpStatus } from "./code-from-http-status.js";
export { RstCode, codeFromRstCode, describeRstCode, explainRstCode } from "./code-from-rst-code.js";
export { decodeStatusDetails, encodeStatusDetails, type StatusDetail, type StatusDetails } from "./status-details.js";
