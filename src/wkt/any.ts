import type { MessageType } from "../protobuf/index.js";
import type { Any, AnyInput } from "./google/protobuf/any_pb.js";

/** The type URL prefix Google APIs and gRPC use: "type.googleapis.com/". */
export const TYPE_URL_PREFIX = "type.googleapis.com/";

/** The full message name a type URL names: what follows its last "/". */
export function typeNameOfUrl(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
}

/**
 * Packs a message into an Any: its type URL ("type.googleapis.com/" + full name by default) and
 * its encoding.
 * https://protobuf.dev/programming-guides/proto3/#any
 */
export function anyPack<T extends object, I>(type: MessageType<T, I>, value: I, prefix: string = TYPE_URL_PREFIX): Any {
  return { typeUrl: `${prefix.endsWith("/") ? prefix : `${prefix}/`}${type.typeName}`, value: type.encode(value) };
}

/** Tells whether an Any holds a message of `type`. */
export function anyIs(any: AnyInput, type: MessageType<object, never>): boolean {
  return typeNameOfUrl(any.typeUrl ?? "") === type.typeName;
}

/**
 * Unpacks an Any holding a message of `type`; undefined when it holds another type. Malformed bytes
 * are GrpcError(INTERNAL), as for any decode.
 */
export function anyUnpack<T extends object>(any: AnyInput, type: MessageType<T, never>): T | undefined {
  if (typeNameOfUrl(any.typeUrl ?? "") !== type.typeName) return undefined;
  return type.decode(any.value ?? new Uint8Array(0));
}
