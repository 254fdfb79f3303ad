export { type Compression } from "./compression.js";
export { identity } from "./identity.js";
export { DEFAULT_COMPRESSIONS, deflate, gzip } from "./zlib-compression.js";
export { acceptEncodingHeader, compressionForReceive, compressionForSend, parseEncodingList } from "./negotiate.js";
