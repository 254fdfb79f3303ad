// A unary response leaves the server in ONE socket write: HEADERS, the DATA with the message, and
// the trailers (src/http2/server/same-write-trailers.ts). So a server killed mid-answer leaves the
// client all of the answer or none of it, and "none" is retryable (gRFC A6: a call commits once
// response headers arrived). The server runs as a child under strace, which records every write
// syscall; the frames each one carried are read back. With TSGRPC_SAME_WRITE_TRAILERS=0 (node's
// public API only) the trailers leave in a later write, which shows the test can fail. A bidi
// call whose handler yields all its answers in one go (20 messages) leaves in one write too: the
// server corks the messages of one tick and sends the trailers with them.
// Runs on this node; TSGRPC_TEST_NODES (paths, ":"-separated) runs the server on other nodes too.
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { Channel, createClient } from "../../../src/index.js";
import { ProofService } from "../../retry/proof-service.js";
import { canTrace, responseWrites, TracedProcess } from "./socket-writes.js";

const SERVER = fileURLToPath(new URL("./same-write-server.js", import.meta.url));
const NODES = [process.execPath, ...(process.env.TSGRPC_TEST_NODES ?? "").split(":").filter((path) => path !== "")];

/** Runs the server on `node`, makes sequential and concurrent unary calls, returns each response's writes. */
async function record(node: string, sameWrite: boolean) {
  const env = { ...process.env, TSGRPC_SAME_WRITE_TRAILERS: sameWrite ? "1" : "0" };
  const server = new TracedProcess(node, [SERVER], env);
  const port = Number(await server.firstLine());
  const channel = new Channel(`127.0.0.1:${port}`);
  const client = createClient(ProofService, channel);
  try {
    for (const prefix of ["s", "t", "h"]) for (let i = 0; i < 20; i++) await client.echo({ id: `${prefix}${i}` });
    await Promise.all(Array.from({ length: 60 }, (_, i) => client.echo({ id: `${"sth"[i % 3]}c${i}` })));
    for (let i = 0; i < 10; i++) {
      const requests = (async function* () {
        for (let seq = 0; seq < 20; seq++) yield { id: `g${i}`, seq };
      })();
      let count = 0;
      for await (const _ of client.gather(requests)) count++;
      expect(count).to.equal(20);
    }
  } finally {
    channel.close();
  }
  return responseWrites(await server.finish());
}

describe("http2 server: a unary response (and a streamed one written at once) leaves in one socket write", function () {
  this.timeout(120_000);

  before(function () {
    if (!canTrace()) this.skip(); // strace missing, or ptrace not allowed here
  });

  for (const node of NODES) {
    it(`headers, message and trailers share one write (server on ${node === process.execPath ? "this node" : node})`, async () => {
      const streams = await record(node, true);
      expect(streams.size).to.equal(130);
      for (const [stream, writes] of streams) {
        expect(writes.end, `stream ${stream} ended`).to.be.greaterThan(0);
        expect(new Set(writes.data), `stream ${stream}: its DATA`).to.deep.equal(new Set([writes.end]));
        expect(writes.headers, `stream ${stream}: headers and trailers`).to.equal(writes.end);
      }
    });

    it(`node's public API alone sends the trailers in a later write (server on ${node === process.execPath ? "this node" : node})`, async () => {
      const streams = await record(node, false);
      expect(streams.size).to.equal(130);
      const split = [...streams.values()].filter((writes) => writes.end > writes.headers).length;
      // Every sequential call at least (60); concurrent ones may share writes with each other.
      expect(split).to.be.at.least(60);
    });
  }
});
