import type { OutgoingHttpHeaders } from "node:http2";
import { HEADER_FIELD_OVERHEAD_BYTES } from "../metadata/index.js";

/**
 * node:http2's default limit on a header block it sends (`maxSendHeaderBlockLength`, 64 KiB):
 * over it, node does not send the block but resets the stream with FRAME_SIZE_ERROR.
 */
export const MAX_SEND_HEADER_BLOCK_BYTES = 65536;

/** Size of a header list as HTTP/2 counts it: name + value + 32 per field (RFC 9113 6.5.2). */
export function headerListBytes(headers: OutgoingHttpHeaders): number {
  let total = 0;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) total += name.length + item.length + HEADER_FIELD_OVERHEAD_BYTES;
    else total += name.length + String(value).length + HEADER_FIELD_OVERHEAD_BYTES;
  }
  return total;
}
