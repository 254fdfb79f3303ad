// `npm start`: runs the Greeter server on port 50051 and a client against it, prints the
// exchange, then shuts the server down and exits 0.
import { greet } from "./client.js";
import { startServer } from "./server.js";

const { server, port } = await startServer(Number(process.env.PORT ?? 50051));
console.log(`server: Greeter listening on 127.0.0.1:${port}`);
try {
  const name = process.argv[2] ?? "world";
  console.log(`client: SayHello({ name: "${name}" }) with a 1 s deadline`);
  const message = await greet(`127.0.0.1:${port}`, name);
  console.log(`client: received "${message}"`);
} catch (error) {
  console.error(`client: failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await server.shutdown({ graceMs: 1000 });
  console.log("server: stopped");
}
