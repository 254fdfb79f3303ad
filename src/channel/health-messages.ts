import { Code, GrpcError } from "../status/index.js";
import { ServingStatus } from "./health-check.js";

/** The path of the health Watch method (gRFC A17). */
export const HEALTH_WATCH_PATH = "/grpc.health.v1.Health/Watch";

/**
 * Encodes a `grpc.health.v1.HealthCheckRequest { string service = 1; }` by hand: the channel
 * layer has no codec, and this message is two fields of wire format.
 * https://github.com/grpc/grpc-proto/blob/master/grpc/health/v1/health.proto
 */
export function encodeHealthCheckRequest(service: string): Uint8Array {
  const text = new TextEncoder().encode(service);
  if (text.length === 0) return new Uint8Array(0); // proto3 leaves the default value out
  const length = varint(text.length);
  const bytes = new Uint8Array(1 + length.length + text.length);
  bytes[0] = 0x0a; // field 1, wire type 2 (length-delimited)
  bytes.set(length, 1);
  bytes.set(text, 1 + length.length);
  return bytes;
}

/**
 * Decodes a `grpc.health.v1.HealthCheckResponse { ServingStatus status = 1; }`: the last
 * `status` wins, unknown fields are skipped (proto3), an absent status is UNKNOWN. Bytes that
 * are not a valid message are GrpcError(Internal) naming the health check.
 */
export function decodeHealthCheckResponse(bytes: Uint8Array): ServingStatus {
  let status = ServingStatus.Unknown;
  let offset = 0;
  const read = (): number => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (offset >= bytes.length) throw malformed("a varint is cut short");
      const byte = bytes[offset++]!;
      if (shift < 53) value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw malformed("a varint is longer than 10 bytes");
  };
  while (offset < bytes.length) {
    const tag = read();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) throw malformed("field number 0");
    if (wireType === 0) {
      const value = read();
      // An enum is an int32 sent as a varint; a negative value arrives as 10 bytes (a large number).
      if (field === 1) status = value > 0x7fff_ffff ? -1 : value;
    } else if (wireType === 2) {
      const length = read(); // read() moves offset: add after it
      offset += length;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else throw malformed(`wire type ${wireType}`);
    if (offset > bytes.length) throw malformed("a field runs past the end");
  }
  return status;
}

function malformed(what: string): GrpcError {
  return new GrpcError(Code.Internal, `health: malformed HealthCheckResponse (${what})`);
}

function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Uint8Array.from(bytes);
}
