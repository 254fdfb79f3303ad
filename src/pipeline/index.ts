// The first file holds types only; `export *` keeps it loaded, so c8 (all: true) does not count it as uncovered.
export * from "./message-options.js";
export * from "./message-observer.js";
export { encodeMessage } from "./encode-message.js";
export { decodeMessage } from "./decode-message.js";
export { readMessages } from "./read-messages.js";
export { writeMessages } from "./write-messages.js";
export { cardinalityError, expectSingle } from "./single-message.js";
