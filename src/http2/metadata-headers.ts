import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import { Metadata, decodeBase64, encodeBase64, isBinaryKey, isReservedKey, isValidKey } from "../metadata/index.js";

/**
 * Copies metadata into an outgoing header object: ASCII values as they are, `-bin` values as
 * unpadded base64, a key with several values as several header fields.
 *
 * Reserved names and pseudo-headers are never emitted, even if they somehow got into `metadata`.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function metadataToHeaders(metadata: Metadata, headers: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  for (const key of metadata.keys()) {
    if (isReservedKey(key)) continue;
    const values = metadata.getAll(key);
    const wire = isBinaryKey(key) ? values.map((value) => encodeBase64(value as Uint8Array)) : (values as string[]);
    headers[key] = wire.length === 1 ? wire[0] : wire;
  }
  return headers;
}

/**
 * Builds metadata from received headers, keeping only what an application may see.
 *
 * Dropped on purpose, so that no peer can fail a call through its metadata:
 * pseudo-headers and reserved names (gRPC's own headers), keys that are not `[0-9a-z_.-]+`,
 * values that are not legal HTTP field values, and `-bin` values that are not base64.
 * A value outside printable ASCII that HTTP allows (obs-text) is kept, as the spec asks.
 * A `-bin` header may carry several values joined with ","; each is decoded on its own, padded or
 * not. node:http2 joins repeated ASCII fields with ", ", and such a value stays one value here.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function metadataFromHeaders(headers: IncomingHttpHeaders): Metadata {
  const metadata = new Metadata();
  for (const key in headers) {
    if (isReservedKey(key) || !isValidKey(key)) continue;
    const value = headers[key];
    if (value === undefined) continue;
    if (typeof value === "string") addValue(metadata, key, value);
    else for (const item of value) addValue(metadata, key, item);
  }
  return metadata;
}

/** Adds one received header value to `metadata`, or skips it as metadataFromHeaders documents. */
function addValue(metadata: Metadata, key: string, value: string): void {
  if (!isBinaryKey(key)) {
    metadata.addReceived(key, value);
    return;
  }
  for (const part of value.split(",")) {
    const text = part.trim();
    try {
      metadata.addReceived(key, decodeBase64(text));
    } catch {
      // Not base64: skipped, as documented above; a broken optional value must not fail the call.
    }
  }
}
