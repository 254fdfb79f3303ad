// Flow control: a server-streaming handler that yields far faster than its client reads is paced
// by HTTP/2 flow control (writes wait for drain), so server memory stays bounded.
import { expect } from "chai";
import http2 from "node:http2";
import { rawCodec } from "../../src/codec/index.js";
import { Server } from "../../src/index.js";
import { defineService } from "../../src/service/index.js";

const MESSAGE_BYTES = 64 * 1024;
const TOTAL_BYTES = 256 * 1024 * 1024;
const MAX_RSS_GROWTH_BYTES = 64 * 1024 * 1024;

const Bulk = defineService("test.Bulk", {
  download: { kind: "server_streaming", requestCodec: rawCodec, responseCodec: rawCodec },
});

describe("e2e server: flow control", function () {
  this.timeout(120_000);

  it("streams 256 MiB to a slow reader with server RSS growth under 64 MiB", async () => {
    let produced = 0;
    const server = new Server();
    server.add(Bulk, {
      async *download() {
        const chunk = new Uint8Array(MESSAGE_BYTES).fill(7);
        for (; produced < TOTAL_BYTES; produced += MESSAGE_BYTES) yield chunk;
      },
    });
    const { port } = await server.listen({ port: 0 });
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let maxAhead = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      const session = http2.connect(`http://127.0.0.1:${port}`);
      session.on("error", () => {});
      const received = await new Promise<number>((resolve, reject) => {
        const stream = session.request({
          ":method": "POST",
          ":path": "/test.Bulk/Download",
          "content-type": "application/grpc",
          te: "trailers",
        });
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
        let bytes = 0;
        let sincePause = 0;
        stream.on("data", (data: Buffer) => {
          bytes += data.length;
          sincePause += data.length;
          maxAhead = Math.max(maxAhead, produced - bytes);
          // A slow reader: stop for 40 ms after every 8 MiB.
          if (sincePause >= 8 * 1024 * 1024) {
            sincePause = 0;
            stream.pause();
            setTimeout(() => stream.resume(), 40);
          }
        });
        stream.on("trailers", (trailers) => {
          if (trailers["grpc-status"] !== "0") reject(new Error(`status ${trailers["grpc-status"]}`));
        });
        stream.on("error", reject);
        stream.on("close", () => resolve(bytes));
      });
      session.close();
      expect(received).to.equal(TOTAL_BYTES + (TOTAL_BYTES / MESSAGE_BYTES) * 5);
    } finally {
      clearInterval(sampler);
      await server.forceShutdown();
    }
    expect(peak - baseline, `RSS grew by ${((peak - baseline) / 1048576).toFixed(1)} MiB`).to.be.lessThan(MAX_RSS_GROWTH_BYTES);
    // The producer never ran more than a few flow-control windows ahead of the reader.
    expect(maxAhead).to.be.lessThan(32 * 1024 * 1024);
  });
});
