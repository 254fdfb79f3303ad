/**
 * Header names that gRPC itself owns. Applications can neither set them nor receive them as
 * metadata; `grpc-status-details-bin` is surfaced as status details instead.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "content-type",
  "te",
  "grpc-timeout",
  "grpc-encoding",
  "grpc-accept-encoding",
  "grpc-status",
  "grpc-message",
  "grpc-status-details-bin",
  "grpc-previous-rpc-attempts",
  "grpc-retry-pushback-ms",
  "grpc-tags-bin",
  "grpc-trace-bin",
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "host",
]);

const KEY_PATTERN = /^[0-9a-z_.-]+$/;

/** Tells whether `key` (already lowercase) is a legal metadata key: `[0-9a-z_.-]+`. */
export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** Tells whether `key` names a binary value (it ends in `-bin`). */
export function isBinaryKey(key: string): boolean {
  return key.endsWith("-bin");
}

/** Tells whether `key` is a pseudo-header or a header gRPC reserves for itself. */
export function isReservedKey(key: string): boolean {
  return key.startsWith(":") || RESERVED_HEADERS.has(key);
}

/** Tells whether every character of `value` is printable ASCII (%x20-%x7E), as the spec asks of ASCII values. */
export function isValidAsciiValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Tells whether `value` is a legal HTTP field value (RFC 9110 §5.5: visible ASCII, space, tab and
 * obs-text 0x80-0xFF), the looser rule for values received from a peer.
 *
 * The spec asks senders for printable ASCII, but a received value outside it that HTTP allows
 * must not fail the call.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function isLegalFieldValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) return false;
  }
  return true;
}
