// Hand-encoded grpc.testing messages and gRPC frames, so that h2load bodies and the floor client
// carry exactly the bytes a protobuf encoder would produce, with no protobuf library involved.

/** The gRPC path of a TestService method, e.g. "/grpc.testing.TestService/UnaryCall". */
export function testServicePath(method: string): string {
  return `/grpc.testing.TestService/${method}`;
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return bytes;
}

/** A length-delimited protobuf field: tag, length, bytes. */
function lengthDelimited(field: number, bytes: Uint8Array): Uint8Array {
  const head = [...varint((field << 3) | 2), ...varint(bytes.length)];
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head, 0);
  out.set(bytes, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** grpc.testing.Payload { body } with a zero-filled body of `size` bytes (type COMPRESSABLE = default). */
function payloadMessage(size: number): Uint8Array {
  return size === 0 ? new Uint8Array(0) : lengthDelimited(2, new Uint8Array(size));
}

/** Wraps a message in the 5-byte gRPC Length-Prefixed-Message header (uncompressed). */
export function frameMessage(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  return frame;
}

/** SimpleRequest { payload: { body: size zero bytes } }, framed. */
export function simpleRequestFrame(size: number): Uint8Array {
  return frameMessage(lengthDelimited(3, payloadMessage(size)));
}

/** StreamingOutputCallResponse / SimpleResponse { payload: { body } }, framed (both use field 1). */
export function payloadResponseFrame(size: number): Uint8Array {
  return frameMessage(lengthDelimited(1, payloadMessage(size)));
}

/** StreamingOutputCallRequest asking for `count` responses of `size` bytes, carrying `payloadSize` bytes itself. */
export function streamingOutputRequestFrame(count: number, size: number, payloadSize = 0): Uint8Array {
  const parameters = lengthDelimited(2, new Uint8Array([0x08, ...varint(size)]));
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) parts.push(parameters);
  if (payloadSize > 0) parts.push(lengthDelimited(3, payloadMessage(payloadSize)));
  return frameMessage(concat(parts));
}

/** StreamingInputCallRequest { payload: { body: size bytes } }, framed. */
export function streamingInputRequestFrame(size: number): Uint8Array {
  return frameMessage(lengthDelimited(1, payloadMessage(size)));
}

/** `count` copies of a frame, back to back: one request body holding several messages. */
export function repeatFrame(frame: Uint8Array, count: number): Uint8Array {
  return concat(Array.from({ length: count }, () => frame));
}

/** The empty message (grpc.testing.Empty), framed. */
export const EMPTY_FRAME = frameMessage(new Uint8Array(0));
