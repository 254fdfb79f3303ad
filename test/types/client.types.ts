// Type tests of clients: one function per method, typed by the method's kind and messages; an
// unknown method or a wrong request is a compile error.
import {
  createClient,
  type BidiStreamingFunction,
  type Channel,
  type Client,
  type ClientFunction,
  type ClientStreamingFunction,
  type ServerStreamingFunction,
  type Service,
  type UnaryFunction,
  type UntypedFunction,
} from "../../src/index.js";
import { expectTrue, type Equal } from "./assert.js";
import { Greeter, type HelloReply, type HelloRequest } from "./greeter.js";

type Methods = (typeof Greeter)["methods"];
expectTrue<Equal<ClientFunction<Methods["sayHello"]>, UnaryFunction<HelloRequest, HelloReply>>>();
expectTrue<Equal<ClientFunction<Methods["lotsOfReplies"]>, ServerStreamingFunction<HelloRequest, HelloReply>>>();
expectTrue<Equal<ClientFunction<Methods["lotsOfGreetings"]>, ClientStreamingFunction<HelloRequest, HelloReply>>>();
expectTrue<Equal<ClientFunction<Methods["chat"]>, BidiStreamingFunction<HelloRequest, HelloReply>>>();

async function* names(): AsyncIterable<HelloRequest> {
  yield { name: "Ada" };
}

export async function typed(channel: Channel): Promise<void> {
  const greeter = createClient(Greeter, channel);
  expectTrue<Equal<typeof greeter, Client<typeof Greeter>>>();
  expectTrue<Equal<keyof typeof greeter, "sayHello" | "lotsOfReplies" | "lotsOfGreetings" | "chat">>();

  const reply = await greeter.sayHello({ name: "Ada" }, { timeoutMs: 1000 });
  expectTrue<Equal<typeof reply, HelloReply>>();
  for await (const each of greeter.lotsOfReplies({ name: "Ada" })) expectTrue<Equal<typeof each, HelloReply>>();
  const total = await greeter.lotsOfGreetings(names());
  expectTrue<Equal<typeof total, HelloReply>>();
  for await (const each of greeter.chat(names(), { compressMessage: (message) => message.name.length > 100 }))
    expectTrue<Equal<typeof each, HelloReply>>();

  // @ts-expect-error an unknown method
  await greeter.sayGoodbye({ name: "Ada" });
  // @ts-expect-error a request field of the wrong type
  await greeter.sayHello({ name: 42 });
  // @ts-expect-error a request without its required field
  await greeter.sayHello({});
  // @ts-expect-error a unary method takes one request, not an iterable
  await greeter.sayHello(names());
  // @ts-expect-error a server-streaming method takes one request, not an iterable
  greeter.lotsOfReplies(names());
  // @ts-expect-error a client-streaming method takes an iterable, not one request
  await greeter.lotsOfGreetings({ name: "Ada" });
  // @ts-expect-error a bidi method takes an iterable, not one request
  greeter.chat({ name: "Ada" });
  // @ts-expect-error a unary call gives a promise, not an iterable
  for await (const each of greeter.sayHello({ name: "Ada" })) void each;
  // @ts-expect-error a server-streaming call gives an iterable, not a promise of one reply
  const notOne: HelloReply = await greeter.lotsOfReplies({ name: "Ada" });
  void notOne;
  // @ts-expect-error the response has no such field
  void reply.text;
  // @ts-expect-error an unknown call option
  await greeter.sayHello({ name: "Ada" }, { timeout: 1000 });
}

// An untyped service gives a loosely typed client: any method name, any request.
export async function untyped(service: Service, channel: Channel): Promise<void> {
  const client = createClient(service, channel);
  expectTrue<Equal<(typeof client)[string], UntypedFunction>>();
  await client["unaryCall"]!({ anything: true });
}
