// Loads the Greeter service from greeter.proto, found relative to the project root so that it
// works from dist/ and from any other compiled tree.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { serviceFromProtobuf, type Service, type UnaryMethod } from "../../src/index.js";

function projectRoot(start: string): string {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, "package.json"))) return dir;
  throw new Error(`helloworld: no package.json above ${start}`);
}

/** The path of greeter.proto. */
export const GREETER_PROTO = join(projectRoot(dirname(fileURLToPath(import.meta.url))), "examples", "helloworld", "greeter.proto");

/** helloworld.HelloRequest. */
export interface HelloRequest {
  name: string;
}

/** helloworld.HelloReply. */
export interface HelloReply {
  message: string;
}

/** The methods of helloworld.Greeter, which type its handlers and clients. */
export type GreeterMethods = { sayHello: UnaryMethod<HelloRequest, HelloReply> };

/** helloworld.Greeter, described from the .proto file. */
export async function loadGreeter(): Promise<Service<GreeterMethods>> {
  const root = await protobuf.load(GREETER_PROTO);
  return serviceFromProtobuf<GreeterMethods>(root.lookupService("helloworld.Greeter"));
}
