import type { Codec } from "../codec/index.js";
import type { Compression } from "../compression/index.js";
import { FRAME_HEADER_BYTES, encodeFrame, writeFrameHeader } from "../framing/index.js";
import { Code, GrpcError } from "../status/index.js";
import type { EncodeOptions } from "./message-options.js";

function checkSendLimit(length: number, maxBytes: number): void {
  if (length > maxBytes)
    throw new GrpcError(Code.ResourceExhausted, `pipeline: message of ${length} bytes exceeds the send limit of ${maxBytes} bytes`);
}

async function compressFrame(bytes: Uint8Array, compression: Compression, maxBytes: number): Promise<Uint8Array> {
  const compressed = await compression.compress(bytes);
  checkSendLimit(compressed.length, maxBytes);
  return encodeFrame(compressed, true);
}

/**
 * Encodes one message into a complete Length-Prefixed-Message (header and payload).
 *
 * Synchronous when not compressing, so the unary fast path never waits; a promise otherwise. The
 * send limit applies to the payload as sent (after compression), as in grpc-go.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function encodeMessage<T>(value: T, codec: Codec<T>, options: EncodeOptions = {}): Uint8Array | Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? Infinity;
  const compression = options.compression;
  if (compression === undefined || compression.name === "identity") {
    if (codec.encodeAt !== undefined) {
      // The codec leaves room for the header: the message is written once, straight into its frame.
      const frame = codec.encodeAt(value, FRAME_HEADER_BYTES);
      checkSendLimit(frame.length - FRAME_HEADER_BYTES, maxBytes);
      return writeFrameHeader(frame, false);
    }
    const bytes = codec.encode(value);
    checkSendLimit(bytes.length, maxBytes);
    return encodeFrame(bytes);
  }
  return compressFrame(codec.encode(value), compression, maxBytes);
}
