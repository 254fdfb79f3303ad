import { expect } from "chai";
import { Balancer, ConnectivityState } from "../../src/channel/index.js";
import { FakeNetwork, type FakeTransport, ipv4Target, settle } from "./fake-transport.js";

const { Connecting, Ready, TransientFailure } = ConnectivityState;

describe("channel/round-robin", () => {
  const balancers: Balancer<FakeTransport>[] = [];
  afterEach(() => {
    for (const created of balancers.splice(0)) created.close();
  });

  async function start(...ports: number[]) {
    const network = new FakeNetwork();
    const channel = new Balancer<FakeTransport>(ipv4Target(...ports), {
      connect: network.connect,
      loadBalancingPolicy: "round_robin",
      backoff: { initialBackoffMs: 10_000, jitter: 0 },
    });
    balancers.push(channel);
    channel.getState(true);
    await settle();
    return { network, channel };
  }

  it("connects to every address at once", async () => {
    const { network } = await start(1, 2, 3);
    expect(network.running()).to.deep.equal(["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"]);
  });

  it("is READY as soon as one subchannel is, and rotates over the READY ones", async () => {
    const { network, channel } = await start(1, 2, 3);
    const second = network.attempt("127.0.0.1:2").succeed();
    expect(channel.getState()).to.equal(Ready);
    expect([channel.pick(false), channel.pick(false)]).to.deep.equal([second, second]);
    const first = network.attempt("127.0.0.1:1").succeed();
    const third = network.attempt("127.0.0.1:3").succeed();
    const picks = Array.from({ length: 6 }, () => channel.pick(false));
    const order = picks.map((transport) => [first, second, third].indexOf(transport as FakeTransport));
    // Each in turn: every address once per round, the same order in both rounds.
    expect([...order.slice(0, 3)].sort()).to.deep.equal([0, 1, 2]);
    expect(order.slice(3)).to.deep.equal(order.slice(0, 3));
  });

  it("skips a subchannel without capacity", async () => {
    const { network, channel } = await start(1, 2);
    const first = network.attempt("127.0.0.1:1").succeed(0);
    const second = network.attempt("127.0.0.1:2").succeed();
    for (let i = 0; i < 3; i++) expect(channel.pick(false)).to.equal(second);
    first.capacity = 1;
    const picks = [channel.pick(false), channel.pick(false)];
    expect(picks).to.have.members([first, second]);
  });

  it("stays READY while one address fails, and is TRANSIENT_FAILURE only when all have", async () => {
    const { network, channel } = await start(1, 2);
    network.attempt("127.0.0.1:1").fail();
    expect(channel.getState()).to.equal(Connecting);
    const second = network.attempt("127.0.0.1:2").succeed();
    expect(channel.getState()).to.equal(Ready);
    expect(channel.pick(false)).to.equal(second);
    second.goAway();
    // The only connection went away: its subchannel is IDLE, the other in backoff.
    expect(channel.getState()).to.equal(ConnectivityState.Idle);
    const waiting = channel.pick(false);
    network.attempt("127.0.0.1:2").fail();
    expect(channel.getState()).to.equal(TransientFailure);
    expect(await (waiting as Promise<unknown>).catch((error: unknown) => error))
      .to.have.property("statusMessage")
      .that.matches(/^connect: /);
  });

  it("reconnects an address that lost its connection while others are in use", async () => {
    const { network, channel } = await start(1, 2);
    const first = network.attempt("127.0.0.1:1").succeed();
    network.attempt("127.0.0.1:2").succeed();
    first.goAway();
    expect(network.running()).to.deep.equal(["127.0.0.1:1"]);
    const again = network.attempt("127.0.0.1:1").succeed();
    expect(new Set(Array.from({ length: 4 }, () => channel.pick(false)))).to.include(again);
  });

  it("stays IDLE when every address went idle (no reconnect storm)", async () => {
    const { network, channel } = await start(1);
    network.attempt("127.0.0.1:1").succeed().goAway();
    expect(channel.getState()).to.equal(ConnectivityState.Idle);
    expect(network.running()).to.deep.equal([]);
  });
});
