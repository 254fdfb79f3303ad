/**
 * The probe's own wire helpers: Length-Prefixed-Message bytes and the few grpc.testing messages it
 * sends, encoded by hand. The probe judges other implementations, so it shares no framing or codec
 * code with the library it may be probing.
 */

/** A Length-Prefixed-Message: compressed flag, 4-byte big-endian length, then the bytes. */
export function lengthPrefixed(message: Uint8Array, flag = 0, declaredLength = message.length): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(flag, 0);
  prefix.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([prefix, message]);
}

/** Splits a response body into its messages; `rest` holds bytes of an incomplete message at the end. */
export function splitMessages(body: Buffer): { messages: { flag: number; bytes: Buffer }[]; rest: number } {
  const messages: { flag: number; bytes: Buffer }[] = [];
  let offset = 0;
  while (body.length - offset >= 5) {
    const length = body.readUInt32BE(offset + 1);
    if (body.length - offset - 5 < length) break;
    messages.push({ flag: body[offset]!, bytes: body.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  return { messages, rest: body.length - offset };
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

function field(number: number, value: number | Uint8Array): number[] {
  if (typeof value === "number") return [...varint(number << 3), ...varint(value)];
  return [...varint((number << 3) | 2), ...varint(value.length), ...value];
}

/** What a grpc.testing.SimpleRequest may carry here. */
export interface SimpleRequestFields {
  responseSize?: number;
  payloadSize?: number;
  /** EchoStatus: the server ends the call with it. */
  responseStatus?: { code: number; message: string };
}

/** grpc.testing.SimpleRequest (messages.proto): response_size 2, payload 3, response_status 7. */
export function simpleRequest(fields: SimpleRequestFields = {}): Buffer {
  const bytes: number[] = [];
  if (fields.responseSize !== undefined) bytes.push(...field(2, fields.responseSize));
  if (fields.payloadSize !== undefined) bytes.push(...field(3, Uint8Array.from(field(2, new Uint8Array(fields.payloadSize)))));
  if (fields.responseStatus !== undefined) {
    const status = [...field(1, fields.responseStatus.code), ...field(2, new TextEncoder().encode(fields.responseStatus.message))];
    bytes.push(...field(7, Uint8Array.from(status)));
  }
  return Buffer.from(bytes);
}

/**
 * grpc.testing.StreamingOutputCallRequest with one response_parameters entry (size 1, interval_us):
 * the server waits that long before its one response.
 */
export function sleepingStreamingRequest(intervalMicros: number): Buffer {
  const parameters = Uint8Array.from([...field(1, 1), ...field(2, intervalMicros)]);
  return Buffer.from(field(2, parameters));
}

/** grpc.testing.StreamingInputCallRequest (payload 1) with a payload of `size` zero bytes. */
export function streamingInputRequest(size: number): Buffer {
  return Buffer.from(field(1, Uint8Array.from(field(2, new Uint8Array(size)))));
}

/** Reads the varint field `number` of a protobuf message (the last occurrence), or undefined. */
export function readVarintField(message: Uint8Array, number: number): number | undefined {
  let offset = 0;
  let found: number | undefined;
  const read = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (offset >= message.length) throw new RangeError("probe: truncated varint in a response message");
      const byte = message[offset++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return value;
    }
  };
  try {
    while (offset < message.length) {
      const key = read();
      const wire = key & 7;
      if (wire === 0) {
        const value = read();
        if (key >>> 3 === number) found = value;
      } else if (wire === 2) offset += read();
      else if (wire === 1) offset += 8;
      else if (wire === 5) offset += 4;
      else return found;
    }
  } catch {
    return found;
  }
  return found;
}

/** Percent-encodes a grpc-message the way PROTOCOL-HTTP2.md asks: UTF-8, then every byte outside %x20-%x7E and `%` itself. */
export function percentEncodeStrict(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Decodes a Percent-Encoded value strictly: undefined if it breaks the grammar (a bare `%`, a byte outside %x20-%x7E, invalid UTF-8). */
export function percentDecodeStrict(value: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x25) {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (code >= 0x20 && code <= 0x7e) bytes.push(code);
    else return undefined;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}
