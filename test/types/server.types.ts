// Type tests of service implementations: handler parameters are inferred from the service,
// return types are checked against the method's kind, and every key must name a method.
import {
  Server,
  type BidiStreamingHandler,
  type ClientStreamingHandler,
  type MethodHandler,
  type ServerContext,
  type ServerStreamingHandler,
  type Service,
  type ServiceImplementation,
  type UnaryHandler,
  type UntypedHandler,
} from "../../src/index.js";
import { expectTrue, type Equal } from "./assert.js";
import { Greeter, type HelloReply, type HelloRequest } from "./greeter.js";

type Methods = (typeof Greeter)["methods"];
expectTrue<Equal<MethodHandler<Methods["sayHello"]>, UnaryHandler<HelloRequest, HelloReply>>>();
expectTrue<Equal<MethodHandler<Methods["lotsOfReplies"]>, ServerStreamingHandler<HelloRequest, HelloReply>>>();
expectTrue<Equal<MethodHandler<Methods["lotsOfGreetings"]>, ClientStreamingHandler<HelloRequest, HelloReply>>>();
expectTrue<Equal<MethodHandler<Methods["chat"]>, BidiStreamingHandler<HelloRequest, HelloReply>>>();

const server = new Server();

// Every kind, parameters inferred, no annotation needed.
server.add(Greeter, {
  async sayHello(request, ctx) {
    expectTrue<Equal<typeof request, HelloRequest>>();
    expectTrue<Equal<typeof ctx, ServerContext>>();
    return { message: `Hello ${request.name}` };
  },
  async *lotsOfReplies(request) {
    yield { message: request.name };
  },
  async lotsOfGreetings(requests) {
    expectTrue<Equal<typeof requests, AsyncIterable<HelloRequest>>>();
    const names: string[] = [];
    for await (const request of requests) names.push(request.name);
    return { message: names.join(", ") };
  },
  async *chat(requests, ctx) {
    for await (const request of requests) if (!ctx.signal.aborted) yield { message: request.name };
  },
});

// Synchronous answers and synchronous iterables are accepted too, as the server takes them.
const synchronous: ServiceImplementation<typeof Greeter> = {
  sayHello: (request) => ({ message: request.name }),
  lotsOfReplies: (request) => [{ message: request.name }, { message: request.name }],
  lotsOfGreetings: () => ({ message: "" }),
  chat: function* () {
    yield { message: "" };
  },
};
server.add(Greeter, synchronous);

server.add(Greeter, {
  // @ts-expect-error a misspelled handler key names no method
  sayHelo: async () => ({ message: "" }),
  sayHello: async () => ({ message: "" }),
  lotsOfReplies: async function* () {},
  lotsOfGreetings: async () => ({ message: "" }),
  chat: async function* () {},
});

// @ts-expect-error a handler is missing (chat)
server.add(Greeter, {
  sayHello: async () => ({ message: "" }),
  lotsOfReplies: async function* () {},
  lotsOfGreetings: async () => ({ message: "" }),
});

// Leaving methods out on purpose (they answer UNIMPLEMENTED) takes adding the service untyped.
const untypedGreeter: Service = Greeter;
server.add(untypedGreeter, { sayHello: async (request) => ({ message: String(request.name) }) });

server.add(Greeter, {
  // @ts-expect-error a unary handler returns the wrong message type
  sayHello: async () => ({ text: "" }),
  lotsOfReplies: async function* () {},
  lotsOfGreetings: async () => ({ message: "" }),
  chat: async function* () {},
});

server.add(Greeter, {
  sayHello: async () => ({ message: "" }),
  // @ts-expect-error a server-streaming handler yields the wrong message type
  lotsOfReplies: async function* () {
    yield { message: 1 };
  },
  lotsOfGreetings: async () => ({ message: "" }),
  chat: async function* () {},
});

server.add(Greeter, {
  // @ts-expect-error a unary handler cannot answer with an iterable
  sayHello: async function* () {
    yield { message: "" };
  },
  lotsOfReplies: async function* () {},
  lotsOfGreetings: async () => ({ message: "" }),
  chat: async function* () {},
});

server.add(Greeter, {
  sayHello: async () => ({ message: "" }),
  // @ts-expect-error a server-streaming handler cannot answer with one message
  lotsOfReplies: async () => ({ message: "" }),
  lotsOfGreetings: async () => ({ message: "" }),
  chat: async function* () {},
});

server.add(Greeter, {
  sayHello: async () => ({ message: "" }),
  lotsOfReplies: async function* () {},
  lotsOfGreetings: async () => ({ message: "" }),
  // @ts-expect-error a bidi handler cannot answer with one message
  chat: async () => ({ message: "" }),
});

server.add(Greeter, {
  sayHello: async () => ({ message: "" }),
  lotsOfReplies: async function* () {},
  // @ts-expect-error a client-streaming handler gets an AsyncIterable, not one request
  lotsOfGreetings: async (request: HelloRequest) => ({ message: request.name }),
  chat: async function* () {},
});

server.add(Greeter, {
  // @ts-expect-error a unary handler gets one request, not an AsyncIterable
  sayHello: async (requests: AsyncIterable<HelloRequest>) => ({ message: String(requests) }),
  lotsOfReplies: async function* () {},
  lotsOfGreetings: async () => ({ message: "" }),
  chat: async function* () {},
});

server.add(Greeter, {
  sayHello: async (request) => {
    // @ts-expect-error an unknown request field
    return { message: request.nmae };
  },
  lotsOfReplies: async function* () {},
  lotsOfGreetings: async () => ({ message: "" }),
  chat: async function* () {},
});

// An untyped service (from a .proto at run time) takes any key, proto names too, and leaves
// methods out; handler parameters are still typed (request: any, ctx: ServerContext).
export function untyped(service: Service): void {
  server.add(service, {
    UnaryCall: (request, ctx) => {
      expectTrue<Equal<typeof ctx, ServerContext>>();
      return { echoed: request.payload };
    },
    async *streamingOutputCall(request) {
      yield request;
    },
  });
  expectTrue<Equal<ServiceImplementation[string], UntypedHandler>>();
  // @ts-expect-error a handler is still a function
  server.add(service, { unaryCall: "nope" });
}
