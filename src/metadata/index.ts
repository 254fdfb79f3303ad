export { Metadata, HEADER_FIELD_OVERHEAD_BYTES, type MetadataValue } from "./metadata.js";
export { RESERVED_HEADERS, isBinaryKey, isReservedKey, isValidAsciiValue, isValidKey } from "./metadata-key.js";
