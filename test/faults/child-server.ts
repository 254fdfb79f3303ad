// A server in a child process, for the fault tests (killed, stopped): test.Probe on 127.0.0.1:0,
// with the options given as JSON in argv[2]; prints {"port": N} on its first stdout line.
//   echo  {sleepMs?}          answers after sleepMs (aborts with the call)
//   list  {count?, everyMs?}  count messages (default: endless), one every everyMs (default 10)
//   collect                   reads every request, answers their number
//   chat                      echoes every request
import { Server, type ServerContext, type ServerOptions } from "../../src/index.js";
import { waitUnlessAborted } from "../abortable-wait.js";
import { Probe } from "../e2e/server-fixtures.js";

const options = JSON.parse(process.argv[2] ?? "{}") as ServerOptions;
const server = new Server(options);
server.add(Probe, {
  async echo(request: { sleepMs?: number; text?: string }, ctx: ServerContext) {
    if (request.sleepMs) await waitUnlessAborted(request.sleepMs, ctx.signal);
    return { text: request.text, pid: process.pid };
  },
  async *list(request: { count?: number; everyMs?: number }, ctx: ServerContext) {
    for (let i = 0; i < (request.count ?? Infinity); i++) {
      yield { i };
      await waitUnlessAborted(request.everyMs ?? 10, ctx.signal);
    }
  },
  async collect(requests: AsyncIterable<unknown>) {
    let count = 0;
    for await (const _ of requests) count++;
    return { count };
  },
  async *chat(requests: AsyncIterable<unknown>) {
    for await (const request of requests) yield request;
  },
});
const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on("SIGTERM", () => {
  void server.shutdown({ graceMs: 1_000 }).then(() => process.exit(0));
});
