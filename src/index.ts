// The public API: the only module users import. Each line re-exports one folder's surface.
export { Code, codeName, GrpcError, type GrpcErrorOptions } from "./status/index.js";
export { decodeStatusDetails, encodeStatusDetails, type StatusDetail, type StatusDetails } from "./status/index.js";
export { Metadata, type MetadataValue } from "./metadata/index.js";
