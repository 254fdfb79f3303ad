/**
 * The protocols the browser client speaks, each a way to carry gRPC over plain fetch:
 *
 * - "grpc-web": gRPC-Web with binary bodies (`application/grpc-web+proto`), trailers in a final
 *   length-prefixed frame flagged 0x80.
 * - "grpc-web-text": the same with base64 bodies (`application/grpc-web-text+proto`), for
 *   environments that cannot handle binary response bodies.
 * - "connect": the Connect protocol: unary calls as a plain POST of the message
 *   (`application/proto`), errors as JSON; server streaming in `application/connect+proto`
 *   envelopes ending with an end-stream message.
 *
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md
 * https://connectrpc.com/docs/protocol
 */
export type WebProtocol = "grpc-web" | "grpc-web-text" | "connect";

/** Tells whether a value is one of the protocols the browser client speaks. */
export function isWebProtocol(value: unknown): value is WebProtocol {
  return value === "grpc-web" || value === "grpc-web-text" || value === "connect";
}
