import { Code, GrpcError } from "../status/index.js";
import type { Compression } from "./compression.js";

const IDENTITY = "identity";

/**
 * Builds the grpc-accept-encoding value announcing what we can decode, e.g. "identity,gzip,deflate".
 *
 * "identity" comes first and once (as gRPC C-core and grpc-js send it), then `available` in its
 * order; the list is a set, not a preference order.
 * https://github.com/grpc/grpc/blob/master/doc/compression.md
 */
export function acceptEncodingHeader(available: readonly Compression[]): string {
  const names = [IDENTITY];
  for (const compression of available) if (!names.includes(compression.name)) names.push(compression.name);
  return names.join(",");
}

/**
 * Splits a grpc-accept-encoding value into lowercase tokens: commas separate them, spaces around
 * them and empty entries are dropped, and any ";parameter" is ignored.
 */
export function parseEncodingList(header: string | undefined): string[] {
  if (header === undefined) return [];
  const names: string[] = [];
  for (const part of header.split(",")) {
    const semicolon = part.indexOf(";");
    const name = (semicolon === -1 ? part : part.slice(0, semicolon)).trim().toLowerCase();
    if (name !== "") names.push(name);
  }
  return names;
}

/** The lowercase name of a requested encoding, or undefined when it means "no compression". */
function nonIdentityName(encoding: string | undefined): string | undefined {
  const name = encoding?.trim().toLowerCase();
  return name === undefined || name === "" || name === IDENTITY ? undefined : name;
}

function find(name: string, available: readonly Compression[]): Compression | undefined {
  for (const compression of available) if (compression.name === name) return compression;
  return undefined;
}

/**
 * Picks the Compression for incoming messages from the peer's grpc-encoding.
 *
 * Absent, empty or "identity" gives undefined (messages must not carry the compressed flag). An
 * encoding we don't have is UNIMPLEMENTED naming it and what we support; a server answers it with
 * its grpc-accept-encoding, and a client reports a response in an unknown encoding as INTERNAL.
 * https://github.com/grpc/grpc/blob/master/doc/compression.md#compression-method-asymmetry-between-peers
 */
export function compressionForReceive(encoding: string | undefined, available: readonly Compression[]): Compression | undefined {
  const name = nonIdentityName(encoding);
  if (name === undefined) return undefined;
  const compression = find(name, available);
  if (compression !== undefined) return compression;
  throw new GrpcError(
    Code.Unimplemented,
    `compression: grpc-encoding "${encoding}" is not supported (supported: ${acceptEncodingHeader(available)})`,
  );
}

/**
 * Picks the Compression for outgoing messages: `wanted`, but only if the peer listed it in its
 * grpc-accept-encoding; otherwise undefined, meaning "send uncompressed".
 *
 * An absent peer header lists nothing, so nothing is compressed. A client that has not yet heard
 * from the server and chooses to compress anyway (the spec lets it) looks its Compression up
 * itself, e.g. with `compressionForSend(name, name, available)`. Asking for a name that is not in
 * `available` is a caller mistake (RangeError).
 * https://github.com/grpc/grpc/blob/master/doc/compression.md
 */
export function compressionForSend(
  wanted: string | undefined,
  peerAcceptEncoding: string | undefined,
  available: readonly Compression[],
): Compression | undefined {
  const name = nonIdentityName(wanted);
  if (name === undefined) return undefined;
  const compression = find(name, available);
  if (compression === undefined)
    throw new RangeError(`compression: "${wanted}" is not one of the available compressions (${acceptEncodingHeader(available)})`);
  return parseEncodingList(peerAcceptEncoding).includes(name) ? compression : undefined;
}
