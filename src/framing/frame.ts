/**
 * Size of the Length-Prefixed-Message header: a 1-byte compressed flag and a 4-byte big-endian length.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export const FRAME_HEADER_BYTES = 5;

/**
 * Largest message a peer may send us unless configured otherwise: 4 MiB, as in every reference implementation.
 */
export const DEFAULT_MAX_RECEIVE_BYTES = 4 * 1024 * 1024;

/**
 * Largest length the 4-byte prefix can carry.
 */
export const MAX_FRAME_PAYLOAD_BYTES = 0xffff_ffff;

/**
 * One gRPC Length-Prefixed-Message: the compressed flag and the (possibly compressed) message bytes.
 */
export interface Frame {
  /** The Compressed-Flag: true when `payload` is encoded with the call's grpc-encoding. */
  compressed: boolean;
  /** The message bytes, without the 5-byte header. */
  payload: Uint8Array;
}
