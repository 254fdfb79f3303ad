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

/**
 * A metadata key HTTP defines as single-valued, which node:http2 refuses to send twice in one
 * header block (ERR_HTTP2_HEADER_SINGLE_VALUE): `authorization`, `user-agent` and the other
 * standard single-valued headers that are legal metadata keys (`content-type` and `host` are reserved).
 */
export type SingleValuedMetadataKey =
  | "authorization"
  | "proxy-authorization"
  | "user-agent"
  | "access-control-allow-credentials"
  | "access-control-max-age"
  | "access-control-request-method"
  | "age"
  | "content-encoding"
  | "content-language"
  | "content-length"
  | "content-location"
  | "content-md5"
  | "content-range"
  | "date"
  | "dnt"
  | "etag"
  | "expires"
  | "from"
  | "if-match"
  | "if-modified-since"
  | "if-none-match"
  | "if-range"
  | "if-unmodified-since"
  | "last-modified"
  | "location"
  | "max-forwards"
  | "range"
  | "referer"
  | "retry-after"
  | "tk"
  | "upgrade-insecure-requests"
  | "x-content-type-options";

/** Every SingleValuedMetadataKey, once (a record, so the compiler checks the list against the type both ways). */
const SINGLE_VALUED: Record<SingleValuedMetadataKey, true> = {
  authorization: true,
  "proxy-authorization": true,
  "user-agent": true,
  "access-control-allow-credentials": true,
  "access-control-max-age": true,
  "access-control-request-method": true,
  age: true,
  "content-encoding": true,
  "content-language": true,
  "content-length": true,
  "content-location": true,
  "content-md5": true,
  "content-range": true,
  date: true,
  dnt: true,
  etag: true,
  expires: true,
  from: true,
  "if-match": true,
  "if-modified-since": true,
  "if-none-match": true,
  "if-range": true,
  "if-unmodified-since": true,
  "last-modified": true,
  location: true,
  "max-forwards": true,
  range: true,
  referer: true,
  "retry-after": true,
  tk: true,
  "upgrade-insecure-requests": true,
  "x-content-type-options": true,
};

/** The single-valued metadata keys: see SingleValuedMetadataKey. */
export const SINGLE_VALUED_KEYS: readonly SingleValuedMetadataKey[] = Object.keys(SINGLE_VALUED) as SingleValuedMetadataKey[];

/** Tells whether `key` (already lowercase) takes a single value: see SingleValuedMetadataKey. */
export function isSingleValuedKey(key: string): boolean {
  return Object.hasOwn(SINGLE_VALUED, key);
}

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
