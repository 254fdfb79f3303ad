import { Code, GrpcError } from "../status/index.js";
import type { Codec } from "./codec.js";

/**
 * The identity codec, for callers that bring their own serialization: bytes in, bytes out, no copy.
 */
export const rawCodec: Codec<Uint8Array> = {
  encode(value: Uint8Array): Uint8Array {
    if (!(value instanceof Uint8Array))
      throw new GrpcError(Code.Internal, `codec: raw codec can only send a Uint8Array, got ${typeof value}`);
    return value;
  },
  decode: (bytes) => bytes,
};
