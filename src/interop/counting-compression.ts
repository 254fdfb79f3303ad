import type { Compression } from "../index.js";

/**
 * A compression that counts the messages it decompresses. `decompress` only runs for a message
 * whose compressed flag is set, so the count tells the server_compressed_* cases which responses
 * arrived compressed.
 */
export class CountingCompression implements Compression {
  /** Messages decompressed so far. */
  decompressed = 0;

  /** Wraps `inner` (gzip for the interop cases). */
  constructor(private readonly inner: Compression) {}

  /** The wrapped compression's name (`grpc-encoding`). */
  get name(): string {
    return this.inner.name;
  }

  /** Compresses with the wrapped compression. */
  compress(bytes: Uint8Array): Promise<Uint8Array> {
    return this.inner.compress(bytes);
  }

  /** Decompresses with the wrapped compression, and counts the message. */
  decompress(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
    this.decompressed++;
    return this.inner.decompress(bytes, maxBytes);
  }
}
