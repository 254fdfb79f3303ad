import { Code } from "./code.js";
import { GrpcError } from "./grpc-error.js";

/**
 * The status of a call whose AbortSignal fired: the signal's reason if it is a GrpcError (a
 * deadline, a parent call's status), otherwise CANCELLED "cancelled: the call's <what> aborted",
 * the reason kept as `cause`.
 *
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export function abortError(signal: AbortSignal, what = "signal"): GrpcError {
  return GrpcError.from(signal.reason, Code.Cancelled, `cancelled: the call's ${what} aborted`);
}
