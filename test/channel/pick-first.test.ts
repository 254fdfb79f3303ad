import { expect } from "chai";
import { Balancer, ConnectivityState } from "../../src/channel/index.js";
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
});
