import type { Compression } from "./compression.js";
import { decompressedTooLarge } from "./size-limit.js";

/**
 * The "identity" encoding: bytes pass through unchanged (and are never copied).
 */
export const identity: Compression = {
  name: "identity",
  compress: (bytes) => Promise.resolve(bytes),
  decompress: (bytes, maxBytes) =>
    bytes.length > maxBytes ? Promise.reject(decompressedTooLarge("identity", maxBytes, bytes.length)) : Promise.resolve(bytes),
};
