import type { Codec } from "../codec/index.js";
import { encodeMessage } from "./encode-message.js";
import type { EncodeOptions } from "./message-options.js";

/**
 * Turns messages into frames, one chunk per message; the generic async-iterable form of encodeMessage.
 */
export async function* writeMessages<T>(values: AsyncIterable<T>, codec: Codec<T>, options: EncodeOptions = {}): AsyncIterable<Uint8Array> {
  for await (const value of values) {
    const frame = encodeMessage(value, codec, options);
    yield frame instanceof Uint8Array ? frame : await frame;
  }
}
