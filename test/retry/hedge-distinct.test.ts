// Hedged attempts go to distinct backends when they can (gRFC A6: "hedged RPCs ... should be sent
// to distinct backends when possible"): under round_robin each hedge passes over the backends its
// call's earlier attempts went to. Three backends, each answering after 300 ms; calls with a
// hedging policy of 3 attempts 20 ms apart. Calls started together interleave in round_robin's
// turn (A1 B1 C1 A2 B2 C2 ...), so without the avoidance every call of three would meet the same
// backend three times. Under pick_first all of a call's attempts share its one connection.
import { expect } from "chai";
import { Channel, createClient, Server, type ServiceConfigJson } from "../../src/index.js";
import type { ProofRequest, ProofResponse } from "./proof-service.js";
import { ProofService } from "./proof-service.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Backend {
  name: string;
  server: Server;
  port: number;
  /** The ids of the calls whose handler ran here, one entry per attempt. */
  seen: string[];
}

async function startBackend(name: string): Promise<Backend> {
  const seen: string[] = [];
  const server = new Server();
  server.add(ProofService, {
    echo: async (request: ProofRequest): Promise<ProofResponse> => {
      seen.push(request.id);
      await sleep(300);
      return { id: request.id, backend: name };
    },
    gather: async function* () {},
  });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return { name, server, port: port!, seen };
}

function config(policy: string): ServiceConfigJson {
  return {
    loadBalancingConfig: [{ [policy]: {} }],
    methodConfig: [
      {
        name: [{ service: "proof.Proof" }],
        hedgingPolicy: { maxAttempts: 3, hedgingDelay: "0.02s", nonFatalStatusCodes: ["UNAVAILABLE"] },
      },
    ],
  };
}

describe("hedging: attempts go to distinct backends (gRFC A6)", function () {
  this.timeout(30_000);
  let backends: Backend[] = [];

  beforeEach(async () => {
    backends = await Promise.all(["b0", "b1", "b2"].map(startBackend));
  });

  afterEach(async () => {
    await Promise.all(backends.map((backend) => backend.server.forceShutdown()));
  });

  /** The backends each call's attempts ran on, by call id. */
  function backendsOf(): Map<string, string[]> {
    const byCall = new Map<string, string[]>();
    for (const backend of backends)
      for (const id of backend.seen) {
        if (!byCall.has(id)) byCall.set(id, []);
        byCall.get(id)!.push(backend.name);
      }
    return byCall;
  }

  async function run(policy: string, rounds: number, together: number): Promise<Map<string, string[]>> {
    const channel = new Channel(`ipv4:${backends.map((backend) => `127.0.0.1:${backend.port}`).join(",")}`, {
      serviceConfig: config(policy),
    });
    const client = createClient(ProofService, channel);
    try {
      await channel.connect(Date.now() + 10_000);
      await sleep(300); // round_robin: every backend connected by now
      for (const backend of backends) backend.seen.length = 0;
      for (let round = 0; round < rounds; round++)
        await Promise.all(Array.from({ length: together }, (_, k) => client.echo({ id: `r${round}c${k}` })));
      return backendsOf();
    } finally {
      channel.close();
    }
  }

  it("round_robin: each call's 3 attempts run on 3 distinct backends, calls started together included", async () => {
    const byCall = await run("round_robin", 4, 3);
    expect(byCall.size).to.equal(12);
    for (const [id, names] of byCall) {
      expect(names, `attempts of ${id}`).to.have.length(3);
      expect(new Set(names).size, `${id} ran on ${names.join(",")}`).to.equal(3);
    }
  });

  it("round_robin: with more calls at once than backends, still 3 distinct backends per call", async () => {
    const byCall = await run("round_robin", 2, 7);
    expect(byCall.size).to.equal(14);
    for (const [id, names] of byCall) expect(new Set(names).size, `${id} ran on ${names.join(",")}`).to.equal(3);
  });

  it("pick_first: every attempt of a call goes to the one connection it keeps", async () => {
    const byCall = await run("pick_first", 2, 3);
    expect(byCall.size).to.equal(6);
    const used = new Set([...byCall.values()].flat());
    expect(used.size, "backends pick_first used").to.equal(1);
    for (const [id, names] of byCall) expect(names, `attempts of ${id}`).to.have.length(3);
  });
});
