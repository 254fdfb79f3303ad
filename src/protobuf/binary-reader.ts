import { Code, GrpcError } from "../status/index.js";
import { utf8Read } from "./utf8.js";

const TWO_32 = 4294967296;

// Floats are read through one 8-byte scratch area in the platform's byte order: no DataView per
// reader (its allocation cost more than the read for a message with a few doubles).
const SCRATCH = new ArrayBuffer(8);
const SCRATCH_BYTES = new Uint8Array(SCRATCH);
const SCRATCH_FLOAT = new Float32Array(SCRATCH);
const SCRATCH_DOUBLE = new Float64Array(SCRATCH);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Unknown fields of a decoded message: their raw bytes, tags included, in the order read. */
export const UNKNOWN_FIELDS: unique symbol = Symbol.for("tsgrpc.unknownFields");

/** A decoded message that may carry unknown fields under UNKNOWN_FIELDS (non-enumerable). */
interface WithUnknownFields {
  [UNKNOWN_FIELDS]?: Uint8Array[];
}

/**
 * How many levels of sub-messages a decode accepts below the top-level message, as protobuf
 * C++ and Python do (their recursion limit 100): deeper nesting fails instead of exhausting the stack.
 */
export const MAX_MESSAGE_NESTING = 100;

function malformed(detail: string): GrpcError {
  return new GrpcError(Code.Internal, `codec: malformed protobuf: ${detail}`);
}

/**
 * Reads protobuf wire format from one buffer: varints, zigzag, fixed-width numbers, 64-bit
 * integers as bigint, strings (strict UTF-8 for proto3), bytes, and unknown fields, which it
 * keeps as raw bytes so that decode -> encode loses nothing.
 *
 * Every read checks the buffer's end; malformed input is GrpcError(INTERNAL) "codec: ...".
 * https://protobuf.dev/programming-guides/encoding/
 */
export class BinaryReader {
  readonly buffer: Uint8Array;
  /** The offset of the next byte to read. */
  pos = 0;
  /** Where the last tag read by `tag()` started. */
  tagStart = 0;
  /** How many messages are being read right now (the top-level one included). */
  #depth = 0;
  #low = 0;
  #high = 0;

  constructor(buffer: Uint8Array) {
    this.buffer = buffer;
  }

  /** Reads a field tag (remembering where it started, for unknown fields). Field number 0 is malformed. */
  tag(): number {
    this.tagStart = this.pos;
    const tag = this.uint32();
    if (tag >>> 3 === 0) throw malformed(`field number 0 at byte ${this.tagStart}`);
    return tag;
  }

  /** An unsigned 32-bit varint; a longer varint keeps its low 32 bits, as the spec says. */
  uint32(): number {
    const buffer = this.buffer;
    let pos = this.pos;
    if (pos < buffer.length) {
      const first = buffer[pos]!;
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      if (pos >= buffer.length) throw malformed("truncated varint");
      byte = buffer[pos++]!;
      if (shift < 32) value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80 && shift < 70);
    if (byte >= 0x80) throw malformed("varint longer than 10 bytes");
    this.pos = pos;
    return value >>> 0;
  }

  /** An int32 or enum varint. */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A sint32 (zigzag). */
  sint32(): number {
    const value = this.uint32();
    return (value >>> 1) ^ -(value & 1);
  }

  /** A bool: any non-zero varint is true. */
  bool(): boolean {
    this.#varint64();
    return this.#low !== 0 || this.#high !== 0;
  }

  /** A little-endian fixed32. */
  fixed32(): number {
    const pos = this.#advance(4);
    const buffer = this.buffer;
    return (buffer[pos]! | (buffer[pos + 1]! << 8) | (buffer[pos + 2]! << 16) | (buffer[pos + 3]! << 24)) >>> 0;
  }

  /** A little-endian sfixed32. */
  sfixed32(): number {
    return this.fixed32() | 0;
  }

  /** A little-endian IEEE 754 single. */
  float(): number {
    const pos = this.#advance(4);
    const buffer = this.buffer;
    if (LITTLE_ENDIAN) for (let i = 0; i < 4; i++) SCRATCH_BYTES[i] = buffer[pos + i]!;
    else for (let i = 0; i < 4; i++) SCRATCH_BYTES[3 - i] = buffer[pos + i]!;
    return SCRATCH_FLOAT[0]!;
  }

