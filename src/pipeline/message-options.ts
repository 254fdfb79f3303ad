import type { Compression } from "../compression/index.js";

/** How messages are turned into frames. */
export interface EncodeOptions {
  /** Compress with this (flag 1); undefined or identity sends uncompressed (flag 0). */
  compression?: Compression | undefined;
  /** Send limit on the payload as it goes on the wire; default unlimited. Over it is RESOURCE_EXHAUSTED. */
  maxBytes?: number | undefined;
  /**
   * The side and what it sends ("client: request", "server: response"), for the message of a
   * message over the limit: "client: request of 5242880 bytes (5 MiB) exceeds maxSendMessageBytes
   * 1048576 bytes (1 MiB)". Without it the message is the pipeline layer's own.
   */
  limitName?: string | undefined;
}

/** How frames are turned into messages. */
export interface DecodeOptions {
  /** The call's grpc-encoding; undefined (or identity) means a compressed frame is a protocol error. */
  compression?: Compression | undefined;
  /** Receive limit, applied to the wire size and again to the decompressed size. */
  maxBytes: number;
}
