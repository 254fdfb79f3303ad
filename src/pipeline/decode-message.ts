import type { Codec } from "../codec/index.js";
import type { Frame } from "../framing/index.js";
import { Code, GrpcError } from "../status/index.js";
import type { DecodeOptions } from "./message-options.js";

/**
 * Decodes one frame into a message: synchronously when it is not compressed, through a promise otherwise.
 *
 * A compressed flag without a non-identity grpc-encoding is INTERNAL (checklist 9). The receive
 * limit applies to the payload and, for compressed frames, again to the decompressed size
 * (checklist 10, 27): RESOURCE_EXHAUSTED.
 * https://github.com/grpc/grpc/blob/master/doc/compression.md#test-cases
 */
export function decodeMessage<T>(frame: Frame, codec: Codec<T>, options: DecodeOptions): T | Promise<T> {
  const { payload } = frame;
  if (payload.length > options.maxBytes)
    throw new GrpcError(
      Code.ResourceExhausted,
      `pipeline: message of ${payload.length} bytes exceeds the receive limit of ${options.maxBytes} bytes`,
    );
  if (!frame.compressed) return codec.decode(payload);
  const compression = options.compression;
  if (compression === undefined || compression.name === "identity")
    throw new GrpcError(Code.Internal, "pipeline: compressed flag set on a message but grpc-encoding is identity or absent");
  return compression.decompress(payload, options.maxBytes).then((bytes) => codec.decode(bytes));
}
