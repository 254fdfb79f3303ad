/**
 * The 17 gRPC status codes, valued as on the wire.
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export enum Code {
  /** Not an error: the call succeeded. */
  Ok = 0,
  /** The operation was cancelled, typically by the caller. */
  Cancelled = 1,
  /** An unknown error, e.g. a handler threw something that is not a GrpcError, or a status from another error space. */
  Unknown = 2,
  /** The client gave an invalid argument, whatever the state of the system. */
  InvalidArgument = 3,
  /** The deadline expired before the operation could complete. */
  DeadlineExceeded = 4,
  /** A requested entity was not found. */
  NotFound = 5,
  /** The entity a client tried to create already exists. */
  AlreadyExists = 6,
  /** The caller is identified but not allowed to do this (use Unauthenticated when it is not identified). */
  PermissionDenied = 7,
  /** A resource ran out: a quota, a message size limit, memory. */
  ResourceExhausted = 8,
  /** The system is not in the state the operation needs; the client should not retry until that state is fixed. */
  FailedPrecondition = 9,
  /** The operation was aborted, typically by a concurrency conflict; retry at a higher level. */
  Aborted = 10,
  /** The operation went past the valid range (e.g. reading past the end). */
  OutOfRange = 11,
  /** The operation is not implemented or not supported by this server (e.g. an unknown method). */
  Unimplemented = 12,
  /** An internal invariant broke, in the library or the peer (e.g. a malformed message). */
  Internal = 13,
  /** The service is currently unavailable; a transient condition that a retry with backoff may fix. */
  Unavailable = 14,
  /** Unrecoverable data loss or corruption. */
  DataLoss = 15,
  /** The request does not have valid authentication credentials. */
  Unauthenticated = 16,
}

const CODE_NAMES: readonly string[] = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
];

/**
 * Returns the spec's name of a code ("DEADLINE_EXCEEDED"); an out-of-range number reads "CODE_<n>".
 */
export function codeName(code: number): string {
  return CODE_NAMES[code] ?? `CODE_${code}`;
}

/**
 * Tells whether a number is one of the 17 defined codes.
 */
export function isCode(value: number): value is Code {
  return Number.isInteger(value) && value >= 0 && value <= 16;
}

const STATUS_CODE_PATTERN = /^(?:0|[1-9][0-9]{0,2})$/;

/**
 * Parses a received `grpc-status` header: decimal digits, no sign, no leading zeros, a defined code.
 *
 * Anything else (absent, "+1", "01", " 1", "17") gives undefined, which the caller reports as
 * UNKNOWN, since a status the client cannot read must not be mistaken for another one.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#responses
 */
export function parseStatusCode(value: string | undefined): Code | undefined {
  if (value === undefined || !STATUS_CODE_PATTERN.test(value)) return undefined;
  const code = Number(value);
  return isCode(code) ? code : undefined;
}
