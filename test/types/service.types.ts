// Type tests of service descriptors: defineService keeps each method's kind and message types;
// services read from a .proto at run time are untyped unless given their methods' types.
import type protobuf from "protobufjs";
import {
  Server,
  createClient,
  defineService,
  loadService,
  rawCodec,
  serviceFromProtobuf,
  type BidiStreamingMethod,
  type Channel,
  type ClientStreamingMethod,
  type Method,
  type MethodKind,
  type ServerStreamingMethod,
  type Service,
  type UnaryMethod,
} from "../../src/index.js";
import { expectTrue, value, type Equal } from "./assert.js";
import { Greeter, type HelloReply, type HelloRequest } from "./greeter.js";

// defineService infers every method's kind and message types.
expectTrue<Equal<(typeof Greeter)["methods"]["sayHello"], UnaryMethod<HelloRequest, HelloReply>>>();
expectTrue<Equal<(typeof Greeter)["methods"]["lotsOfReplies"], ServerStreamingMethod<HelloRequest, HelloReply>>>();
expectTrue<Equal<(typeof Greeter)["methods"]["lotsOfGreetings"], ClientStreamingMethod<HelloRequest, HelloReply>>>();
expectTrue<Equal<(typeof Greeter)["methods"]["chat"], BidiStreamingMethod<HelloRequest, HelloReply>>>();
expectTrue<Equal<keyof (typeof Greeter)["methods"], "sayHello" | "lotsOfReplies" | "lotsOfGreetings" | "chat">>();

// A typed service is still a Service.
const asService: Service = Greeter;
void asService;

// A kind that is not one of the four.
// @ts-expect-error "streaming" is not a MethodKind
defineService("test.Bad", { echo: { kind: "streaming", requestCodec: rawCodec, responseCodec: rawCodec } });

// A definition without a codec.
// @ts-expect-error responseCodec is missing
defineService("test.Bad", { echo: { kind: "unary", requestCodec: rawCodec } });

// A kind typed as the whole union gives a loosely typed method, as before.
const loose = defineService("test.Loose", { echo: { kind: value<MethodKind>(), requestCodec: rawCodec, responseCodec: rawCodec } });
expectTrue<Equal<(typeof loose)["methods"]["echo"], Method<Uint8Array, Uint8Array, MethodKind>>>();

// Services from a .proto are untyped by default: any method name, any message.
export async function untypedByDefault(root: protobuf.Root): Promise<void> {
  const loaded = await loadService("greeter.proto", "helloworld.Greeter");
  expectTrue<Equal<typeof loaded, Service>>();
  const described = serviceFromProtobuf(root.lookupService("helloworld.Greeter"));
  expectTrue<Equal<typeof described, Service>>();
}

/** The methods' types a user (or, later, generated code) gives to loadService. */
interface GreeterMethods {
  sayHello: UnaryMethod<HelloRequest, HelloReply>;
  chat: BidiStreamingMethod<HelloRequest, HelloReply>;
}

// With a type argument, loadService and serviceFromProtobuf give a typed service; an interface fits.
export async function typedByArgument(root: protobuf.Root, channel: Channel): Promise<void> {
  const loaded = await loadService<GreeterMethods>("greeter.proto", "helloworld.Greeter", { includeDirs: ["protos"] });
  expectTrue<Equal<typeof loaded, Service<GreeterMethods>>>();
  new Server().add(loaded, {
    sayHello: (request) => ({ message: request.name }),
    async *chat(requests) {
      for await (const request of requests) yield { message: request.name };
    },
  });
  const reply = await createClient(loaded, channel).sayHello({ name: "Ada" });
  expectTrue<Equal<typeof reply, HelloReply>>();
  const described = serviceFromProtobuf<GreeterMethods>(root.lookupService("helloworld.Greeter"));
  expectTrue<Equal<(typeof described)["methods"]["chat"], BidiStreamingMethod<HelloRequest, HelloReply>>>();
  // @ts-expect-error a type argument must map names to methods
  await loadService<{ sayHello: HelloRequest }>("greeter.proto", "helloworld.Greeter");
}

// A hand-written Method literal must match its kind.
const wrongKind: UnaryMethod<Uint8Array, Uint8Array> = {
  name: "A",
  localName: "a",
  path: "/s/A",
  // @ts-expect-error the kind of a UnaryMethod is "unary"
  kind: "bidi_streaming",
  requestCodec: rawCodec,
  responseCodec: rawCodec,
};
void wrongKind;