  /** A little-endian IEEE 754 double. */
  double(): number {
    const pos = this.#advance(8);
    const buffer = this.buffer;
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) SCRATCH_BYTES[i] = buffer[pos + i]!;
    else for (let i = 0; i < 8; i++) SCRATCH_BYTES[7 - i] = buffer[pos + i]!;
    return SCRATCH_DOUBLE[0]!;
  }

  /** An int64 varint as a signed bigint. */
  int64(): bigint {
    this.#varint64();
    return this.#signed();
  }

  /** A uint64 varint as a non-negative bigint. */
  uint64(): bigint {
    this.#varint64();
    return this.#unsigned();
  }

  /** A sint64 (zigzag) as a signed bigint. */
  sint64(): bigint {
    this.#varint64();
    const low = this.#low;
    const high = this.#high;
    if (high < 0x200000) {
      const value = high * TWO_32 + low;
      return BigInt(value % 2 === 0 ? value / 2 : -(value + 1) / 2);
    }
    const bits = (BigInt(high) << 32n) | BigInt(low);
    return (bits >> 1n) ^ -(bits & 1n);
  }

  /** A little-endian fixed64 as a non-negative bigint. */
  fixed64(): bigint {
    this.#low = this.fixed32();
    this.#high = this.fixed32();
    return this.#unsigned();
  }

  /** A little-endian sfixed64 as a signed bigint. */
  sfixed64(): bigint {
    this.#low = this.fixed32();
    this.#high = this.fixed32();
    return this.#signed();
  }

  /**
   * A length-delimited string. With `field` (proto3), invalid UTF-8 is GrpcError(INTERNAL)
   * naming it; without (proto2), invalid sequences become U+FFFD.
   */
  string(field?: string): string {
    const end = this.delimited();
    const start = this.pos;
    this.pos = end;
    return utf8Read(this.buffer, start, end, field);
  }

  /** Length-delimited bytes: a view into the input, no copy. */
  bytes(): Uint8Array {
    const end = this.delimited();
    const start = this.pos;
    this.pos = end;
    return this.buffer.subarray(start, end);
  }

  /** Reads a length prefix and returns where the field ends; beyond the buffer is malformed. */
  delimited(): number {
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.buffer.length) throw malformed(`length ${length} at byte ${this.pos} runs past the end`);
    return end;
  }

  /**
   * Starts reading a message (generated `read` calls it first): a message nested deeper than
   * MAX_MESSAGE_NESTING sub-message levels is GrpcError(INTERNAL) before its fields are read.
   */
  enter(): void {
    if (this.#depth++ > MAX_MESSAGE_NESTING) {
      throw new GrpcError(
        Code.Internal,
        `codec: message nesting deeper than ${MAX_MESSAGE_NESTING} levels at byte ${this.pos} (limit of the protobuf decoder)`,
      );
    }
  }

  /** Ends reading a message started by `enter()`: checks that it stopped exactly at `end`. */
  leave(end: number): void {
    this.#depth--;
    if (this.pos !== end) throw malformed(`a field ran past its message's end at byte ${end}`);
  }

  /** Checks that a length-delimited field read up to `end` stopped exactly there. */
  checkEnd(end: number): void {
    if (this.pos !== end) throw malformed(`a field ran past its message's end at byte ${end}`);
  }

  /** Skips the value of a field with `tag` (the tag itself already read); a group up to and including its end-group tag. */
  skip(tag: number): void {
    switch (tag & 7) {
      case 0:
        this.#varint64();
        return;
      case 1:
        this.#advance(8);
        return;
      case 2:
        this.pos = this.delimited();
        return;
      case 3: {
        // Iterative, not recursive: a hostile run of nested start-group tags cannot overflow the
        // stack, it only reaches the end of the buffer ("group N has no end").
        const open = [tag >>> 3];
        while (open.length > 0) {
          if (this.pos >= this.buffer.length) throw malformed(`group ${open[open.length - 1]} has no end`);
          const inner = this.tag();
          const wireType = inner & 7;
          if (wireType === 4) {
            const field = open.pop()!;
            if (inner >>> 3 !== field) throw malformed(`group ${field} ended by the end of group ${inner >>> 3}`);
          } else if (wireType === 3) open.push(inner >>> 3);
          else this.skip(inner);
        }
        return;
      }
      case 5:
        this.#advance(4);
        return;
      default:
        throw malformed(`wire type ${tag & 7} of field ${tag >>> 3} at byte ${this.tagStart}`);
    }
  }

  /** Skips the field whose tag was just read and keeps its bytes, tag included, on `message`. */
  unknown(tag: number, message: object): void {
    const start = this.tagStart;
    this.skip(tag);
    const kept = (message as WithUnknownFields)[UNKNOWN_FIELDS];
    const bytes = this.buffer.slice(start, this.pos);
    if (kept !== undefined) kept.push(bytes);
    else Object.defineProperty(message, UNKNOWN_FIELDS, { value: [bytes], enumerable: false, writable: true, configurable: true });
  }

  #advance(bytes: number): number {
    const pos = this.pos;
    if (pos + bytes > this.buffer.length) throw malformed(`truncated ${bytes}-byte value at byte ${pos}`);
    this.pos = pos + bytes;
    return pos;
  }

  #varint64(): void {
    const buffer = this.buffer;
    let pos = this.pos;
    let low = 0;
    let high = 0;
    let byte = 0;
    let shift = 0;
    for (; shift < 28; shift += 7) {
      if (pos >= buffer.length) throw malformed("truncated varint");
      byte = buffer[pos++]!;
      low |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        this.#low = low >>> 0;
        this.#high = 0;
        return;
      }
    }
    if (pos >= buffer.length) throw malformed("truncated varint");
    byte = buffer[pos++]!;
    low |= (byte & 0x0f) << 28;
    high = (byte & 0x7f) >> 4;
    for (shift = 3; byte >= 0x80 && shift < 32; shift += 7) {
      if (pos >= buffer.length) throw malformed("truncated varint");
      byte = buffer[pos++]!;
      high |= (byte & 0x7f) << shift;
    }
    if (byte >= 0x80) throw malformed("varint longer than 10 bytes");
    this.pos = pos;
    this.#low = low >>> 0;
    this.#high = high >>> 0;
  }

  #unsigned(): bigint {
    const high = this.#high;
    if (high < 0x200000) return BigInt(high * TWO_32 + this.#low);
    return (BigInt(high) << 32n) | BigInt(this.#low);
  }

  #signed(): bigint {
    const high = this.#high;
    if (high < 0x200000) return BigInt(high * TWO_32 + this.#low);
    if (high >= 0xffe00000) return BigInt((high | 0) * TWO_32 + this.#low);
    return BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(this.#low));
  }
}

/** The unknown fields kept on a decoded message, or undefined when it had none. */
export function unknownFieldsOf(message: object): readonly Uint8Array[] | undefined {
  return (message as WithUnknownFields)[UNKNOWN_FIELDS];
}
