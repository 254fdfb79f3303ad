import { expect } from "chai";
import { type Address, Balancer, ConnectivityState } from "../../src/channel/index.js";
import { PickFirst } from "../../src/channel/pick-first.js";
import { FakeNetwork, type FakeTransport, ipv4Target, settle, sleep } from "./fake-transport.js";

const { Idle, Connecting, Ready, TransientFailure } = ConnectivityState;

describe("channel/pick-first", () => {
  const balancers: Balancer<FakeTransport>[] = [];
  afterEach(() => {
    for (const created of balancers.splice(0)) created.close();
  });

  async function start(...ports: number[]) {
    const network = new FakeNetwork();
    const channel = new Balancer<FakeTransport>(ipv4Target(...ports), {
      connect: network.connect,
      backoff: { initialBackoffMs: 20, maxBackoffMs: 20, jitter: 0 },
    });
    balancers.push(channel);
    const waiting = channel.pick(true);
    await settle();
    return { network, channel, waiting };
  }

  it("tries one address at a time, in resolver order", async () => {
    const { network } = await start(1, 2, 3);
    expect(network.running()).to.deep.equal(["127.0.0.1:1"]);
  });

  it("moves on to the next address after a failure, and the channel stays CONNECTING", async () => {
    const { network, channel, waiting } = await start(1, 2, 3);
    network.attempt("127.0.0.1:1").fail();
    expect(network.running()).to.deep.equal(["127.0.0.1:2"]);
    expect(channel.getState()).to.equal(Connecting);
    network.attempt("127.0.0.1:2").fail();
    const third = network.attempt("127.0.0.1:3").succeed();
    expect(await waiting).to.equal(third);
    expect(channel.getState()).to.equal(Ready);
  });

  it("sends every call to the first READY address", async () => {
    const { network, channel, waiting } = await start(1, 2);
    const first = network.attempt("127.0.0.1:1").succeed();
    expect(await waiting).to.equal(first);
    expect(network.running()).to.deep.equal([]); // no attempt to the second address
    for (let i = 0; i < 4; i++) expect(channel.pick(false)).to.equal(first);
  });

  it("is TRANSIENT_FAILURE once every address failed, and IDLE again after the backoff", async () => {
    const { network, channel } = await start(1, 2);
    network.attempt("127.0.0.1:1").fail();
    network.attempt("127.0.0.1:2").fail();
    expect(channel.getState()).to.equal(TransientFailure);
    const seen = await channel.waitForStateChange(TransientFailure);
    // The queued wait-for-ready pick takes the channel back to connecting at once.
    expect([Idle, Connecting]).to.include(seen);
    await sleep(30);
    expect(channel.getState()).to.equal(Connecting);
    expect(network.running()).to.deep.equal(["127.0.0.1:1"]);
  });

  it("skips an address still in backoff", async () => {
    const network = new FakeNetwork();
    const channel = new Balancer<FakeTransport>(ipv4Target(1, 2), {
      connect: network.connect,
      backoff: { initialBackoffMs: 10_000, jitter: 0 },
    });
    balancers.push(channel);
    channel.getState(true);
    await settle();
    network.attempt("127.0.0.1:1").fail();
    const second = network.attempt("127.0.0.1:2").succeed();
    second.goAway();
    expect(channel.getState()).to.equal(Idle);
    const waiting = channel.pick(false);
    expect(network.running()).to.deep.equal(["127.0.0.1:2"]);
    const again = network.attempt("127.0.0.1:2").succeed();
    expect(await waiting).to.equal(again);
  });

  describe("shuffleAddressList (gRFC A62)", () => {
    const control = { exitIdle: () => {} };
    const addresses: Address[] = [1, 2, 3, 4].map((port) => ({ host: "127.0.0.1", port }));
    const key = (list: readonly Address[]) => list.map((address) => ("port" in address ? address.port : 0)).join("");

    /** Pearson's chi-square of `samples` orderings against the uniform distribution over 4! = 24. */
    function chiSquare(order: (list: readonly Address[]) => readonly Address[], samples: number): number {
      const counts = new Map<string, number>();
      for (let i = 0; i < samples; i++) {
        const ordered = key(order(addresses));
        counts.set(ordered, (counts.get(ordered) ?? 0) + 1);
      }
      const expected = samples / 24;
      let sum = 0;
      for (const count of counts.values()) sum += (count - expected) ** 2 / expected;
      return sum + (24 - counts.size) * expected; // permutations never seen
    }

    // 23 degrees of freedom: mean 23, standard deviation 6.8. A uniform shuffle stays under 100
    // except with a probability below 1e-10; the classic biased shuffle (swap with any index)
    // lands in the hundreds at this sample size, which the second test checks.
    const BOUND = 100;
    const SAMPLES = 24_000;

    it("orders every permutation about equally often (chi-square)", () => {
      const policy = new PickFirst(control, { shuffleAddressList: true });
      expect(chiSquare((list) => policy.orderAddresses(list), SAMPLES)).to.be.below(BOUND);
    });

    it("the bound would catch a biased shuffle", () => {
      const biased = (list: readonly Address[]) => {
        const copy = list.slice();
        for (let i = 0; i < copy.length; i++) {
          const j = Math.floor(Math.random() * copy.length);
          [copy[i], copy[j]] = [copy[j]!, copy[i]!];
        }
        return copy;
      };
      expect(chiSquare(biased, SAMPLES)).to.be.above(BOUND);
    });

    it("is a Fisher-Yates shuffle of a copy, driven by the random source", () => {
      const policy = new PickFirst(control, { shuffleAddressList: true }, () => 0);
      const input = addresses.slice();
      expect(key(policy.orderAddresses(input))).to.equal("2341");
      expect(key(input)).to.equal("1234");
      expect(key(new PickFirst(control, {}, () => 0).orderAddresses(input))).to.equal("1234");
    });

    it("tries a shuffled address first, so channels spread over the backends", async () => {
      const firsts = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const network = new FakeNetwork();
        const channel = new Balancer<FakeTransport>(ipv4Target(1, 2, 3), {
          connect: network.connect,
          loadBalancingConfig: [{ pick_first: { shuffleAddressList: true } }],
        });
        balancers.push(channel);
        channel.getState(true);
        await settle();
        const running = network.running();
        expect(running).to.have.length(1);
        firsts.add(running[0]!);
        expect(channel.addresses()).to.have.length(3);
      }
      // All 30 on one address has a probability of 3 x (1/3)^30.
      expect(firsts.size).to.be.above(1);
    });

    it("keeps resolver order without the option", async () => {
      const { network } = await start(1, 2, 3);
      expect(network.running()).to.deep.equal(["127.0.0.1:1"]);
    });
  });
});
