import type { Codec } from "../codec/index.js";
import { methodPath, type Method } from "./method.js";
import { isMethodKind, type MethodKind } from "./method-kind.js";

/**
 * A gRPC service: its full name and its methods keyed by local name.
 *
 * `M` maps each local name to its `Method` type, which types the service's clients and handlers:
 * `Service<{ sayHello: UnaryMethod<HelloRequest, HelloReply> }>`. The default, any local name to
 * an untyped method, describes a service known only at run time.
 */
export interface Service<M extends Record<keyof M, Method> = Record<string, Method>> {
  /** The full service name, without a leading dot: "grpc.testing.TestService". */
  name: string;
  /** Methods keyed by localName ("unaryCall"). */
  methods: M;
  /**
   * The schema, where it is known (generated code, loadService): the serialized
   * FileDescriptorProto of the file that defines the service, followed by every file it depends
   * on, transitively. Server reflection and the JSON mapping read it; nothing on a call's path does.
   */
  files?: () => readonly Uint8Array[];
}

/** How defineService describes one method; `K` is the kind as a literal type ("unary"). */
// biome-ignore lint/suspicious/noExplicitAny: the untyped default: a definition whose codecs are untyped
export interface MethodDefinition<I = any, O = any, K extends MethodKind = MethodKind, IInput = I, OInput = O> {
  /** Which of the four call kinds it is. */
  kind: K;
  /** The request messages' codec. */
  requestCodec: Codec<I, IInput>;
  /** The response messages' codec. */
  responseCodec: Codec<O, OInput>;
  /** The wire name; defaults to the key with its first letter in upper case ("unaryCall" -> "UnaryCall"). */
  name?: string;
}

/** The methods of the service that defineService describes from the definitions `D`. */
export type DefinedMethods<D> = {
  [L in keyof D]: D[L] extends MethodDefinition<infer I, infer O, infer K extends MethodKind, infer IInput, infer OInput>
    ? Method<I, O, K, IInput, OInput>
    : never;
};

const SERVICE_NAME = /^\.?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const METHOD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Describes a service by hand, with any codecs: no .proto needed.
 *
 * The message types come from the codecs and each kind from its literal, so the service's clients
 * and handlers are fully typed. Names must be identifiers (dotted for the service), as protobuf
 * would allow; anything else is a TypeError.
 */
export function defineService<D extends Record<keyof D, MethodDefinition>>(name: string, methods: D): Service<DefinedMethods<D>> {
  if (!SERVICE_NAME.test(name)) throw new TypeError(`service: invalid service name ${JSON.stringify(name)}`);
  const serviceName = name.startsWith(".") ? name.slice(1) : name;
  const described: Record<string, Method> = {};
  for (const [localName, definition] of Object.entries<MethodDefinition>(methods)) {
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
  return { name: serviceName, methods: described as DefinedMethods<D> };
}
