import type { Codec } from "../codec/index.js";
import type { MethodKind } from "./method-kind.js";

/**
 * One method of a service: its names, its HTTP/2 :path, its kind and its two codecs.
 *
 * `I` and `O` are the request and response message types and `K` the kind as a literal type
 * ("unary"), so that clients and handlers of the method are typed. The defaults (`any` and every
 * kind) describe a method known only at run time, whose client and handler are loosely typed.
 * `IInput` and `OInput` are what the codecs encode when that differs from what they decode (the
 * partial input types of generated messages): a client sends `IInput` and receives `O`, a
 * handler receives `I` and returns `OInput`.
 */
// biome-ignore lint/suspicious/noExplicitAny: the untyped default: a method loaded at run time has messages of no static type
export interface Method<I = any, O = any, K extends MethodKind = MethodKind, IInput = I, OInput = O> {
  /** The method name as in the .proto file: "UnaryCall". */
  name: string;
  /** The name on client objects and service implementations: "unaryCall". */
  localName: string;
  /** The :path of its requests: "/grpc.testing.TestService/UnaryCall". */
  path: string;
  /** Which of the four call kinds it is. */
  kind: K;
  /** Serializes requests (client) and parses them (server). */
  requestCodec: Codec<I, IInput>;
  /** Serializes responses (server) and parses them (client). */
  responseCodec: Codec<O, OInput>;
}

/** A unary method: one request of type `I`, one response of type `O`. */
export type UnaryMethod<I, O, IInput = I, OInput = O> = Method<I, O, "unary", IInput, OInput>;
/** A server-streaming method: one request of type `I`, a stream of responses of type `O`. */
export type ServerStreamingMethod<I, O, IInput = I, OInput = O> = Method<I, O, "server_streaming", IInput, OInput>;
/** A client-streaming method: a stream of requests of type `I`, one response of type `O`. */
export type ClientStreamingMethod<I, O, IInput = I, OInput = O> = Method<I, O, "client_streaming", IInput, OInput>;
/** A bidi-streaming method: a stream of requests of type `I`, a stream of responses of type `O`. */
export type BidiStreamingMethod<I, O, IInput = I, OInput = O> = Method<I, O, "bidi_streaming", IInput, OInput>;

/**
 * The :path of a method: "/" + full service name (no leading ".") + "/" + method name.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function methodPath(serviceName: string, methodName: string): string {
  return `/${serviceName.startsWith(".") ? serviceName.slice(1) : serviceName}/${methodName}`;
}
