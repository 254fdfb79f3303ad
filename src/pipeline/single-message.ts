import { Code, GrpcError } from "../status/index.js";

/**
 * The status of a call that carried `received` messages where it needed exactly one: UNIMPLEMENTED
 * "cardinality violation", whichever side counts (a server reading a unary request, a client
 * reading a unary or client-streaming response).
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export function cardinalityError(what: "request" | "response", received: number): GrpcError {
  return new GrpcError(
    Code.Unimplemented,
    `cardinality violation: expected one ${what} message, received ${received === 0 ? "none" : "more than one"}`,
  );
}

/**
 * Reads exactly one message from a stream that must carry one (a unary request or response,
 * a server-streaming request, a client-streaming response).
 *
 * Zero or two messages is cardinalityError; on two, the stream is closed without reading
 * further. Errors of the stream pass through.
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export async function expectSingle<T>(messages: AsyncIterable<T>, what: "request" | "response"): Promise<T> {
  let first: { value: T } | undefined;
  for await (const message of messages) {
    if (first !== undefined) throw cardinalityError(what, 2);
    first = { value: message };
  }
  if (first === undefined) throw cardinalityError(what, 0);
  return first.value;
}
