import type { MessageType } from "../protobuf/index.js";
import { type Code, GrpcError, type GrpcErrorOptions } from "../status/index.js";
import { anyUnpack } from "./any.js";
import type { AnyInput } from "./google/protobuf/any_pb.js";
import { Status } from "./google/rpc/status_pb.js";

/**
 * A GrpcError carrying typed details (google.rpc error details such as BadRequest, or any message
 * packed with anyPack), sent as `grpc-status-details-bin`: a google.rpc.Status with the same code
 * and message.
 * https://google.aip.dev/193
 * A handler throws it as any GrpcError: `throw richError(code, message, [anyPack(BadRequest, {...})])`.
 */
export function richError(
  code: Code,
  message: string,
  details: readonly AnyInput[],
  options: Omit<GrpcErrorOptions, "details"> = {},
): GrpcError {
  return new GrpcError(code, message, { ...options, details: Status.encode({ code, message, details }) });
}

/** Every detail of `error` that holds a message of `type`, decoded; none when it has no (valid) details. */
export function findDetails<T extends object>(error: GrpcError, type: MessageType<T, never>): T[] {
  if (error.details === undefined) return [];
  let status: Status;
  try {
    status = Status.decode(error.details);
  } catch {
    // Malformed details from a peer: the error itself still stands, it just has no typed details.
    return [];
  }
  const found: T[] = [];
  for (const detail of status.details) {
    const unpacked = anyUnpack(detail, type);
    if (unpacked !== undefined) found.push(unpacked);
  }
  return found;
}

/** The first detail of `error` that holds a message of `type`, decoded; undefined when there is none. */
export function findDetail<T extends object>(error: GrpcError, type: MessageType<T, never>): T | undefined {
  return findDetails(error, type)[0];
}
