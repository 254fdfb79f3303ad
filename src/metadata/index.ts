export { Metadata, HEADER_FIELD_OVERHEAD_BYTES, type MetadataInit, type MetadataValue } from "./metadata.js";
export {
  RESERVED_HEADERS,
  SINGLE_VALUED_KEYS,
  type SingleValuedMetadataKey,
  isBinaryKey,
  isSingleValuedKey,
  isLegalFieldValue,
  isReservedKey,
  isValidAsciiValue,
  isValidKey,
} from "./metadata-key.js";
export { decodeBase64, decodeBinaryHeader, encodeBase64 } from "./base64.js";
