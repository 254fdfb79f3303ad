// The first file holds types only; `export *` keeps it loaded, so c8 (all: true) does not count it as uncovered.
export * from "./compression.js";
export { identity } from "./identity.js";
export { DEFAULT_COMPRESSIONS, deflate, gzip } from "./zlib-compression.js";
export { acceptEncodingHeader, compressionForReceive, compressionForSend, parseEncodingList } from "./negotiate.js";
