// Hostile servers against our client (node:http2 servers that misbehave on purpose): every call
// ends with the spec's status and a message naming the layer, nothing hangs, memory stays
// bounded, and the channel goes on serving a well-formed call afterwards.
import { expect } from "chai";
import http2 from "node:http2";
import { Channel, Code, createClient } from "../../src/index.js";
import net from "node:net";
import { Echo, grpcFrame, rejection } from "../e2e/client-fixtures.js";
import { pingFrame, settingsFrame } from "./raw-h2.js";

type Handler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void;

/** Tracks the heap high water above a baseline while `run` runs, in MiB. */
async function heapGrowthDuring<T>(run: () => Promise<T>): Promise<{ result: T; heapGrowthMb: number }> {
  global.gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  try {
    return { result: await run(), heapGrowthMb: (peak - baseline) / 2 ** 20 };
  } finally {
    clearInterval(sampler);
  }
}

describe("hostile: misbehaving servers against the client", function () {
  this.timeout(60_000);
  let server: http2.Http2Server;
  let sessions: http2.ServerHttp2Session[];
  let channel: Channel;
  let client: any;
  let handler: Handler;

  beforeEach(async () => {
    server = http2.createServer({ maxSessionMemory: 1000 });
    sessions = [];
    server.on("session", (session) => {
      sessions.push(session);
      session.on("error", () => undefined);
    });
    server.on("stream", (stream, headers) => {
      stream.on("error", () => undefined);
      handler(stream, headers);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    channel = new Channel(`127.0.0.1:${(server.address() as { port: number }).port}`);
    client = createClient(Echo, channel);
  });

  afterEach(async () => {
    handler = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(grpcFrame({ text: "still up" }));
    };
    expect(await client.echo({}, { timeoutMs: 5000 })).to.deep.equal({ text: "still up" });
    channel.close();
    for (const session of sessions) session.destroy();
    server.close();
  });

  it("a server that never sends headers: the deadline ends the call DEADLINE_EXCEEDED", async () => {
    handler = () => undefined;
    const error = await rejection(client.echo({}, { timeoutMs: 200 }));
    expect(error.code).to.equal(Code.DeadlineExceeded);
    expect(error.statusMessage).to.match(/^deadline: /);
  });

  it("a server that sends messages but never trailers: the deadline ends the stream, the messages read first", async () => {
    handler = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      stream.write(Buffer.concat([grpcFrame({ text: "a" }), grpcFrame({ text: "b" })]));
    };
    const replies: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const reply of client.list({}, { timeoutMs: 300 })) replies.push(reply);
      })(),
    );
    expect(replies).to.deep.equal([{ text: "a" }, { text: "b" }]);
    expect(error.code).to.equal(Code.DeadlineExceeded);
  });

  it("a server that ends the stream without trailers is UNKNOWN, naming the missing grpc-status", async () => {
    handler = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      stream.end(grpcFrame({ text: "a" }));
    };
    const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
    expect(error.code, error.statusMessage).to.equal(Code.Unknown);
    expect(error.statusMessage).to.include("grpc-status");
  });

  it("response headers of 1 MiB: the call fails (node refuses the header block), the channel survives", async () => {
    handler = (stream) => {
      try {
        stream.respond({ ":status": 200, "content-type": "application/grpc", "x-huge": "h".repeat(2 ** 20) });
      } catch {
        stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      }
    };
    const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
    expect([Code.Internal, Code.Unknown, Code.ResourceExhausted], `${Code[error.code]}: ${error.statusMessage}`).to.include(error.code);
  });

  it("an endless stream to a slow reader: flow control holds the server back, memory stays bounded, a break cancels", async () => {
    let written = 0;
    let cancelled = false;
    handler = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      stream.on("close", () => (cancelled = stream.rstCode === http2.constants.NGHTTP2_CANCEL));
      const chunk = Buffer.concat(Array.from({ length: 64 }, () => grpcFrame({ text: "x".repeat(1000) })));
      const pump = () => {
        while (!stream.destroyed && stream.write(chunk)) written += chunk.length;
        if (!stream.destroyed) stream.once("drain", pump);
      };
      pump();
    };
    const { result: read, heapGrowthMb } = await heapGrowthDuring(async () => {
      let count = 0;
      for await (const _ of client.list({}, { timeoutMs: 30_000 })) {
        if (++count % 1000 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        if (count === 20_000) break;
      }
      return count;
    });
    expect(read).to.equal(20_000);
    // 20 MB read; the server is held to a few windows ahead of the reader.
    expect(written - 20_000 * 1015, "bytes the server got ahead of the reader").to.be.lessThan(16 * 2 ** 20);
    expect(heapGrowthMb).to.be.lessThan(64);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(cancelled, "the break sent RST_STREAM(CANCEL)").to.equal(true);
  });

  it("10,000 tiny messages in one DATA frame: all read, in order", async () => {
    handler = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(Buffer.concat(Array.from({ length: 10_000 }, (_, index) => grpcFrame({ i: index }))));
    };
    let expected = 0;
    for await (const reply of client.list({}, { timeoutMs: 10_000 })) expect(reply).to.deep.equal({ i: expected++ });
    expect(expected).to.equal(10_000);
  });

  it("a corrupt gzip response message is INTERNAL, naming the compression layer", async () => {
    handler = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-encoding": "gzip" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      const garbage = Buffer.from("1f8b08000000000000ffdeadbeefdeadbeef", "hex");
      const header = Buffer.from([1, 0, 0, 0, garbage.length]);
      stream.end(Buffer.concat([header, garbage]));
    };
    const error = await rejection(client.echo({}, { timeoutMs: 5000 }));
    expect(error.code, error.statusMessage).to.equal(Code.Internal);
    expect(error.statusMessage).to.match(/^(compression|pipeline): /);
  });
});

describe("hostile: a raw server flooding control frames against the client", function () {
  this.timeout(30_000);
  for (const [name, frame] of [
    ["PING", () => pingFrame()],
    ["SETTINGS", () => settingsFrame([[4, 65_535]])],
  ] as const)
    it(`${name} flood (100,000 frames) and no answer: the call ends (UNAVAILABLE or DEADLINE_EXCEEDED), nothing hangs`, async () => {
      const sockets: net.Socket[] = [];
      const server = net.createServer((socket) => {
        sockets.push(socket);
        socket.on("error", () => undefined);
        socket.resume();
        socket.write(settingsFrame());
        const batch = Buffer.concat(Array.from({ length: 1000 }, frame));
        let sent = 0;
        const pump = () => {
          while (sent < 100 && !socket.destroyed) {
            sent++;
            if (!socket.write(batch)) return void socket.once("drain", pump);
          }
        };
        pump();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const channel = new Channel(`127.0.0.1:${(server.address() as net.AddressInfo).port}`);
      const client: any = createClient(Echo, channel);
      try {
        const started = performance.now();
        const error = await rejection(client.echo({}, { timeoutMs: 3000 }));
        expect([Code.Unavailable, Code.DeadlineExceeded], `${Code[error.code]}: ${error.statusMessage}`).to.include(error.code);
        expect(performance.now() - started).to.be.lessThan(6000);
      } finally {
        channel.close();
        for (const socket of sockets) socket.destroy();
        server.close();
      }
    });
});
