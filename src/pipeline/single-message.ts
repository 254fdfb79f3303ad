import { Code, GrpcError } from "../status/index.js";

/**
 * Reads exactly one message from a stream that must carry one (a unary request or response,
 * a server-streaming request, a client-streaming response).
 *
 * Zero or two messages is UNIMPLEMENTED "cardinality violation" (doc/statuscodes.md); on two,
 * the stream is closed without reading further. Errors of the stream pass through.
 * https://github.com/grpc/grpc/blob/master/doc/statuscodes.md
 */
export async function expectSingle<T>(messages: AsyncIterable<T>, what: "request" | "response"): Promise<T> {
  let first: { value: T } | undefined;
  for await (const message of messages) {
    if (first !== undefined)
      throw new GrpcError(Code.Unimplemented, `cardinality violation: expected one ${what}, received more than one`);
    first = { value: message };
  }
  if (first === undefined) throw new GrpcError(Code.Unimplemented, `cardinality violation: expected one ${what}, received none`);
  return first.value;
}
