import protobuf from "protobufjs";
import { Code, GrpcError, describeError } from "../status/index.js";
import type { Codec } from "./codec.js";

/** Options of protobufCodec. */
export interface ProtobufCodecOptions {
  /**
   * When given, decode returns `type.toObject(message, toObject)` (plain objects, e.g. longs as
   * strings); by default it returns the decoded message instance, which is faster.
   */
  toObject?: protobuf.IConversionOptions | undefined;
}

/** A protobufjs Writer that starts with `bytes` zero bytes (space the caller fills in later). */
function reserve(bytes: number): protobuf.Writer {
  const writer = protobuf.Writer.create();
  let left = bytes;
  for (; left >= 4; left -= 4) writer.fixed32(0);
  for (; left > 0; left--) writer.uint32(0);
  return writer;
}

/**
 * A Codec for a protobufjs message type loaded at run time from a .proto file.
 *
 * encode accepts a message instance as it is, and converts a plain object with `fromObject`
 * (so enum names and string longs work). Failures are GrpcError(INTERNAL) "codec: ...".
 * encodeAt writes the message straight after the caller's frame header: one buffer per message.
 */
// biome-ignore lint/suspicious/noExplicitAny: protobufjs decodes to plain objects of no static type; callers give T to type them
export function protobufCodec<T = any>(type: protobuf.Type, options: ProtobufCodecOptions = {}): Codec<T> {
  const ctor = type.ctor;
  const conversion = options.toObject;
  const encodeAt = (value: T, offset: number): Uint8Array => {
    try {
      const message = value instanceof ctor ? value : type.fromObject(value as { [key: string]: unknown });
      return type.encode(message, reserve(offset)).finish();
    } catch (error) {
      throw new GrpcError(Code.Internal, `codec: cannot encode ${type.fullName.slice(1)}: ${describeError(error)}`, { cause: error });
    }
  };
  return {
    encode: (value: T): Uint8Array => encodeAt(value, 0),
    encodeAt,
    decode(bytes: Uint8Array): T {
      let message: protobuf.Message;
      try {
        message = type.decode(bytes);
      } catch (error) {
        throw new GrpcError(Code.Internal, `codec: cannot decode ${type.fullName.slice(1)}: ${describeError(error)}`, { cause: error });
      }
      return (conversion === undefined ? message : type.toObject(message, conversion)) as T;
    },
  };
}
