import { utf8Write } from "./utf8.js";

const TWO_32 = 4294967296;
const MAX_SAFE = 2 ** 53;
/** Strings shorter than this take at most 127 bytes of UTF-8, so their length prefix is one byte. */
const ONE_BYTE_STRING = 43;

/** Results of finish() from SLAB_MIN to SLAB_MAX bytes are carved out of one SLAB_SIZE slab after another. */
const SLAB_SIZE = 16384;
const SLAB_MIN = 256;
const SLAB_MAX = 4096;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/** The number of bytes of `value` (an unsigned 32-bit integer) as a varint. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/**
 * Writes protobuf wire format into one growing buffer: varints, zigzag, fixed-width numbers,
 * 64-bit integers as bigint, strings, bytes, and length-delimited fields through fork/join.
 *
 * Generated code writes tags as precomputed varints (`writer.uint32(10)`), so a field costs one
 * call per part and no allocation. A length-delimited field reserves one byte for its length and
 * moves its content in the rare case the length needs more, so nested messages are written once.
 * https://protobuf.dev/programming-guides/encoding/
 */
export class BinaryWriter {
  /** The buffer written into; replaced by a larger one as it fills. */
  buffer: Uint8Array;
  /** The offset of the next byte to write. */
  pos = 0;
  #view: DataView | undefined;

  constructor(capacity = 1024) {
    this.buffer = new Uint8Array(capacity);
  }

  /** Starts over, `offset` bytes in: the bytes before are the caller's to fill (a frame header). */
  reset(offset: number): this {
    this.pos = 0;
    this.ensure(offset);
    this.pos = offset;
    return this;
  }

