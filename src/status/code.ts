/**
 * The 17 gRPC status codes, valued as on the wire.
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export enum Code {
  Ok = 0,
  Cancelled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DataLoss = 15,
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
