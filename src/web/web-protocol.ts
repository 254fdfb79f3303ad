/**
 * The wire format of a web request: gRPC-Web (binary or base64 text), or the Connect protocol's
 * unary (a bare message) or streaming (enveloped messages and an end-stream message) forms.
 */
export type WebWire = "grpc-web" | "grpc-web-text" | "connect-unary" | "connect-stream";

/** How the messages of a web request are serialized. */
export type WebCodec = "proto" | "json";

/** What a web request's content-type (or a Connect GET's query) says about it. */
export interface WebProtocol {
  readonly wire: WebWire;
  readonly codec: WebCodec;
  /** The content-type of the response. */
  readonly contentType: string;
}

const PROTOCOLS: ReadonlyMap<string, WebProtocol> = new Map(
  (
    [
      ["application/grpc-web", "grpc-web", "proto", "application/grpc-web+proto"],
      ["application/grpc-web+proto", "grpc-web", "proto", "application/grpc-web+proto"],
      ["application/grpc-web+json", "grpc-web", "json", "application/grpc-web+json"],
      ["application/grpc-web-text", "grpc-web-text", "proto", "application/grpc-web-text+proto"],
      ["application/grpc-web-text+proto", "grpc-web-text", "proto", "application/grpc-web-text+proto"],
      ["application/grpc-web-text+json", "grpc-web-text", "json", "application/grpc-web-text+json"],
      ["application/proto", "connect-unary", "proto", "application/proto"],
      ["application/json", "connect-unary", "json", "application/json"],
      ["application/connect+proto", "connect-stream", "proto", "application/connect+proto"],
      ["application/connect+json", "connect-stream", "json", "application/connect+json"],
    ] as const
  ).map(([type, wire, codec, contentType]) => [type, { wire, codec, contentType }]),
);

/** The content-types web requests may have, for a 415 answer's `accept-post`. */
export const WEB_CONTENT_TYPES: string = [...PROTOCOLS.keys()].join(", ");

/**
 * Reads the protocol from a request's content-type (case-insensitive, parameters such as
 * `;charset=utf-8` ignored); undefined when it names none of them (the server answers HTTP 415).
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md
 * https://connectrpc.com/docs/protocol
 */
export function webProtocolFromContentType(contentType: string | undefined): WebProtocol | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(";");
  const type = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return PROTOCOLS.get(type);
}

/** The Connect unary protocol with the given message encoding (a GET request's `encoding` parameter). */
export function connectUnaryProtocol(codec: string): WebProtocol | undefined {
  if (codec === "proto") return PROTOCOLS.get("application/proto");
  if (codec === "json") return PROTOCOLS.get("application/json");
  return undefined;
}
