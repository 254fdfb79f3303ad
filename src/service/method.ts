import type { Codec } from "../codec/index.js";
import type { MethodKind } from "./method-kind.js";

/**
 * One method of a service: its names, its HTTP/2 :path, its kind and its two codecs.
 */
export interface Method<I = any, O = any> {
  /** The method name as in the .proto file: "UnaryCall". */
  name: string;
  /** The name on client objects and service implementations: "unaryCall". */
  localName: string;
  /** The :path of its requests: "/grpc.testing.TestService/UnaryCall". */
  path: string;
  kind: MethodKind;
  requestCodec: Codec<I>;
  responseCodec: Codec<O>;
}

/**
 * The :path of a method: "/" + full service name (no leading ".") + "/" + method name.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function methodPath(serviceName: string, methodName: string): string {
  return `/${serviceName.startsWith(".") ? serviceName.slice(1) : serviceName}/${methodName}`;
}
