// Counts which cluster workers serve calls: `connections` channels (one connection each), `callsEach`
// calls on each. Connections, not calls, are spread over the workers: all calls of one channel land
// on the same worker.
//
//   node dist/examples/cluster/client.js 127.0.0.1:50051 [connections=8] [callsEach=4]
import { Channel, createClient } from "../../src/index.js";
import { Whoami } from "./whoami-service.js";

/** Calls served per worker pid. */
export async function countWorkers(target: string, connections: number, callsEach: number): Promise<Map<number, number>> {
  const served = new Map<number, number>();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const channel = new Channel(target);
      try {
        const client = createClient(Whoami, channel);
        for (let i = 0; i < callsEach; i++) {
          const { pid } = await client.whoami({}, { timeoutMs: 10_000 });
          served.set(pid, (served.get(pid) ?? 0) + 1);
        }
      } finally {
        channel.close();
      }
    }),
  );
  return served;
}

if (process.argv[1]?.endsWith("client.js")) {
  const [target = "127.0.0.1:50051", connections = "8", callsEach = "4"] = process.argv.slice(2);
  const served = await countWorkers(target, Number(connections), Number(callsEach));
  for (const [pid, calls] of served) console.log(`worker pid ${pid}: ${calls} calls`);
}
