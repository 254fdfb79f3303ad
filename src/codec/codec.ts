/**
 * Turns messages into bytes and back; one codec per message type.
 *
 * `decode` throws GrpcError(INTERNAL) on malformed bytes; `encode` throws GrpcError(INTERNAL)
 * on a value it cannot serialize.
 */
export interface Codec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}
