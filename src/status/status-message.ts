const HEX_DIGITS = "0123456789ABCDEF";
/** "%00" to "%FF", indexed by byte. */
const ESCAPES: readonly string[] = Array.from({ length: 256 }, (_, byte) => "%" + HEX_DIGITS[byte >> 4] + HEX_DIGITS[byte & 0x0f]);
const ESCAPED_REPLACEMENT_CHARACTER = "%EF%BF%BD";
/** Any UTF-16 code unit that is not printable ASCII, or "%"; a regex scan beats a charCodeAt loop here. */
const NEEDS_ESCAPE = /[^\x20-\x24\x26-\x7e]/;
const utf8Encoder = new TextEncoder();
// Not fatal: invalid UTF-8 after unescaping becomes U+FFFD, because decoding must never fail.
const utf8Decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Percent-encodes a status message for the `grpc-message` header: UTF-8 first, then every byte
 * outside 0x20-0x7E, and "%" itself, becomes "%XX" (uppercase hex). Nothing else is escaped.
 *
 * A lone surrogate cannot be UTF-8, so it is sent as U+FFFD (EF BF BD). A message that needs no
 * escaping is returned as it is; otherwise UTF-16 code units are encoded straight to escapes.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#responses
 */
export function encodeStatusMessage(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = "";
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x25) continue;
    if (i > runStart) out += text.slice(runStart, i);
    if (c < 0x80) out += ESCAPES[c];
    else if (c < 0x800) out += ESCAPES[0xc0 | (c >> 6)]! + ESCAPES[0x80 | (c & 0x3f)];
    else if (isHighSurrogate(c) && isLowSurrogate(text.charCodeAt(i + 1))) {
      const codePoint = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00);
      out +=
        ESCAPES[0xf0 | (codePoint >> 18)]! +
        ESCAPES[0x80 | ((codePoint >> 12) & 0x3f)] +
        ESCAPES[0x80 | ((codePoint >> 6) & 0x3f)] +
        ESCAPES[0x80 | (codePoint & 0x3f)];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += ESCAPED_REPLACEMENT_CHARACTER;
    else out += ESCAPES[0xe0 | (c >> 12)]! + ESCAPES[0x80 | ((c >> 6) & 0x3f)] + ESCAPES[0x80 | (c & 0x3f)];
    runStart = i + 1;
  }
  return runStart < text.length ? out + text.slice(runStart) : out;
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
      const end = isHighSurrogate(c) && isLowSurrogate(text.charCodeAt(i + 1)) ? i + 2 : i + 1;
      for (const byte of utf8Encoder.encode(text.slice(i, end))) bytes.push(byte);
      i = end - 1;
    }
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}
