import { Metadata, decodeBase64, encodeBase64, isBinaryKey, isReservedKey, isValidKey } from "../metadata/index.js";

/**
 * Response headers that belong to HTTP, CORS or the protocols themselves, never metadata. A
 * browser hides most of them anyway (only CORS-safelisted and exposed headers are readable).
 */
const TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  "content-length",
  "content-encoding",
  "date",
  "server",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "vary",
  "x-grpc-web",
  "x-user-agent",
]);

/** Tells whether a received header is the transport's or a protocol's own, not application metadata. */
function isProtocolHeader(key: string): boolean {
  return (
    isReservedKey(key) ||
    TRANSPORT_HEADERS.has(key) ||
    key.startsWith("grpc-") ||
    key.startsWith("connect-") ||
    key.startsWith("access-control-")
  );
}

/**
 * Copies request metadata into fetch headers: ASCII values as they are, `-bin` values as
 * unpadded base64, a key with several values as several fields. Reserved names are skipped.
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md
 */
export function metadataToWebHeaders(metadata: Metadata, headers: Headers): Headers {
  for (const key of metadata.keys()) {
    if (isReservedKey(key)) continue;
    for (const value of metadata.getAll(key)) headers.append(key, typeof value === "string" ? value : encodeBase64(value));
  }
  return headers;
}

/**
 * Builds metadata from response headers, keeping only what an application may see. With a
 * `prefix` ("trailer-", Connect's unary trailers), only the headers with that prefix are read,
 * without it; without one, headers that have the prefix `skipPrefix` are left out.
 *
 * Dropped on purpose, so that no peer can fail a call through its metadata: protocol headers,
 * keys that are not `[0-9a-z_.-]+`, and `-bin` values that are not base64. fetch joins repeated
 * fields with ", ", so a `-bin` value is split on "," before each part is decoded.
 */
export function metadataFromWebHeaders(headers: Headers, prefix?: string, skipPrefix?: string): Metadata {
  const metadata = new Metadata();
  headers.forEach((value, name) => {
    let key = name.toLowerCase();
    if (prefix !== undefined) {
      if (!key.startsWith(prefix)) return;
      key = key.slice(prefix.length);
    } else if (skipPrefix !== undefined && key.startsWith(skipPrefix)) return;
    addReceivedValue(metadata, key, value);
  });
  return metadata;
}

/**
 * Adds one received metadata value (a header, a gRPC-Web trailer line, a Connect end-stream
 * value) to `metadata`, or skips it when it is a protocol header, an invalid key or broken base64.
 */
export function addReceivedValue(metadata: Metadata, key: string, value: string): void {
  if (isProtocolHeader(key) || !isValidKey(key)) return;
  if (!isBinaryKey(key)) {
    metadata.addReceived(key, value);
    return;
  }
  for (const part of value.split(",")) {
    try {
      metadata.addReceived(key, decodeBase64(part.trim()));
    } catch {
      // Not base64: skipped, as documented above; a broken optional value must not fail the call.
    }
  }
}
