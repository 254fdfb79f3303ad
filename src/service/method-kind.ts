/**
 * The four kinds of gRPC method, from whether requests and responses are streams.
 * https://grpc.io/docs/what-is-grpc/core-concepts/#rpc-life-cycle
 */
export type MethodKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

const KINDS: readonly MethodKind[] = ["unary", "server_streaming", "client_streaming", "bidi_streaming"];

/**
 * Tells whether a value is one of the four method kinds.
 */
export function isMethodKind(value: unknown): value is MethodKind {
  return KINDS.includes(value as MethodKind);
}

/**
 * The kind of a method from its streaming flags (`stream` on the request and/or the response).
 */
export function methodKindFromStreaming(requestStream: boolean, responseStream: boolean): MethodKind {
  if (requestStream) return responseStream ? "bidi_streaming" : "client_streaming";
  return responseStream ? "server_streaming" : "unary";
}
