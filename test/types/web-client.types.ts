// Type tests of the browser client (tsgrpc/web): unary and server-streaming methods have the Node
// client's signatures; client-streaming and bidi methods do not exist on it, since fetch cannot
// stream a request body in most browsers.
import {
  createWebClient,
  type ServerStreamingWebFunction,
  type UnaryWebFunction,
  type WebClient,
  type WebClientFunction,
} from "../../src/web-client/index.js";
import { jsonFormat } from "../../src/web-client/json.js";
import { expectTrue, type Equal } from "./assert.js";
import { Greeter, type HelloReply, type HelloRequest } from "./greeter.js";

type Methods = (typeof Greeter)["methods"];
expectTrue<Equal<WebClientFunction<Methods["sayHello"]>, UnaryWebFunction<HelloRequest, HelloReply>>>();
expectTrue<Equal<WebClientFunction<Methods["lotsOfReplies"]>, ServerStreamingWebFunction<HelloRequest, HelloReply>>>();
expectTrue<Equal<keyof WebClient<typeof Greeter>, "sayHello" | "lotsOfReplies">>();

async function* names(): AsyncIterable<HelloRequest> {
  yield { name: "Ada" };
}

export async function typed(signal: AbortSignal): Promise<void> {
  const greeter = createWebClient(Greeter, { baseUrl: "https://api.example", protocol: "connect" });
  const reply: HelloReply = await greeter.sayHello({ name: "Ada" }, { timeoutMs: 1_000, signal });
  for await (const each of greeter.lotsOfReplies({ name: "Ada" })) expectTrue<Equal<typeof each, HelloReply>>();
  void reply;

  // @ts-expect-error client streaming cannot go over fetch: the web client has no such method
  await greeter.lotsOfGreetings(names());
  // @ts-expect-error bidi streaming cannot go over fetch: the web client has no such method
  greeter.chat(names());
  // @ts-expect-error a method the service does not have
  await greeter.sayGoodbye({ name: "Ada" });
  // @ts-expect-error a request of the wrong type
  await greeter.sayHello({ name: 1 });
  // @ts-expect-error a unary call returns a promise, not an iterable
  for await (const _ of greeter.sayHello({ name: "Ada" })) void _;
  // @ts-expect-error the protocol is one of three names
  createWebClient(Greeter, { baseUrl: "/", protocol: "grpc" });
  // @ts-expect-error baseUrl is required
  createWebClient(Greeter, { protocol: "grpc-web" });
  // JSON and compression change the wire, not the types: the same client type either way.
  const json = createWebClient(Greeter, {
    baseUrl: "/",
    format: jsonFormat({ emitDefaults: true, ignoreUnknownFields: true }),
    sendCompression: "gzip",
    acceptCompression: ["gzip", "deflate"],
  });
  expectTrue<Equal<typeof json, typeof greeter>>();
  await json.sayHello({ name: "Ada" }, { sendCompression: "identity" });
  // @ts-expect-error the format is what jsonFormat() returns, not a name
  createWebClient(Greeter, { baseUrl: "/", format: "json" });
  // @ts-expect-error the compressions CompressionStream has: gzip and deflate
  createWebClient(Greeter, { baseUrl: "/", sendCompression: "br" });
  // @ts-expect-error acceptCompression is a list
  createWebClient(Greeter, { baseUrl: "/", acceptCompression: "gzip" });
  // @ts-expect-error a per-call compression the client does not know
  await greeter.sayHello({ name: "Ada" }, { sendCompression: "snappy" });
  // @ts-expect-error jsonFormat's options are protobuf's JSON option names
  jsonFormat({ emitDefault: true });
  // @ts-expect-error Node-only call options (compression, waitForReady) do not exist in the browser
  await greeter.sayHello({ name: "Ada" }, { waitForReady: true });
}
