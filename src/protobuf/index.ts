export { BinaryReader, UNKNOWN_FIELDS, unknownFieldsOf } from "./binary-reader.js";
export { BinaryWriter, varintSize } from "./binary-writer.js";
export {
  EMPTY_BYTES,
  bytesFromBase64,
  messageType,
  setMapEntry,
  writeUnknownFields,
  type MessageType,
  type MessageTypeParts,
} from "./message-type.js";
export { utf8Length, utf8Read, utf8Write } from "./utf8.js";
export { WireType } from "./wire-type.js";
