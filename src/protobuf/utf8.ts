import { Code, GrpcError } from "../status/index.js";

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Below this many characters a hand loop beats TextEncoder (its call costs more than the copy). */
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
 * Up to this many bytes a hand decoder beats TextDecoder, whose per-call cost dominates short
 * strings (measured with bench/codec on Node 20).
 */
const SHORT_READ = 128;

/** UTF-16 units of the string being decoded, reused (decoding is synchronous; stale units past the end are ignored). */
const units: number[] = [];

/**
 * Decodes valid UTF-8 by hand; returns undefined at the first invalid sequence (an overlong form,
 * a surrogate, a code point above U+10FFFF, a truncated or stray continuation byte), so the caller
 * can let TextDecoder report or replace it.
 */
function utf8ReadShort(buffer: Uint8Array, start: number, end: number): string | undefined {
  let n = 0;
  let i = start;
  while (i < end) {
    const b0 = buffer[i]!;
    if (b0 < 0x80) {
      units[n++] = b0;
      i++;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (i + 1 >= end) return undefined;
      const b1 = buffer[i + 1]!;
      if ((b1 & 0xc0) !== 0x80) return undefined;
      units[n++] = ((b0 & 0x1f) << 6) | (b1 & 0x3f);
      i += 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      if (i + 2 >= end) return undefined;
      const b1 = buffer[i + 1]!;
      const b2 = buffer[i + 2]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return undefined;
      const unit = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      if (unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff)) return undefined;
      units[n++] = unit;
      i += 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (i + 3 >= end) return undefined;
      const b1 = buffer[i + 1]!;
      const b2 = buffer[i + 2]!;
      const b3 = buffer[i + 3]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return undefined;
      const point = (((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f)) - 0x10000;
      if (point < 0 || point > 0xfffff) return undefined;
      units[n++] = 0xd800 + (point >> 10);
      units[n++] = 0xdc00 + (point & 0x3ff);
      i += 4;
    } else return undefined;
  }
  // A slice of the first n units: setting units.length instead cost more (profiled).
  return String.fromCharCode.apply(null, units.slice(0, n));
}

/**
 * Reads `end - start` bytes of UTF-8 from `buffer`. With `field` given, invalid UTF-8 is a
 * GrpcError(INTERNAL) naming that field (proto3 `string` fields must be valid UTF-8); without it,
 * invalid sequences become U+FFFD (proto2).
 * https://protobuf.dev/programming-guides/proto3/#scalar
 */
export function utf8Read(buffer: Uint8Array, start: number, end: number, field?: string): string {
  if (end - start <= SHORT_READ) {
    const text = utf8ReadShort(buffer, start, end);
    if (text !== undefined) return text;
  }
  const bytes = buffer.subarray(start, end);
  if (field === undefined) return lenientDecoder.decode(bytes);
  try {
    return strictDecoder.decode(bytes);
  } catch (error) {
    throw new GrpcError(Code.Internal, `codec: invalid UTF-8 in string field ${field}`, { cause: error });
  }
}
