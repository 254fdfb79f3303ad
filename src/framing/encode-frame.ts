import { FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD_BYTES } from "./frame.js";

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME_PAYLOAD_BYTES)
    throw new RangeError(`framing: message length ${length} does not fit the 4-byte length prefix`);
}

function writeHeader(target: Uint8Array, length: number, compressed: boolean): void {
  target[0] = compressed ? 1 : 0;
  target[1] = length >>> 24;
  target[2] = (length >>> 16) & 0xff;
  target[3] = (length >>> 8) & 0xff;
  target[4] = length & 0xff;
}

/**
 * Encodes one Length-Prefixed-Message (header and payload) into a single new buffer.
 *
 * One allocation and one copy, so the result can go out in one write.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function encodeFrame(payload: Uint8Array, compressed = false): Uint8Array {
  checkLength(payload.length);
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  writeHeader(frame, payload.length, compressed);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Encodes only the 5-byte header, for callers that write a large payload separately instead of copying it.
 */
export function encodeFrameHeader(length: number, compressed: boolean): Uint8Array {
  checkLength(length);
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  writeHeader(header, length, compressed);
  return header;
}
