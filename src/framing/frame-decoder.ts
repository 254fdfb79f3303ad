import { Code, GrpcError } from "../status/index.js";
import { DEFAULT_MAX_RECEIVE_BYTES, FRAME_HEADER_BYTES, type Frame } from "./frame.js";
import { describeBytes } from "./describe-bytes.js";

const EMPTY_PAYLOAD = new Uint8Array(0);

function checkMaxBytes(maxBytes: number): void {
  if (!(maxBytes === Infinity || (Number.isInteger(maxBytes) && maxBytes >= 0)))
    throw new RangeError(`framing: maxBytes must be a non-negative integer or Infinity, got ${maxBytes}`);
}

/**
 * Streaming decoder of Length-Prefixed-Messages: feed it chunks of any size, get whole frames back.
 *
 * DATA frame boundaries have nothing to do with message boundaries, so a header may be split
 * anywhere and one chunk may hold many messages. The receive limit is checked on the length
 * prefix, before any payload is buffered (RESOURCE_EXHAUSTED). A message lying inside one chunk
 * is returned as a view of that chunk; one spanning chunks is copied once into a buffer of its
 * exact length. After an error the decoder is dead: every later call throws the same error.
 * `maxBytes` may be Infinity (no limit: the peer then decides how much memory a message takes).
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export class FrameDecoder {
  readonly #maxBytes: number;
  readonly #limitName: string | undefined;
  /** A header split across chunks is gathered here; created the first time one is. */
  #header: Uint8Array | undefined;
  #headerFilled = 0;
  /** The message being assembled across chunks, or undefined while reading a header. */
  #payload: Uint8Array | undefined;
  #payloadFilled = 0;
  #compressed = false;
  #error: GrpcError | undefined;

  /**
   * @param maxBytes the receive limit per message.
   * @param limitName who receives what, for the message of a message over the limit: "client:
   *   response" gives "client: response of 5242880 bytes (5 MiB) exceeds maxReceiveMessageBytes
   *   4194304 bytes (4 MiB)". Without it the message is the framing layer's own.
   */
  constructor(maxBytes: number = DEFAULT_MAX_RECEIVE_BYTES, limitName?: string) {
    checkMaxBytes(maxBytes);
    this.#maxBytes = maxBytes;
    this.#limitName = limitName;
  }

  /** Bytes received of the message that is not complete yet, header included. */
  get buffered(): number {
    return this.#payload === undefined ? this.#headerFilled : FRAME_HEADER_BYTES + this.#payloadFilled;
  }

  /**
   * Consumes a chunk and returns the frames it completes, in order (often none or one).
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.#error !== undefined) throw this.#error;
    const frames: Frame[] = [];
    const end = chunk.length;
    let offset = 0;
    while (offset < end) {
      const payload = this.#payload;
      if (payload !== undefined) {
        const take = Math.min(payload.length - this.#payloadFilled, end - offset);
        payload.set(chunk.subarray(offset, offset + take), this.#payloadFilled);
        this.#payloadFilled += take;
        offset += take;
        if (this.#payloadFilled === payload.length) {
          frames.push({ compressed: this.#compressed, payload });
          this.#payload = undefined;
          this.#payloadFilled = 0;
        }
        continue;
      }
      let flag: number;
      let length: number;
      if (this.#headerFilled === 0 && end - offset >= FRAME_HEADER_BYTES) {
        // The common case: the whole header is in this chunk, read it in place.
        flag = chunk[offset]!;
        length = chunk[offset + 1]! * 0x100_0000 + ((chunk[offset + 2]! << 16) | (chunk[offset + 3]! << 8) | chunk[offset + 4]!);
        offset += FRAME_HEADER_BYTES;
      } else {
        const header = (this.#header ??= new Uint8Array(FRAME_HEADER_BYTES));
        while (this.#headerFilled < FRAME_HEADER_BYTES && offset < end) header[this.#headerFilled++] = chunk[offset++]!;
        if (this.#headerFilled < FRAME_HEADER_BYTES) break;
        this.#headerFilled = 0;
        flag = header[0]!;
        length = header[1]! * 0x100_0000 + ((header[2]! << 16) | (header[3]! << 8) | header[4]!);
      }
      const compressed = this.#checkHeader(flag, length);
      if (end - offset >= length) {
        frames.push({ compressed, payload: length === 0 ? EMPTY_PAYLOAD : chunk.subarray(offset, offset + length) });
        offset += length;
      } else {
        const partial = new Uint8Array(length);
        partial.set(chunk.subarray(offset, end));
        this.#payload = partial;
        this.#payloadFilled = end - offset;
        this.#compressed = compressed;
        offset = end;
      }
    }
    return frames;
  }

  /**
   * Declares the end of the stream; throws INTERNAL if it ended inside a message.
   */
  end(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#payload !== undefined)
      this.#fail(
        Code.Internal,
        `framing: stream ended inside a message (${this.#payloadFilled} of ${this.#payload.length} payload bytes received)`,
      );
    if (this.#headerFilled > 0)
      this.#fail(
        Code.Internal,
        `framing: stream ended inside a message header (${this.#headerFilled} of ${FRAME_HEADER_BYTES} bytes received)`,
      );
  }

  #checkHeader(flag: number, length: number): boolean {
    if (flag > 1) this.#fail(Code.Internal, `framing: invalid compressed flag ${flag} (must be 0 or 1)`);
    if (length > this.#maxBytes) this.#fail(Code.ResourceExhausted, this.#tooLarge(length));
    return flag === 1;
  }

  #tooLarge(length: number): string {
    if (this.#limitName === undefined) return `framing: message of ${length} bytes exceeds the receive limit of ${this.#maxBytes} bytes`;
    return `${this.#limitName} of ${describeBytes(length)} exceeds maxReceiveMessageBytes ${describeBytes(this.#maxBytes)}`;
  }

  #fail(code: Code, message: string): never {
    this.#error = new GrpcError(code, message);
    throw this.#error;
  }
}
