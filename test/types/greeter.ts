// A service typed end to end by defineService with hand-written codecs, shared by the type tests.
import { defineService, type Codec } from "../../src/index.js";

export interface HelloRequest {
  name: string;
}
export interface HelloReply {
  message: string;
}

/** A JSON codec for `T`: the message type comes from the type argument. */
export function jsonCodec<T>(): Codec<T> {
  return {
    encode: (value) => new TextEncoder().encode(JSON.stringify(value)),
    decode: (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as T,
  };
}

/** One method of each kind. */
export const Greeter = defineService("test.Greeter", {
  sayHello: { kind: "unary", requestCodec: jsonCodec<HelloRequest>(), responseCodec: jsonCodec<HelloReply>() },
  lotsOfReplies: { kind: "server_streaming", requestCodec: jsonCodec<HelloRequest>(), responseCodec: jsonCodec<HelloReply>() },
  lotsOfGreetings: { kind: "client_streaming", requestCodec: jsonCodec<HelloRequest>(), responseCodec: jsonCodec<HelloReply>() },
  chat: { kind: "bidi_streaming", requestCodec: jsonCodec<HelloRequest>(), responseCodec: jsonCodec<HelloReply>(), name: "Chat" },
});
