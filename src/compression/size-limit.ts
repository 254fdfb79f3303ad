import { Code, GrpcError } from "../status/index.js";

/**
 * The error for a message whose decompressed size passes the receive limit (checklist 27).
 */
export function decompressedTooLarge(name: string, maxBytes: number, length?: number): GrpcError {
  const size = length === undefined ? "more than" : `${length} bytes,`;
  return new GrpcError(
    Code.ResourceExhausted,
    `compression: ${name} message decompresses to ${size} over the receive limit of ${maxBytes} bytes`,
  );
}
