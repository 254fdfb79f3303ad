import { GrpcError, codeName } from "../status/index.js";
import type { Logger } from "../trace/index.js";

/**
 * Reports what a handler threw after its call had already ended (the client cancelled or went
 * away, the deadline passed, the server shut the call down). Nobody receives that outcome: the
 * client got the status the call ended with, so it is no handler failure the client saw as
 * UNKNOWN. It goes to the logger at debug level, where a real bug stays findable without one
 * error line for every call a client abandons. GrpcErrors (a handler rethrowing its signal's
 * reason) and AbortErrors (an API that honoured the handler's signal) are expected there, and
 * are not reported at all.
 */
export function logLateFailure(logger: Logger | undefined, path: string, endStatus: GrpcError | undefined, error: unknown): void {
  if (logger === undefined || error === undefined || error instanceof GrpcError || isAbortError(error)) return;
  const ended = endStatus === undefined ? "OK" : codeName(endStatus.code);
  logger.debug(`tsgrpc server: ${path} failed after the call had ended (${ended}); the client did not get this failure:`, error);
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}
