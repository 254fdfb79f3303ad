// The server of test/http2/server/same-write.test.ts, run as a child process under strace: it
// serves proof.Proof on 127.0.0.1 (port 0) and prints its port. An echo whose id starts with "t"
// answers with trailing metadata too, one starting with "h" with header metadata. gather (bidi)
// answers all its messages at once after the client half-closed.
import { Server } from "../../../src/index.js";
import type { ProofRequest, ProofResponse } from "../../retry/proof-service.js";
import { ProofService } from "../../retry/proof-service.js";

const server = new Server();
server.add(ProofService, {
  echo: (request: ProofRequest, ctx): ProofResponse => {
    if (request.id.startsWith("t")) ctx.trailers.set("x-trailer", request.id);
    if (request.id.startsWith("h")) ctx.headers.set("x-header", request.id);
    return { id: request.id, backend: "same-write" };
  },
  // Like the scale-out proof's backend: every message answered once the client half-closed.
  gather: async function* (requests: AsyncIterable<ProofRequest>) {
    const received: ProofRequest[] = [];
    for await (const request of requests) received.push(request);
    for (const request of received) yield { id: request.id, seq: request.seq, backend: "same-write" } satisfies ProofResponse;
  },
});
const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`${port}\n`);
// The parent ends the test by closing our stdin.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
