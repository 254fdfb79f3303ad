// A client in a child process, for the fault tests (killed mid-stream): connects to the port in
// argv[2] and starts one call of each kind that never ends on its own (an endless list, a chat
// and a collect whose requests never end, a slow echo); prints "started" once the list's first
// response arrived, then waits to be killed.
import { Channel, createClient } from "../../src/index.js";
import { Probe } from "../e2e/server-fixtures.js";

const channel = new Channel(`127.0.0.1:${process.argv[2]}`);
const client = createClient(Probe, channel);

/** Requests that come once and then never end. */
async function* endless(): AsyncIterable<{ text: string }> {
  yield { text: "first" };
  await new Promise(() => undefined);
}

void client.echo!({ sleepMs: 600_000 }).catch(() => undefined);
void client.collect!(endless()).catch(() => undefined);
const chat = (client.chat!(endless()) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
const list = (client.list!({ everyMs: 20 }) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
await chat.next();
await list.next();
process.stdout.write("started\n");
// Keep reading, so that the server's stream is flowing when the kill comes.
for (;;) await list.next();
