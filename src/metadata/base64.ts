// Node 20 has no native Uint8Array base64 (Uint8Array.prototype.toBase64 arrived later), so this
// file is the one place outside src/http2 that uses Buffer: it is Node's fast C++ codec, and every
// result leaves here as a plain Uint8Array or string. Browsers have no Buffer (tsgrpc/web runs
// there): then a portable codec in plain JavaScript does the same work.

/** Node's Buffer where it exists; undefined in a browser. */
const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const SEXTETS = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) SEXTETS[ALPHABET.charCodeAt(i)] = i;

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
const OPTIONAL_WHITESPACE = /^[ \t]+|[ \t]+$/g;

/**
 * Encodes bytes as standard base64 without padding, the form gRPC sends for `-bin` metadata.
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function encodeBase64(bytes: Uint8Array): string {
  const text =
    NodeBuffer === undefined ? portableEncode(bytes) : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  if (text.endsWith("==")) return text.slice(0, -2);
  if (text.endsWith("=")) return text.slice(0, -1);
  return text;
}

/**
 * Decodes standard base64, padded or unpadded, as a receiver of `-bin` metadata must accept both.
 *
 * Throws TypeError on characters outside the alphabet, misplaced padding or an impossible length,
 * instead of silently dropping them as Buffer would.
 */
export function decodeBase64(text: string): Uint8Array {
  if (!BASE64_PATTERN.test(text)) throw new TypeError(`metadata: ${describe(text)} is not base64`);
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const dataLength = text.length - padding;
  // Padded text comes in whole quads; unpadded text can end with 2 or 3 characters, never 1.
  if ((padding > 0 && text.length % 4 !== 0) || dataLength % 4 === 1)
    throw new TypeError(`metadata: ${describe(text)} is not base64 (length ${text.length})`);
  if (NodeBuffer === undefined) return portableDecode(text, dataLength);
  const buffer = NodeBuffer.from(text, "base64");
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Padded standard base64 of `bytes`, without Buffer. */
function portableEncode(bytes: Uint8Array): string {
  let text = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    text += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  if (i + 1 === bytes.length) {
    const n = bytes[i]! << 16;
    text += `${ALPHABET[n >> 18]!}${ALPHABET[(n >> 12) & 63]!}==`;
  } else if (i + 2 === bytes.length) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    text += `${ALPHABET[n >> 18]!}${ALPHABET[(n >> 12) & 63]!}${ALPHABET[(n >> 6) & 63]!}=`;
  }
  return text;
}

/** The bytes of the first `dataLength` characters of already validated base64, without Buffer. */
function portableDecode(text: string, dataLength: number): Uint8Array {
  const bytes = new Uint8Array(Math.floor((dataLength * 3) / 4));
  let bits = 0;
  let count = 0;
  let out = 0;
  for (let i = 0; i < dataLength; i++) {
    bits = (bits << 6) | SEXTETS[text.charCodeAt(i)]!;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes[out++] = (bits >> count) & 0xff;
    }
  }
  return bytes;
}

/**
 * Decodes a received `-bin` header value into its values: a peer or proxy may join several values
 * with "," (optionally followed by spaces), so the value is split before each part is decoded.
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function decodeBinaryHeader(value: string): Uint8Array[] {
  if (!value.includes(",")) return [decodeBase64(trimSpaces(value))];
  return value.split(",").map((part) => decodeBase64(trimSpaces(part)));
}

/** Strips HTTP optional whitespace (space and tab) from both ends. */
function trimSpaces(text: string): string {
  return text.replace(OPTIONAL_WHITESPACE, "");
}

function describe(text: string): string {
  return text.length > 40 ? `${JSON.stringify(text.slice(0, 40))}...` : JSON.stringify(text);
}
