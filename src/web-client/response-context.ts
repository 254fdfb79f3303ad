import type { Metadata } from "../metadata/index.js";
import { Code, GrpcError, abortError, describeError } from "../status/index.js";
import type { WebCompression } from "./web-compression.js";

/** What a protocol's response reader needs from its call. */
export interface ResponseContext {
  /** The receive limit per message (maxReceiveMessageBytes). */
  readonly maxBytes: number;
  /** The call's signal: aborts, with a GrpcError as its reason, on cancel or at the deadline. */
  readonly signal: AbortSignal;
  /** Receives the response headers (leading metadata). */
  readonly onHeaders?: ((metadata: Metadata) => void) | undefined;
  /** Receives the trailing metadata, also when the call fails with a status. */
  readonly onTrailers?: ((metadata: Metadata) => void) | undefined;
  /** The messages' format as content types name it: "proto" or "json". */
  readonly format: "proto" | "json";
  /** The compressions the client accepts for messages flagged compressed. */
  readonly acceptCompression: readonly WebCompression[];
}

/**
 * The chunks of a response body. A read that fails because the call's signal aborted reports the
 * signal's status (CANCELLED, DEADLINE_EXCEEDED); any other failure is the network's, UNAVAILABLE.
 * Leaving early (a consumer's break, an error) cancels the body, so the browser stops the download.
 */
export async function* readBody(body: ReadableStream<Uint8Array> | null, signal: AbortSignal): AsyncGenerator<Uint8Array, void> {
  if (body === null) return;
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (error) {
        done = true;
        if (signal.aborted) throw abortError(signal);
        throw new GrpcError(Code.Unavailable, `web client: reading the response body failed: ${describeError(error)}`, { cause: error });
      }
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } finally {
    // Only prevents an unhandled rejection: cancelling a body that already failed rejects again.
    if (!done) reader.cancel().catch(() => undefined);
  }
}

/** The value of the content-type header without parameters, in lower case ("" when absent). */
export function mediaTypeOf(headers: Headers): string {
  const value = headers.get("content-type") ?? "";
  const semicolon = value.indexOf(";");
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}
