const HEX_DIGITS = "0123456789ABCDEF";
const utf8Encoder = new TextEncoder();
// Not fatal: invalid UTF-8 after unescaping becomes U+FFFD, because decoding must never fail.
const utf8Decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Percent-encodes a status message for the `grpc-message` header: UTF-8 first, then every byte
 * outside 0x20-0x7E, and "%" itself, becomes "%XX" (uppercase hex). Nothing else is escaped.
 *
 * A lone surrogate cannot be UTF-8, so it is sent as U+FFFD (EF BF BD).
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#responses
 */
export function encodeStatusMessage(text: string): string {
  if (!needsEncoding(text)) return text;
  const bytes = utf8Encoder.encode(text);
  let out = "";
  let runStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x25) continue;
    if (i > runStart) out += utf8Decoder.decode(bytes.subarray(runStart, i));
    out += "%" + HEX_DIGITS[byte >> 4] + HEX_DIGITS[byte & 0x0f];
    runStart = i + 1;
  }
  if (runStart < bytes.length) out += utf8Decoder.decode(bytes.subarray(runStart));
  return out;
}

/**
 * Decodes a received `grpc-message`: "%XX" escapes become bytes, the bytes are read as UTF-8.
 *
 * Never throws: a "%" not followed by two hex digits stays as it is, and bytes that are not valid
 * UTF-8 become U+FFFD, because the spec forbids failing a call or dropping its message over this.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#responses
 */
export function decodeStatusMessage(text: string): string {
  if (!text.includes("%")) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && i + 2 < text.length && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      bytes.push((hexValue(text.charCodeAt(i + 1)) << 4) | hexValue(text.charCodeAt(i + 2)));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // A raw non-ASCII character (a non-conforming sender): keep it as the character it is.
      const end = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? i + 2 : i + 1;
      for (const byte of utf8Encoder.encode(text.slice(i, end))) bytes.push(byte);
      i = end - 1;
    }
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}

function needsEncoding(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) return true;
  }
  return false;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}
