/**
 * A message compression algorithm, named as in grpc-encoding.
 * https://github.com/grpc/grpc/blob/master/doc/compression.md
 */
export interface Compression {
  /** The grpc-encoding token: "gzip", "deflate", "identity". */
  readonly name: string;
  /** Compresses one message. */
  compress(bytes: Uint8Array): Promise<Uint8Array>;
  /**
   * Decompresses one message; rejects with RESOURCE_EXHAUSTED as soon as the output passes
   * `maxBytes` (memory stays bounded), and with INTERNAL on corrupt input.
   */
  decompress(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array>;
}
