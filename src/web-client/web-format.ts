import type { Method, Service } from "../service/index.js";

/**
 * How the web client writes and reads a method's messages when not as protobuf binary, the
 * default: `jsonFormat()` gives proto3 JSON (`application/grpc-web+json`, Connect's
 * `application/json` and `application/connect+json`).
 *
 * It is an object the page imports, rather than a string option, so that a page without JSON
 * does not carry the JSON mapping in its bundle: a bundler drops what nothing imports.
 */
export interface WebFormat {
  /** The name in the content type: "json" (`application/grpc-web+json`). */
  readonly name: "json";
  /**
   * How `method` of `service` is written and read in this format. Called once per method when the
   * client is created; a service this format cannot serve is a TypeError then.
   */
  codecsOf(service: Service, method: Method): WebFormatCodecs;
}

/** How one method's messages are written and read in a WebFormat. */
export interface WebFormatCodecs {
  /** The bytes of a request (a value of the method's request input type); failures are GrpcErrors. */
  encodeRequest(request: unknown): Uint8Array;
  /** The response message of received bytes; failures are GrpcErrors. */
  decodeResponse(bytes: Uint8Array): unknown;
}
