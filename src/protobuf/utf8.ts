import { Code, GrpcError } from "../status/index.js";

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Below this many characters a hand loop beats TextEncoder/TextDecoder (their call costs more than the copy). */
const SHORT_STRING = 32;

/**
 * The UTF-8 size of `text` in bytes, without encoding it. A lone surrogate counts 3 bytes, as it
 * becomes U+FFFD when written.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++;
      bytes += 4;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Writes `text` as UTF-8 into `buffer` at `offset` (which must have room for it: at most
 * 3 bytes per UTF-16 unit) and returns the offset after it. Lone surrogates become U+FFFD, as
 * TextEncoder does.
 */
export function utf8Write(text: string, buffer: Uint8Array, offset: number): number {
  if (text.length > SHORT_STRING) return offset + encoder.encodeInto(text, buffer.subarray(offset)).written;
  let at = offset;
  for (let i = 0; i < text.length; i++) {
    let unit = text.charCodeAt(i);
    if (unit < 0x80) {
      buffer[at++] = unit;
      continue;
    }
    if (unit < 0x800) {
      buffer[at++] = 0xc0 | (unit >> 6);
      buffer[at++] = 0x80 | (unit & 0x3f);
      continue;
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (unit <= 0xdbff && (next & 0xfc00) === 0xdc00) {
        const point = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
        i++;
        buffer[at++] = 0xf0 | (point >> 18);
        buffer[at++] = 0x80 | ((point >> 12) & 0x3f);
        buffer[at++] = 0x80 | ((point >> 6) & 0x3f);
        buffer[at++] = 0x80 | (point & 0x3f);
        continue;
      }
      unit = 0xfffd;
    }
    buffer[at++] = 0xe0 | (unit >> 12);
    buffer[at++] = 0x80 | ((unit >> 6) & 0x3f);
    buffer[at++] = 0x80 | (unit & 0x3f);
  }
  return at;
}

/**
 * Reads `end - start` bytes of UTF-8 from `buffer`. With `field` given, invalid UTF-8 is a
 * GrpcError(INTERNAL) naming that field (proto3 `string` fields must be valid UTF-8); without it,
 * invalid sequences become U+FFFD (proto2).
 * https://protobuf.dev/programming-guides/proto3/#scalar
 */
export function utf8Read(buffer: Uint8Array, start: number, end: number, field?: string): string {
  if (end - start <= SHORT_STRING) {
    let text = "";
    let i = start;
    for (; i < end; i++) {
      const byte = buffer[i]!;
      if (byte >= 0x80) break;
      text += String.fromCharCode(byte);
    }
    if (i === end) return text;
  }
  const bytes = buffer.subarray(start, end);
  if (field === undefined) return lenientDecoder.decode(bytes);
  try {
    return strictDecoder.decode(bytes);
  } catch (error) {
    throw new GrpcError(Code.Internal, `codec: invalid UTF-8 in string field ${field}`, { cause: error });
  }
}
