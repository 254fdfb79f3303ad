// The tsgrpc benchmark client (bench/run-unary-client runs its `unary` mode): the same calls as
// bench/grpc-js/client.ts, through a Channel and createClient. BENCH_TSGRPC_RETRY=1 gives the channel a
// service config with a retryPolicy for grpc.testing.TestService (no call fails, so none is retried),
// to measure what retries cost when unused (issue 15).
import { Channel, createClient, type ChannelOptions, type Client } from "../../src/index.js";
import { runClientMain, type BenchClient, type PingPong } from "../lib/client-driver.js";
import { zeroBody } from "../lib/proto.js";
import { loadTestService, type BenchTestService } from "./test-service.js";

/** An AsyncIterable fed by push(): the request side of a ping-pong call. */
class RequestQueue<T> implements AsyncIterable<T> {
  private readonly queued: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;

  push(value: T): void {
    const waiting = this.waiting;
    if (waiting === undefined) this.queued.push(value);
    else {
      this.waiting = undefined;
      waiting({ value, done: false });
    }
  }

  end(): void {
    this.ended = true;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.queued.length > 0) return Promise.resolve({ value: this.queued.shift()!, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }
}

class TsgrpcClient implements BenchClient {
  private readonly unaryRequests = new Map<number, object>();

  constructor(
    private readonly channel: Channel,
    private readonly client: Client<BenchTestService>,
  ) {}

  async emptyCall(): Promise<void> {
    await this.client.emptyCall({});
  }

  async unaryCall(size: number): Promise<void> {
    let request = this.unaryRequests.get(size);
    if (request === undefined) this.unaryRequests.set(size, (request = { payload: { body: zeroBody(size) } }));
    await this.client.unaryCall(request);
  }

  async serverStream(count: number): Promise<number> {
    const request = { responseParameters: Array.from({ length: count }, () => ({ size: 1024 })) };
    let received = 0;
    for await (const _ of this.client.streamingOutputCall(request) as AsyncIterable<unknown>) received++;
    return received;
  }

  async clientStream(count: number): Promise<void> {
    const request = { payload: { body: zeroBody(1024) } };
    async function* requests(): AsyncIterable<object> {
      for (let i = 0; i < count; i++) yield request;
    }
    await this.client.streamingInputCall(requests());
  }

  async bidiStream(count: number): Promise<number> {
    const request = { responseParameters: [{ size: 1024 }] };
    async function* requests(): AsyncIterable<object> {
      for (let i = 0; i < count; i++) yield request;
    }
    let received = 0;
    for await (const _ of this.client.fullDuplexCall(requests()) as AsyncIterable<unknown>) received++;
    return received;
  }

  async openPingPong(size: number): Promise<PingPong> {
    const request = { responseParameters: [{ size }], payload: { body: zeroBody(size) } };
    const requests = new RequestQueue<object>();
    const responses = (this.client.fullDuplexCall(requests) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    return {
      roundTrip: async () => {
        requests.push(request);
        const { done } = await responses.next();
        if (done) throw new Error("tsgrpc: ping-pong stream ended early");
      },
      close: async () => {
        requests.end();
        while (!(await responses.next()).done);
      },
    };
  }

  close(): void {
    this.channel.close();
  }
}

/** A retry policy for every TestService method that the benchmark's calls never trigger. */
const UNUSED_RETRY_CONFIG: ChannelOptions["serviceConfig"] = {
  methodConfig: [
    {
      name: [{ service: "grpc.testing.TestService" }],
      retryPolicy: {
        maxAttempts: 3,
        initialBackoff: "0.1s",
        maxBackoff: "1s",
        backoffMultiplier: 2,
        retryableStatusCodes: ["UNAVAILABLE"],
      },
    },
  ],
};

await runClientMain("tsgrpc", async (target) => {
  const channel = new Channel(target, process.env.BENCH_TSGRPC_RETRY === "1" ? { serviceConfig: UNUSED_RETRY_CONFIG } : {});
  return new TsgrpcClient(channel, createClient(await loadTestService(), channel));
});