  /** Makes room for `bytes` more bytes. */
  ensure(bytes: number): void {
    const needed = this.pos + bytes;
    if (needed <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.pos));
    this.buffer = grown;
    this.#view = undefined;
  }

  /**
   * A copy of everything written, sized exactly. A mid-sized result is a view into a shared slab
   * (never overwritten), as a fresh ArrayBuffer costs more than copying a few KiB: use
   * byteOffset/byteLength, not `.buffer` alone.
   */
  finish(): Uint8Array {
    const length = this.pos;
    if (length < SLAB_MIN || length > SLAB_MAX) return this.buffer.slice(0, length);
    if (slabUsed + length > SLAB_SIZE) {
      slab = new ArrayBuffer(SLAB_SIZE);
      slabUsed = 0;
    }
    const copy = new Uint8Array(slab, slabUsed, length);
    copy.set(this.buffer.subarray(0, length));
    slabUsed = (slabUsed + length + 7) & ~7;
    return copy;
  }

  /** An unsigned 32-bit varint (tags, lengths, uint32 and enum values that are not negative). */
  uint32(value: number): this {
    if (value >= 0 && value < 0x80 && this.pos < this.buffer.length) {
      // Tags and most lengths: one byte, no loop.
      this.buffer[this.pos++] = value;
      return this;
    }
    this.ensure(5);
    const buffer = this.buffer;
    let pos = this.pos;
    value >>>= 0;
    while (value > 0x7f) {
      buffer[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buffer[pos++] = value;
    this.pos = pos;
    return this;
  }

  /** An int32 (or enum) varint: a negative value is sign-extended to ten bytes, as the spec says. */
  int32(value: number): this {
    if (typeof value !== "number") throw new TypeError(`codec: expected a number, got ${typeof value}`);
    if (value >= 0) return this.uint32(value);
    return this.#varint64(value >>> 0, 0xffffffff);
  }

  /** A sint32: zigzag, then varint. */
  sint32(value: number): this {
    return this.uint32((value << 1) ^ (value >> 31));
  }

  /** A bool as a one-byte varint. */
  bool(value: boolean): this {
    this.ensure(1);
    this.buffer[this.pos++] = value ? 1 : 0;
    return this;
  }

  /** A little-endian fixed32. */
  fixed32(value: number): this {
    this.ensure(4);
    const buffer = this.buffer;
    const pos = this.pos;
    buffer[pos] = value;
    buffer[pos + 1] = value >>> 8;
    buffer[pos + 2] = value >>> 16;
    buffer[pos + 3] = value >>> 24;
    this.pos = pos + 4;
    return this;
  }

  /** A little-endian sfixed32 (the same bytes as fixed32). */
  sfixed32(value: number): this {
    return this.fixed32(value);
  }

  /** A little-endian IEEE 754 single. */
  float(value: number): this {
    this.ensure(4);
    this.#dataView().setFloat32(this.pos, value, true);
    this.pos += 4;
    return this;
  }

  /** A little-endian IEEE 754 double. */
  double(value: number): this {
    this.ensure(8);
    this.#dataView().setFloat64(this.pos, value, true);
    this.pos += 8;
    return this;
  }

  /** An int64 or uint64 varint (two's complement, ten bytes when negative). */
  int64(value: bigint): this {
    const number = Number(value);
    if (number >= 0 && number < TWO_32) return this.uint32(number);
    if (number > -MAX_SAFE && number < MAX_SAFE) return this.#varint64(number >>> 0, Math.floor(number / TWO_32) >>> 0);
    const bits = BigInt.asUintN(64, BigInt(value));
    return this.#varint64(Number(bits & 0xffffffffn), Number(bits >> 32n));
  }

  /** A uint64 varint; the same encoding as int64 for values in range. */
  uint64(value: bigint): this {
    return this.int64(value);
  }

  /** A sint64: zigzag, then varint. */
  sint64(value: bigint): this {
    const number = Number(value);
    if (number > -(2 ** 52) && number < 2 ** 52) {
      const zigzag = number >= 0 ? number * 2 : -number * 2 - 1;
      return zigzag < TWO_32 ? this.uint32(zigzag) : this.#varint64(zigzag >>> 0, Math.floor(zigzag / TWO_32));
    }
    const big = BigInt.asIntN(64, BigInt(value));
    const bits = BigInt.asUintN(64, (big << 1n) ^ (big >> 63n));
    return this.#varint64(Number(bits & 0xffffffffn), Number(bits >> 32n));
  }

  /** A little-endian fixed64 or sfixed64. */
  fixed64(value: bigint): this {
    const number = Number(value);
    if (number >= 0 && number < TWO_32) return this.fixed32(number).fixed32(0);
    const bits = BigInt.asUintN(64, BigInt(value));
    return this.fixed32(Number(bits & 0xffffffffn)).fixed32(Number(bits >> 32n));
  }

  /** A little-endian sfixed64 (the same bytes as fixed64). */
  sfixed64(value: bigint): this {
    return this.fixed64(value);
  }

  /** A string as UTF-8 with its length prefix. */
  string(value: string): this {
    if (typeof value !== "string") throw new TypeError(`codec: expected a string, got ${typeof value}`);
    const length = value.length;
    if (length < ONE_BYTE_STRING) {
      this.ensure(1 + length * 3);
      const start = this.pos;
      const end = utf8Write(value, this.buffer, start + 1);
      this.buffer[start] = end - start - 1;
      this.pos = end;
      return this;
    }
    const prefix = varintSize(length * 3);
    this.ensure(prefix + length * 3);
    const start = this.pos;
    const end = utf8Write(value, this.buffer, start + prefix);
    const written = end - start - prefix;
    const actual = varintSize(written);
    if (actual < prefix) this.buffer.copyWithin(start + actual, start + prefix, end);
    this.uint32(written);
    this.pos = start + actual + written;
    return this;
  }

  /** Bytes with their length prefix. */
  bytes(value: Uint8Array): this {
    if (!(value instanceof Uint8Array)) throw new TypeError(`codec: expected a Uint8Array, got ${typeof value}`);
    this.uint32(value.length);
    return this.raw(value);
  }

  /** Bytes as they are, no prefix (unknown fields, pre-encoded data). */
  raw(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** Starts a length-delimited field: reserves one byte for its length and returns where. Pair with join. */
  fork(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Ends the length-delimited field that fork started at `start`, writing its length there. */
  join(start: number): this {
    const length = this.pos - start - 1;
    if (length < 0x80) {
      this.buffer[start] = length;
      return this;
    }
    const extra = varintSize(length) - 1;
    this.ensure(extra);
    this.buffer.copyWithin(start + 1 + extra, start + 1, this.pos);
    const end = this.pos + extra;
    this.pos = start;
    this.uint32(length);
    this.pos = end;
    return this;
  }

  #varint64(low: number, high: number): this {
    this.ensure(10);
    const buffer = this.buffer;
    let pos = this.pos;
    while (high > 0 || low > 0x7f) {
      buffer[pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buffer[pos++] = low;
    this.pos = pos;
    return this;
  }

  #dataView(): DataView {
    this.#view ??= new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    return this.#view;
  }
}
