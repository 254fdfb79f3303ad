// A graceful server shutdown never drops a call whose handler ran (RFC 9113 section 6.8, the
// GOAWAY of doc/PROTOCOL-HTTP2.md). With one GOAWAY naming the last stream processed when it was
// queued, node:http2 drops every stream above that id once the frame is sent, even one whose
// handler ran in between; its client, told the call was never processed, retries it elsewhere.
// The server now sends GOAWAY(2^31-1) first and, once that frame is out, the GOAWAY with the real id.
import { expect } from "chai";
import http2 from "node:http2";
import { Channel, Code, createClient, GrpcError } from "../../src/index.js";
import { frame, type Started, startServer } from "../e2e/server-fixtures.js";
import { Probe } from "../e2e/server-fixtures.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("graceful shutdown: two GOAWAYs, no call run and then dropped", function () {
  this.timeout(60_000);
  let started: Started | undefined;

  afterEach(async () => {
    await started?.server.forceShutdown();
    started = undefined;
  });

  it("sends GOAWAY(NO_ERROR, 2^31-1), then GOAWAY(NO_ERROR, last stream started); the call in flight finishes", async () => {
    started = await startServer({
      async echo(request: { sleepMs?: number }) {
        await sleep(request.sleepMs ?? 0);
        return { done: true };
      },
    });
    const session = http2.connect(`http://127.0.0.1:${started.port}`);
    const goaways: [number, number][] = [];
    session.on("goaway", (code: number, lastStreamId: number) => goaways.push([code, lastStreamId]));
    session.on("error", () => {});
    const stream = session.request({ ":method": "POST", ":path": "/test.Probe/Echo", "content-type": "application/grpc", te: "trailers" });
    const trailers = new Promise<http2.IncomingHttpHeaders>((resolve) => stream.on("trailers", resolve));
    stream.on("data", () => {});
    stream.end(frame({ sleepMs: 300 }));
    await sleep(100);
    await started.server.shutdown();
    expect((await trailers)["grpc-status"]).to.equal("0");
    // node 20 and 22 send 2^31-1 as asked and repeat the last GOAWAY when the connection closes;
    // node 24 lowers the first GOAWAY's id to the last stream it received (1 here), and does not repeat.
    const lowersFirstId = Number(process.versions.node.split(".")[0]) >= 24;
    expect(goaways.slice(0, 2)).to.deep.equal([
      [http2.constants.NGHTTP2_NO_ERROR, lowersFirstId ? 1 : 2 ** 31 - 1],
      [http2.constants.NGHTTP2_NO_ERROR, 1],
    ]);
    for (const repeated of goaways.slice(2)) expect(repeated).to.deep.equal([http2.constants.NGHTTP2_NO_ERROR, 1]);
    session.destroy();
  });

  it("under a steady flow of calls, every call whose handler ran is answered (5 shutdowns)", async () => {
    for (let round = 0; round < 5; round++) {
      const ran: string[] = [];
      started = await startServer({
        echo(request: { id: string }) {
          ran.push(request.id);
          return { id: request.id };
        },
      });
      const channel = new Channel(`127.0.0.1:${started.port}`);
      const client = createClient(Probe, channel);
      const answered = new Set<string>();
      const failures: string[] = [];
      let stop = false;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (!stop) {
          const id = `r${round}-${next++}`;
          try {
            await client.echo!({ id }, { timeoutMs: 20_000 });
            answered.add(id);
          } catch (error) {
            if (!(error instanceof GrpcError) || error.code !== Code.Unavailable) failures.push(`${id}: ${String(error)}`);
            stop = true;
          }
        }
      };
      const workers = Array.from({ length: 32 }, worker);
      while (ran.length < 200 + round * 50) await sleep(5);
      await started.server.shutdown();
      stop = true;
      await Promise.all(workers);
      channel.close();
      expect(failures, "calls that failed other than UNAVAILABLE").to.deep.equal([]);
      expect(
        ran.filter((id) => !answered.has(id)),
        `round ${round}: calls the server ran but never answered`,
      ).to.deep.equal([]);
      started = undefined;
    }
  });

  // Node 24 lowers its first GOAWAY's id to the last stream it received: a stream the client
  // opened while that frame was on its way is refused (never processed). With no retry policy at
  // all, such a call must still not fail: the client retries it transparently (gRFC A6) on the
  // other backend. On node 20 and 22 the first GOAWAY refuses nothing, and the test holds too.
  it("two backends, no retry policy: calls in flight at a graceful shutdown are answered, refused ones retried transparently", async () => {
    const names = ["a", "b"];
    const ran = new Map<string, string[]>(names.map((name) => [name, []]));
    const servers = await Promise.all(
      names.map((name) =>
        startServer({
          echo(request: { id: string }) {
            ran.get(name)!.push(request.id);
            return { id: request.id, backend: name };
          },
        }),
      ),
    );
    const [first, second] = servers as [Started, Started];
    started = second;
    const channel = new Channel(`ipv4:127.0.0.1:${first.port},127.0.0.1:${second.port}`, { loadBalancingPolicy: "round_robin" });
    const client = createClient(Probe, channel);
    const answeredBy = new Map<string, string>();
    const failures: string[] = [];
    let next = 0;
    let shutdownDone = false;
    let afterShutdown = 0;
    try {
      await channel.connect(Date.now() + 10_000);
      const worker = async (): Promise<void> => {
        while (afterShutdown < 300) {
          const id = `c${next++}`;
          try {
            const response = (await client.echo!({ id }, { timeoutMs: 20_000 })) as { id: string; backend: string };
            answeredBy.set(id, response.backend);
          } catch (error) {
            failures.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
          }
          if (shutdownDone) afterShutdown++;
        }
      };
      const workers = Array.from({ length: 32 }, worker);
      while (ran.get("a")!.length < 300) await sleep(5);
      await first.server.shutdown();
      shutdownDone = true;
      await Promise.all(workers);
    } finally {
      channel.close();
      await first.server.forceShutdown();
    }
    expect(failures, "calls that failed").to.deep.equal([]);
    for (const name of names)
      expect(
        ran.get(name)!.filter((id) => answeredBy.get(id) !== name),
        `calls ${name} ran but did not answer`,
      ).to.deep.equal([]);
    expect(answeredBy.size).to.equal(next);
  });
});
