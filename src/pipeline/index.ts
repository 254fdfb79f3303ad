export { type DecodeOptions, type EncodeOptions } from "./message-options.js";
export { encodeMessage } from "./encode-message.js";
export { decodeMessage } from "./decode-message.js";
export { readMessages } from "./read-messages.js";
export { writeMessages } from "./write-messages.js";
export { expectSingle } from "./single-message.js";
