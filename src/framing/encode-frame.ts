import { FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD_BYTES } from "./frame.js";

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME_PAYLOAD_BYTES)
    throw new RangeError(`framing: message length ${length} does not fit the 4-byte length prefix`);
}

/** Frames up to this size are cut from a shared slab instead of getting their own ArrayBuffer. */
const POOLED_FRAME_BYTES = 4 * 1024;
const SLAB_BYTES = 32 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabOffset = 0;

/**
 * A fresh region of `length` bytes. Small ones are views of a slab that is never reused once cut
 * (a bump allocator, as Buffer.allocUnsafe pools), because a separate ArrayBuffer per small frame
 * costs several times more than the frame's own work.
 */
function allocate(length: number): Uint8Array {
  if (length > POOLED_FRAME_BYTES) return new Uint8Array(length);
  if (slabOffset + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabOffset = 0;
  }
  const region = slab.subarray(slabOffset, slabOffset + length);
  slabOffset += length;
  return region;
}

function writeHeader(target: Uint8Array, length: number, compressed: boolean): void {
  target[0] = compressed ? 1 : 0;
  target[1] = length >>> 24;
  target[2] = (length >>> 16) & 0xff;
  target[3] = (length >>> 8) & 0xff;
  target[4] = length & 0xff;
}

/**
 * Encodes one Length-Prefixed-Message (header and payload) into a single new region of memory.
 *
 * One allocation and one copy, so the result can go out in one write. Frames up to 4 KiB are views
 * of a shared slab (never overwritten): use byteOffset/byteLength, not `.buffer` alone.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function encodeFrame(payload: Uint8Array, compressed = false): Uint8Array {
  checkLength(payload.length);
  const frame = allocate(FRAME_HEADER_BYTES + payload.length);
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

/**
 * Fills in the 5-byte header at the start of `frame`, whose payload (the rest of it) is already in
 * place: for codecs that encode a message after room left for its header.
 */
export function writeFrameHeader(frame: Uint8Array, compressed: boolean): Uint8Array {
  const length = frame.length - FRAME_HEADER_BYTES;
  checkLength(length);
  writeHeader(frame, length, compressed);
  return frame;
}
