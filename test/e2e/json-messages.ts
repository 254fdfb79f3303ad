// JSON messages for the e2e tests, so that they need no .proto: a tsgrpc codec and grpc-js method definitions.
import type { Codec } from "../../src/codec/index.js";

/** A tsgrpc codec of JSON messages. */
export const jsonCodec: Codec<any> = {
  encode: (value: unknown) => new TextEncoder().encode(JSON.stringify(value)),
  decode: (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)),
};

const serialize = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const deserialize = (bytes: Buffer): unknown => JSON.parse(bytes.toString());

/** A grpc-js method definition at `path` (/package.Service/Method) with JSON messages both ways. */
export function grpcJsonMethod(path: string, requestStream: boolean, responseStream: boolean) {
  return {
    path,
    requestStream,
    responseStream,
    requestSerialize: serialize,
    requestDeserialize: deserialize,
    responseSerialize: serialize,
    responseDeserialize: deserialize,
  };
}
