import { encodeBase64 } from "../metadata/index.js";
import { Code, GrpcError } from "../status/index.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD = 0x3d; // "="
/** The 6-bit value of each base64 character code, 255 for anything else. */
const SEXTETS = new Uint8Array(256).fill(255);
for (let i = 0; i < ALPHABET.length; i++) SEXTETS[ALPHABET.charCodeAt(i)] = i;

/**
 * The padded base64 text of a grpc-web-text request body.
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md#protocol-differences-vs-grpc-over-http2
 */
export function encodeBase64Body(bytes: Uint8Array): string {
  const text = encodeBase64(bytes);
  return text + "=".repeat((4 - (text.length % 4)) % 4);
}

/**
 * Streaming decoder of a grpc-web-text response body: base64 text in chunks of any size, bytes out.
 *
 * A server may encode each part of the response on its own, so padding can appear in the middle
 * of the body ("AAAAAQ==gAAAAA..."): the text is decoded four characters at a time, and a group
 * ending in padding simply yields fewer bytes. A chunk may end anywhere; up to three characters
 * wait for the next one. Anything outside the alphabet, or padding anywhere but at the end of a
 * group, is INTERNAL.
 */
export class Base64BodyDecoder {
  readonly #pending = new Uint8Array(4);
  #pendingCount = 0;
  #offset = 0;

  /** Decodes a chunk of base64 text (as bytes) and returns the bytes it completes. */
  push(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(Math.floor(((this.#pendingCount + chunk.length) / 4) * 3));
    let written = 0;
    for (let i = 0; i < chunk.length; i++) {
      this.#pending[this.#pendingCount++] = chunk[i]!;
      if (this.#pendingCount === 4) {
        written = this.#decodeGroup(out, written);
        this.#pendingCount = 0;
      }
    }
    this.#offset += chunk.length;
    return out.subarray(0, written);
  }

  /** Ends the text: an unpadded tail of two or three characters is accepted, one is INTERNAL. */
  end(): Uint8Array {
    const count = this.#pendingCount;
    if (count === 0) return new Uint8Array(0);
    if (count === 1) throw this.#invalid("it ends with a single character");
    this.#pending.fill(PAD, count);
    const out = new Uint8Array(3);
    const written = this.#decodeGroup(out, 0);
    this.#pendingCount = 0;
    return out.subarray(0, written);
  }

  #decodeGroup(out: Uint8Array, at: number): number {
    const group = this.#pending;
    const a = SEXTETS[group[0]!]!;
    const b = SEXTETS[group[1]!]!;
    if (a === 255 || b === 255) throw this.#invalid("a character outside the base64 alphabet");
    out[at++] = (a << 2) | (b >> 4);
    if (group[2] === PAD) {
      if (group[3] !== PAD) throw this.#invalid("misplaced padding");
      return at;
    }
    const c = SEXTETS[group[2]!]!;
    if (c === 255) throw this.#invalid("a character outside the base64 alphabet");
    out[at++] = ((b & 15) << 4) | (c >> 2);
    if (group[3] === PAD) return at;
    const d = SEXTETS[group[3]!]!;
    if (d === 255) throw this.#invalid("a character outside the base64 alphabet");
    out[at++] = ((c & 3) << 6) | d;
    return at;
  }

  #invalid(why: string): GrpcError {
    return new GrpcError(Code.Internal, `web client: grpc-web-text response body is not base64 (${why}, near byte ${this.#offset})`);
  }
}
