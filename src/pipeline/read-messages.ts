import type { Codec } from "../codec/index.js";
import { DEFAULT_MAX_RECEIVE_BYTES, FrameDecoder } from "../framing/index.js";
import { decodeMessage } from "./decode-message.js";
import type { DecodeOptions } from "./message-options.js";

/**
 * Turns a byte stream into messages: frames, then decompression when flagged, then the codec.
 *
 * The generic async-iterable form; the hot path uses FrameDecoder and decodeMessage directly.
 * `maxBytes` defaults to 4 MiB.
 */
export async function* readMessages<T>(
  chunks: AsyncIterable<Uint8Array>,
  codec: Codec<T>,
  options: Partial<DecodeOptions> = {},
): AsyncIterable<T> {
  const decodeOptions: DecodeOptions = {
    compression: options.compression,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_RECEIVE_BYTES,
  };
  const decoder = new FrameDecoder(decodeOptions.maxBytes);
  for await (const chunk of chunks)
    for (const frame of decoder.push(chunk)) {
      const message = decodeMessage(frame, codec, decodeOptions);
      yield frame.compressed ? await message : (message as T);
    }
  decoder.end();
}
