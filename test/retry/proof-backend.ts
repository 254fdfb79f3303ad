// One backend of the scale-out proof, run as a child process (node dist/test/retry/proof-backend.js
// <name>) with an IPC channel: it serves proof.Proof on 127.0.0.1 (port 0), reports its port, and
// on request the ids of every call its handlers ran, shuts down gracefully, or exits.
import { Server } from "../../src/index.js";
import type { BackendCommand, BackendReport, ProofRequest, ProofResponse } from "./proof-service.js";
import { ProofService } from "./proof-service.js";

const name = process.argv[2] ?? "backend";
const unary: string[] = [];
const bidi: string[] = [];

function send(report: BackendReport): void {
  process.send?.(report);
}

const server = new Server();
server.add(ProofService, {
  echo: (request: ProofRequest, ctx): ProofResponse => {
    ctx.headers.set("x-backend", name);
    unary.push(request.id);
    return { id: request.id, backend: name };
  },
  gather: async function* (requests: AsyncIterable<ProofRequest>, ctx) {
    ctx.headers.set("x-backend", name);
    const received: ProofRequest[] = [];
    for await (const request of requests) received.push(request);
    if (received.length > 0) bidi.push(received[0]!.id);
    for (const request of received) yield { id: request.id, seq: request.seq, backend: name } satisfies ProofResponse;
  },
});

const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
send({ type: "ready", port: port! });

process.on("message", (command: BackendCommand) => {
  if (command.type === "report") send({ type: "report", unary, bidi });
  else if (command.type === "shutdown") void server.shutdown().then(() => send({ type: "shutdown-done" }));
  else if (command.type === "exit") process.exit(0);
});
// The parent went away: nothing left to serve.
process.on("disconnect", () => process.exit(0));
