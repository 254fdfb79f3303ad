import { Metadata } from "../metadata/index.js";
import { Code, codeName } from "./code.js";
import { decodeStatusDetails, type StatusDetails } from "./status-details.js";

/** What a GrpcError may carry besides its code and message. */
export interface GrpcErrorOptions {
  /** Trailing metadata received with the status, or to send with it. */
  metadata?: Metadata | undefined;
  /** The raw `grpc-status-details-bin` payload (a serialized google.rpc.Status). */
  details?: Uint8Array | undefined;
  /** The foreign error this status stands for; kept for logs, never sent to the peer. */
  cause?: unknown;
}

/**
 * The one error type of tsgrpc: a non-OK gRPC status with its message, trailers and details.
 *
 * `message` reads "<CODE_NAME>: <statusMessage>"; `statusMessage` is the raw grpc-message.
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export class GrpcError extends Error {
  /** The status code (never Code.Ok). */
  readonly code: Code;
  /** The status message as sent or received in grpc-message (decoded), without the code name. */
  readonly statusMessage: string;
  /** Trailing metadata: received with the status, or to send with it. */
  readonly metadata: Metadata;
  /** The raw `grpc-status-details-bin` payload (a serialized google.rpc.Status), if any; see statusDetails. */
  readonly details: Uint8Array | undefined;
  private decodedDetails: StatusDetails | undefined | null = null;

  constructor(code: Code, statusMessage: string, options: GrpcErrorOptions = {}) {
    if (code === Code.Ok) throw new RangeError("GrpcError: Code.Ok is not an error");
    super(`${codeName(code)}: ${statusMessage}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GrpcError";
    this.code = code;
    this.statusMessage = statusMessage;
    this.metadata = options.metadata ?? new Metadata();
    this.details = options.details;
  }

  /**
   * The `details` decoded as a google.rpc.Status, on first use; undefined when there are no
   * details or they are malformed.
   */
  get statusDetails(): StatusDetails | undefined {
    if (this.decodedDetails === null) this.decodedDetails = this.details && decodeStatusDetails(this.details);
    return this.decodedDetails;
  }

  /**
   * Returns `value` if it is a GrpcError; anything else becomes `code` (UNKNOWN by default) with
   * `message`, the original kept as `cause` so its text never reaches the peer.
   *
   * The one conversion of foreign errors into statuses: a layer that catches what it did not throw
   * (a handler's error, a resolver's, an abort reason) passes it here with the code the spec gives
   * that layer's failures, and a message starting with its prefix. Node's own errors go through
   * http2's grpcErrorFromNode, which picks the code from the Node error code, then calls this.
   */
  static from(value: unknown, code: Code = Code.Unknown, message = "unexpected error"): GrpcError {
    if (value instanceof GrpcError) return value;
    return new GrpcError(code, message, { cause: value });
  }
}

/**
 * The text of a foreign error for a local status message: an Error's `message`, anything else as
 * String() gives it. Only for errors whose text may be shown (a resolver's, a codec's), never a
 * handler's, which stays out of the status sent to the peer.
 */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
