/**
 * Turns messages into bytes and back; one codec per message type.
 *
 * `decode` throws GrpcError(INTERNAL) on malformed bytes; `encode` throws GrpcError(INTERNAL)
 * on a value it cannot serialize. `TInput` is what `encode` accepts when it differs from what
 * `decode` returns: generated message types decode complete messages but encode partial ones.
 */
export interface Codec<T, TInput = T> {
  /** The message's serialized bytes. */
  encode(value: TInput): Uint8Array;
  /** The message these bytes hold; throws if they are not one (the call then fails INTERNAL). */
  decode(bytes: Uint8Array): T;
  /**
   * Optional fast path: the encoding of `value` placed after `offset` bytes of unspecified
   * content, which the caller then fills in (a frame header), so sending costs no second copy of
   * the message. Same errors as `encode`.
   */
  encodeAt?(value: TInput, offset: number): Uint8Array;
}
