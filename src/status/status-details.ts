// google.rpc.Status in protobuf wire format, by hand, so users need no .proto for it:
//   message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
//   message Any    { string type_url = 1; bytes value = 2; }
// https://github.com/googleapis/googleapis/blob/master/google/rpc/status.proto

/** One detail of a rich status: a google.protobuf.Any (type URL and serialized message). */
export interface StatusDetail {
  /** The message's type URL, e.g. "type.googleapis.com/google.rpc.BadRequest". */
  typeUrl: string;
  /** The serialized message. */
  value: Uint8Array;
}

/**
 * A decoded `grpc-status-details-bin`: a google.rpc.Status with its code, message and details.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#responses
 */
export interface StatusDetails {
  /** The status code; should equal the call's grpc-status. */
  code: number;
  /** The developer-facing message; should equal the call's grpc-message. */
  message: string;
  /** The typed details (google.protobuf.Any). */
  details: StatusDetail[];
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Serializes a google.rpc.Status for `grpc-status-details-bin`, omitting default (zero, empty)
 * fields as proto3 does.
 */
export function encodeStatusDetails(status: StatusDetails): Uint8Array {
  const message = utf8Encoder.encode(status.message);
  const details = status.details.map((detail) => ({ typeUrl: utf8Encoder.encode(detail.typeUrl), value: detail.value }));
  const code = status.code | 0;
  // A negative int32 is sign-extended to 64 bits, so it takes ten bytes (protobuf encoding rules).
  let size = code === 0 ? 0 : 1 + (code < 0 ? 10 : varintSize(code));
  if (message.length > 0) size += fieldSize(message.length);
  for (const detail of details) size += fieldSize(anySize(detail.typeUrl, detail.value));

  const out = new Uint8Array(size);
  let at = 0;
  const writeVarint = (value: number): void => {
    while (value > 0x7f) {
      out[at++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    out[at++] = value;
  };
  const writeBytes = (tag: number, bytes: Uint8Array): void => {
    out[at++] = tag;
    writeVarint(bytes.length);
    out.set(bytes, at);
    at += bytes.length;
  };
  if (code !== 0) {
    out[at++] = (1 << 3) | WIRE_VARINT;
    if (code > 0) writeVarint(code);
    else {
      let low = code >>> 0;
      for (let i = 0; i < 4; i++, low >>>= 7) out[at++] = (low & 0x7f) | 0x80;
      out[at++] = (low & 0x0f) | 0xf0; // bits 28-31, then ones up to bit 34
      for (let i = 0; i < 4; i++) out[at++] = 0xff;
      out[at++] = 0x01;
    }
  }
  if (message.length > 0) writeBytes((2 << 3) | WIRE_LENGTH_DELIMITED, message);
  for (const detail of details) {
    out[at++] = (3 << 3) | WIRE_LENGTH_DELIMITED;
    writeVarint(anySize(detail.typeUrl, detail.value));
    if (detail.typeUrl.length > 0) writeBytes((1 << 3) | WIRE_LENGTH_DELIMITED, detail.typeUrl);
    if (detail.value.length > 0) writeBytes((2 << 3) | WIRE_LENGTH_DELIMITED, detail.value);
  }
  return out;
}

/**
 * Parses a `grpc-status-details-bin` payload as a google.rpc.Status; unknown fields are skipped,
 * and undefined means the bytes are not a well-formed message (truncated, bad lengths or tags).
 */
export function decodeStatusDetails(bytes: Uint8Array): StatusDetails | undefined {
  try {
    const reader = new Reader(bytes, 0, bytes.length);
    const status: StatusDetails = { code: 0, message: "", details: [] };
    reader.readFields((field, wireType) => {
      if (field === 1 && wireType === WIRE_VARINT) status.code = reader.int32();
      else if (field === 2 && wireType === WIRE_LENGTH_DELIMITED) status.message = utf8Decoder.decode(reader.bytes());
      else if (field === 3 && wireType === WIRE_LENGTH_DELIMITED) status.details.push(decodeAny(reader.bytes()));
      else reader.skip(field, wireType);
    });
    return status;
  } catch {
    // MalformedError, or a RangeError from groups nested deeper than the stack: the input's fault either way.
    return undefined;
  }
}

function decodeAny(bytes: Uint8Array): StatusDetail {
  const reader = new Reader(bytes, 0, bytes.length);
  const detail: StatusDetail = { typeUrl: "", value: new Uint8Array(0) };
  reader.readFields((field, wireType) => {
    if (field === 1 && wireType === WIRE_LENGTH_DELIMITED) detail.typeUrl = utf8Decoder.decode(reader.bytes());
    else if (field === 2 && wireType === WIRE_LENGTH_DELIMITED) detail.value = reader.bytes().slice();
    else reader.skip(field, wireType);
  });
  return detail;
}

function varintSize(value: number): number {
  let size = 1;
  while (value > 0x7f) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Size of a length-delimited field with a one-byte tag. */
function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

function anySize(typeUrl: Uint8Array, value: Uint8Array): number {
  return (typeUrl.length > 0 ? fieldSize(typeUrl.length) : 0) + (value.length > 0 ? fieldSize(value.length) : 0);
}

class MalformedError extends Error {}

/** A cursor over protobuf wire data; every read past the end throws MalformedError. */
class Reader {
  constructor(
    private readonly buffer: Uint8Array,
    private at: number,
    private readonly end: number,
  ) {}

  /** Calls `onField` for each field until the end; `onField` must consume the field's value. */
  readFields(onField: (field: number, wireType: number) => void): void {
    while (this.at < this.end) {
      const tag = this.varint();
      const field = Math.floor(tag / 8);
      if (field === 0) throw new MalformedError();
      onField(field, tag % 8);
    }
  }

  /** An unsigned varint of up to 10 bytes, as a number (exact up to 2^53). */
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.at >= this.end) throw new MalformedError();
      const byte = this.buffer[this.at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new MalformedError();
  }

  /** A varint read as int32: its low 32 bits, signed. */
  int32(): number {
    let low = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.at >= this.end) throw new MalformedError();
      const byte = this.buffer[this.at++]!;
      if (shift < 32) low |= (byte & 0x7f) << shift;
      if (byte < 0x80) return low | 0;
    }
    throw new MalformedError();
  }

  /** The payload of a length-delimited field, as a view. */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length > this.end - this.at) throw new MalformedError();
    const start = this.at;
    this.at += length;
    return this.buffer.subarray(start, this.at);
  }

  /** Skips the value of a field this decoder does not know. */
  skip(field: number, wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LENGTH_DELIMITED:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      case WIRE_START_GROUP:
        for (;;) {
          if (this.at >= this.end) throw new MalformedError();
          const tag = this.varint();
          const inner = Math.floor(tag / 8);
          if (tag % 8 === WIRE_END_GROUP) {
            if (inner !== field) throw new MalformedError();
            return;
          }
          if (inner === 0) throw new MalformedError();
          this.skip(inner, tag % 8);
        }
      default:
        throw new MalformedError();
    }
  }

  private advance(count: number): void {
    if (count > this.end - this.at) throw new MalformedError();
    this.at += count;
  }
}
