/**
 * The exit codes of `tsgrpc`: 0 when everything worked, 1..16 the gRPC status code of a failed
 * call (statuscodes.md), and BSD sysexits(3) numbers, which no status code can take, for everything
 * that goes wrong before or around a call.
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export const ExitCode = {
  /** Done; the call (if any) ended OK; `tsgrpc health`: SERVING. */
  Ok: 0,
  /** A command-line mistake: an unknown command or flag, a missing argument (EX_USAGE). */
  Usage: 64,
  /** Input data that does not fit: malformed JSON, a field the message lacks, a wrong-typed value, a bad .proto file (EX_DATAERR). */
  DataError: 65,
  /** A file named on the command line cannot be read (EX_NOINPUT). */
  NoInput: 66,
  /** The service, method or symbol is not in the schema (EX_NOUSER: the addressee is unknown). */
  UnknownSymbol: 67,
  /** An unexpected failure of the tool itself, printed as one line (EX_SOFTWARE). */
  Software: 70,
  /** The target cannot be reached: no connection before the first answer (EX_UNAVAILABLE). */
  Unreachable: 69,
  /** `tsgrpc health`: the server answered, with a status other than SERVING (EX_TEMPFAIL). */
  NotServing: 75,
  /** The server has no reflection service and no --proto was given (EX_PROTOCOL). */
  NoReflection: 76,
} as const;
