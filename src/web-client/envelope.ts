import { Code, GrpcError } from "../status/index.js";

/** Bytes before an envelope's payload: one flags byte, then the payload length (4 bytes, big-endian). */
export const ENVELOPE_HEADER_BYTES = 5;

/**
 * One length-prefixed message of gRPC-Web or Connect. Unlike gRPC's own frames the flags byte
 * carries more than compression: 0x80 marks gRPC-Web's trailers, 0x02 Connect's end-stream message.
 */
export interface Envelope {
  /** The flags byte: 0x01 compressed, 0x80 gRPC-Web trailers, 0x02 Connect end of stream. */
  flags: number;
  /** The payload, possibly a view of a received chunk. */
  payload: Uint8Array;
}

/**
 * Encodes one envelope: the flags byte, the big-endian payload length, the payload.
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md#protocol-differences-vs-grpc-over-http2
 */
export function encodeEnvelope(flags: number, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(ENVELOPE_HEADER_BYTES + payload.length);
  bytes[0] = flags;
  new DataView(bytes.buffer).setUint32(1, payload.length);
  bytes.set(payload, ENVELOPE_HEADER_BYTES);
  return bytes;
}

/**
 * Streaming decoder of envelopes: feed it the response body in chunks of any size, get whole
 * envelopes back.
 *
 * Chunk boundaries have nothing to do with envelope boundaries: a header may be split anywhere
 * and one chunk may hold many envelopes. The receive limit is checked on the length prefix, before
 * the payload is buffered (RESOURCE_EXHAUSTED). After an error every later call throws it again.
 */
export class EnvelopeDecoder {
  readonly #maxBytes: number;
  readonly #header = new Uint8Array(ENVELOPE_HEADER_BYTES);
  #headerFilled = 0;
  #payload: Uint8Array | undefined;
  #payloadFilled = 0;
  #flags = 0;
  #error: GrpcError | undefined;

  /** @param maxBytes the largest payload accepted (the call's maxReceiveMessageBytes). */
  constructor(maxBytes: number) {
    if (!(maxBytes === Infinity || (Number.isInteger(maxBytes) && maxBytes >= 0)))
      throw new RangeError(`web client: maxReceiveMessageBytes must be a non-negative integer or Infinity, got ${maxBytes}`);
    this.#maxBytes = maxBytes;
  }

  /** Bytes received of the envelope that is not complete yet, header included. */
  get buffered(): number {
    return this.#payload === undefined ? this.#headerFilled : ENVELOPE_HEADER_BYTES + this.#payloadFilled;
  }

  /** Consumes a chunk and returns the envelopes it completes, in order. */
  push(chunk: Uint8Array): Envelope[] {
    if (this.#error !== undefined) throw this.#error;
    const envelopes: Envelope[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const payload = this.#payload;
      if (payload !== undefined) {
        const take = Math.min(payload.length - this.#payloadFilled, chunk.length - offset);
        payload.set(chunk.subarray(offset, offset + take), this.#payloadFilled);
        this.#payloadFilled += take;
        offset += take;
        if (this.#payloadFilled === payload.length) {
          envelopes.push({ flags: this.#flags, payload });
          this.#payload = undefined;
        }
        continue;
      }
      const take = Math.min(ENVELOPE_HEADER_BYTES - this.#headerFilled, chunk.length - offset);
      this.#header.set(chunk.subarray(offset, offset + take), this.#headerFilled);
      this.#headerFilled += take;
      offset += take;
      if (this.#headerFilled < ENVELOPE_HEADER_BYTES) break;
      this.#headerFilled = 0;
      this.#flags = this.#header[0]!;
      const length = new DataView(this.#header.buffer).getUint32(1);
      if (length > this.#maxBytes) {
        this.#error = new GrpcError(
          Code.ResourceExhausted,
          `web client: response message of ${length} bytes exceeds maxReceiveMessageBytes ${this.#maxBytes}`,
        );
        throw this.#error;
      }
      if (length <= chunk.length - offset) {
        // The whole payload is in this chunk: hand out a view, no copy.
        envelopes.push({ flags: this.#flags, payload: chunk.subarray(offset, offset + length) });
        offset += length;
      } else {
        this.#payload = new Uint8Array(length);
        this.#payloadFilled = 0;
      }
    }
    return envelopes;
  }

  /** Ends the input: throws INTERNAL if an envelope was cut short. */
  end(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.buffered > 0)
      throw new GrpcError(Code.Internal, `web client: response body ended inside a message (${this.buffered} bytes of it received)`);
  }
}
