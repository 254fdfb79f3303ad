import { GrpcError } from "../status/index.js";

/**
 * The promise of a unary or client-streaming call, whose failure is a GrpcError that points at
 * the caller: its stack is where the call was awaited (V8's async stack frames, "at async
 * main (app.js:12:3)"), not the library's event handlers.
 *
 * Lazy: nothing is captured while the call runs; only a failed call builds one stack, after the
 * fact, from the awaiting functions. The success path costs one async function's promise. The
 * error is a copy of the call's status (same code, message, metadata, details and cause), so a
 * status shared by several calls (a lost connection) gets each caller's own frames; an abort
 * reason the caller passed in is returned as it is.
 */
export async function atCallSite<T>(call: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw callSiteError(error, signal);
  }
}

function callSiteError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (!(error instanceof GrpcError) || (signal !== undefined && signal.reason === error)) return error;
  const copy = new GrpcError(error.code, error.statusMessage, { metadata: error.metadata, details: error.details, cause: error.cause });
  // Frames from here up: atCallSite, then the awaiting callers ("at async ..."); atCallSite's own line is dropped.
  Error.captureStackTrace(copy, callSiteError);
  const lines = (copy.stack ?? "").split("\n");
  copy.stack = [lines[0], ...lines.slice(1).filter((line) => !line.includes("atCallSite"))].join("\n");
  return copy;
}
