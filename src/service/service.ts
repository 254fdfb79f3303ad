import type { Codec } from "../codec/index.js";
import { methodPath, type Method } from "./method.js";
import { isMethodKind, type MethodKind } from "./method-kind.js";

/**
 * A gRPC service: its full name and its methods keyed by local name.
 */
export interface Service {
  /** The full service name, without a leading dot: "grpc.testing.TestService". */
  name: string;
  /** Methods keyed by localName ("unaryCall"). */
  methods: Record<string, Method>;
}

/** How defineService describes one method. */
export interface MethodDefinition<I = any, O = any> {
  kind: MethodKind;
  requestCodec: Codec<I>;
  responseCodec: Codec<O>;
  /** The wire name; defaults to the key with its first letter in upper case ("unaryCall" -> "UnaryCall"). */
  name?: string;
}

const SERVICE_NAME = /^\.?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const METHOD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Describes a service by hand, with any codecs: no .proto needed.
 *
 * Names must be identifiers (dotted for the service), as protobuf would allow; anything else is a TypeError.
 */
export function defineService(name: string, methods: Record<string, MethodDefinition>): Service {
  if (!SERVICE_NAME.test(name)) throw new TypeError(`service: invalid service name ${JSON.stringify(name)}`);
  const serviceName = name.startsWith(".") ? name.slice(1) : name;
  const described: Record<string, Method> = {};
  for (const [localName, definition] of Object.entries(methods)) {
    const methodName = definition.name ?? localName.charAt(0).toUpperCase() + localName.slice(1);
    if (!METHOD_NAME.test(methodName)) throw new TypeError(`service: invalid method name ${JSON.stringify(methodName)}`);
    if (!isMethodKind(definition.kind))
      throw new TypeError(`service: method ${methodName} has an invalid kind ${JSON.stringify(definition.kind)}`);
    described[localName] = {
      name: methodName,
      localName,
      path: methodPath(serviceName, methodName),
      kind: definition.kind,
      requestCodec: definition.requestCodec,
      responseCodec: definition.responseCodec,
    };
  }
  return { name: serviceName, methods: described };
}
