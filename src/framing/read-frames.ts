import { DEFAULT_MAX_RECEIVE_BYTES, type Frame } from "./frame.js";
import { FrameDecoder } from "./frame-decoder.js";

/**
 * Turns a byte stream into frames; the generic, async-iterable form of FrameDecoder.
 *
 * Throws GrpcError(INTERNAL) when the stream ends inside a message.
 */
export async function* readFrames(chunks: AsyncIterable<Uint8Array>, maxBytes: number = DEFAULT_MAX_RECEIVE_BYTES): AsyncIterable<Frame> {
  const decoder = new FrameDecoder(maxBytes);
  for await (const chunk of chunks) yield* decoder.push(chunk);
  decoder.end();
}
