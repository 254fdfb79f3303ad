// The helloworld client: calls Greeter.SayHello with a 1-second deadline and prints the greeting.
import { Channel, createClient } from "../../src/index.js";
import { Greeter } from "./greeter_pb.js";

/** Greets `name` through the server at `target` and returns the reply's message. */
export async function greet(target: string, name: string): Promise<string> {
  const channel = new Channel(target);
  try {
    const greeter = createClient(Greeter, channel);
    const reply = await greeter.sayHello({ name }, { timeoutMs: 1000 });
    return reply.message;
  } finally {
    channel.close();
  }
}

// Run directly: `node dist/examples/helloworld/client.js [name]`
if (process.argv[1]?.endsWith("client.js")) {
  console.log(`Greeting: ${await greet(process.env.TARGET ?? "127.0.0.1:50051", process.argv[2] ?? "world")}`);
}
