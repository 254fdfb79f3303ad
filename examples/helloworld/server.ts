// The helloworld server: Greeter.SayHello answers "Hello <name>". Greeter and its message types
// come from greeter_pb.ts, which `npm run gen:examples` generates from greeter.proto.
import { Code, GrpcError, Server } from "../../src/index.js";
import { Greeter } from "./greeter_pb.js";

/** Starts the Greeter server on `port` (50051 by default) and returns it with the bound port. */
export async function startServer(port = 50051): Promise<{ server: Server; port: number }> {
  const server = new Server();
  server.add(Greeter, {
    async sayHello(request) {
      if (!request.name) throw new GrpcError(Code.InvalidArgument, "name is required");
      return { message: `Hello ${request.name}` };
    },
  });
  const bound = await server.listen({ host: "127.0.0.1", port });
  return { server, port: bound.port ?? port };
}

// Run directly: `node dist/examples/helloworld/server.js`
if (process.argv[1]?.endsWith("server.js")) {
  const { server, port } = await startServer(Number(process.env.PORT ?? 50051));
  console.log(`Greeter server listening on 127.0.0.1:${port}`);
  // Drain on SIGTERM/SIGINT: calls in flight get 5 s to finish, the rest end UNAVAILABLE.
  const stop = (): void => {
    void server.shutdown({ graceMs: Number(process.env.GRACE_MS ?? 5000) }).then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
