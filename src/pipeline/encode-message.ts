import type { Codec } from "../codec/index.js";
import type { Compression } from "../compression/index.js";
import { FRAME_HEADER_BYTES, describeBytes, encodeFrame, writeFrameHeader } from "../framing/index.js";
import { Code, GrpcError } from "../status/index.js";
import type { EncodeOptions } from "./message-options.js";

function checkSendLimit(length: number, maxBytes: number, limitName: string | undefined): void {
  if (length <= maxBytes) return;
  const tooLarge =
    limitName === undefined
      ? `pipeline: message of ${length} bytes exceeds the send limit of ${maxBytes} bytes`
      : `${limitName} of ${describeBytes(length)} exceeds maxSendMessageBytes ${describeBytes(maxBytes)}`;
  throw new GrpcError(Code.ResourceExhausted, tooLarge);
}

async function compressFrame(
  bytes: Uint8Array,
  compression: Compression,
  maxBytes: number,
  limitName: string | undefined,
): Promise<Uint8Array> {
  const compressed = await compression.compress(bytes);
  checkSendLimit(compressed.length, maxBytes, limitName);
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
      checkSendLimit(frame.length - FRAME_HEADER_BYTES, maxBytes, options.limitName);
      return writeFrameHeader(frame, false);
    }
    const bytes = codec.encode(value);
    checkSendLimit(bytes.length, maxBytes, options.limitName);
    return encodeFrame(bytes);
  }
  return compressFrame(codec.encode(value), compression, maxBytes, options.limitName);
}
