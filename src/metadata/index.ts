export { Metadata, HEADER_FIELD_OVERHEAD_BYTES, type MetadataValue } from "./metadata.js";
export { RESERVED_HEADERS, isBinaryKey, isLegalFieldValue, isReservedKey, isValidAsciiValue, isValidKey } from "./metadata-key.js";
export { decodeBase64, decodeBinaryHeader, encodeBase64 } from "./base64.js";
