import { expect } from "chai";
import { type Address, Balancer, type BalancerOptions, ConnectivityState, type Target } from "../../src/channel/index.js";
import { FakeNetwork, type FakeTransport, settle, sleep } from "./fake-transport.js";

const { Ready, Connecting, Shutdown } = ConnectivityState;
const target: Target = { scheme: "dns", host: "pods.example", port: 80, addresses: [], authority: "pods.example:80", secure: false };
const at = (...ports: number[]): Address[] => ports.map((port) => ({ host: "10.0.0.1", port }));

describe("channel/balancer: re-resolution on connection loss", () => {
  const balancers: Balancer<FakeTransport>[] = [];
  afterEach(() => {
    for (const created of balancers.splice(0)) created.close();
  });

  /** A round_robin balancer whose resolver answers from `answers` (the last one repeats) and counts its calls. */
  async function start(answers: (Address[] | Error)[], options: Partial<BalancerOptions<FakeTransport>> = {}) {
    const network = new FakeNetwork();
    let resolutions = 0;
    const channel = new Balancer<FakeTransport>(target, {
      connect: network.connect,
      loadBalancingPolicy: "round_robin",
      resolver: async () => {
        const answer = answers[Math.min(resolutions++, answers.length - 1)]!;
        if (answer instanceof Error) throw answer;
        return answer;
      },
      ...options,
    });
    balancers.push(channel);
    const states: ConnectivityState[] = [];
    void (async () => {
      for (let state = channel.getState(); state !== Shutdown; ) {
        state = await channel.waitForStateChange(state);
        states.push(state);
      }
    })();
    channel.getState(true);
    await settle();
    return { network, channel, states, resolutions: () => resolutions };
  }

  it("resolves again when a READY address loses its connection, without leaving READY", async () => {
    const { network, channel, states, resolutions } = await start([at(1, 2)], { minResolveIntervalMs: 0 });
    const first = network.attempt("10.0.0.1:1").succeed();
    network.attempt("10.0.0.1:2").succeed();
    expect(resolutions()).to.equal(1);
    states.length = 0;
    first.goAway();
    await settle();
    expect(resolutions()).to.equal(2);
    expect(channel.getState()).to.equal(Ready);
    expect(states).to.not.include(Connecting);
  });

  it("finds the addresses that appeared behind the name", async () => {
    const { network, channel, resolutions } = await start([at(1, 2), at(1, 2, 3)], { minResolveIntervalMs: 0 });
    const first = network.attempt("10.0.0.1:1").succeed();
    network.attempt("10.0.0.1:2").succeed();
    first.goAway();
    await settle();
    expect(resolutions()).to.equal(2);
    expect(channel.addresses()).to.deep.equal(at(1, 2, 3));
    expect(network.running()).to.include("10.0.0.1:3"); // round_robin connects to the new pod
    const third = network.attempt("10.0.0.1:3").succeed();
    const picked = new Set(Array.from({ length: 6 }, () => channel.pick(false)));
    expect(picked).to.include(third);
  });

  it("drops the addresses that went away", async () => {
    const { network, channel } = await start([at(1, 2), at(2)], { minResolveIntervalMs: 0 });
    const first = network.attempt("10.0.0.1:1").succeed();
    const second = network.attempt("10.0.0.1:2").succeed();
    first.goAway();
    await settle();
    expect(channel.addresses()).to.deep.equal(at(2));
    expect(channel.pick(false)).to.equal(second);
  });

  it("asks at most once per minResolveIntervalMs", async () => {
    const { network, resolutions } = await start([at(1, 2, 3)], { minResolveIntervalMs: 400 });
    const transports = [1, 2, 3].map((port) => network.attempt(`10.0.0.1:${port}`).succeed());
    transports[0]!.goAway();
    transports[1]!.goAway();
    await sleep(20);
    expect(resolutions()).to.equal(1); // the first resolution was just now
    transports[2]!.goAway();
    for (let i = 0; i < 300 && resolutions() < 2; i++) await sleep(10);
    expect(resolutions()).to.equal(2); // one deferred resolution for all three losses
    await sleep(50);
    expect(resolutions()).to.equal(2);
  });

  it("waits 30 s by default", async () => {
    const { network, resolutions } = await start([at(1, 2)]);
    const first = network.attempt("10.0.0.1:1").succeed();
    network.attempt("10.0.0.1:2").succeed();
    first.goAway();
    await sleep(30);
    expect(resolutions()).to.equal(1);
  });

  it("keeps its addresses when the re-resolution fails", async () => {
    const { network, channel, resolutions } = await start([at(1, 2), new Error("SERVFAIL")], { minResolveIntervalMs: 0 });
    const first = network.attempt("10.0.0.1:1").succeed();
    const second = network.attempt("10.0.0.1:2").succeed();
    first.goAway();
    await settle();
    expect(resolutions()).to.equal(2);
    expect(channel.addresses()).to.deep.equal(at(1, 2));
    expect(channel.getState()).to.equal(Ready);
    expect(channel.pick(false)).to.equal(second);
  });

  it("does not resolve again for a failed attempt that never was READY", async () => {
    const { network, resolutions } = await start([at(1, 2)], { minResolveIntervalMs: 0 });
    network.attempt("10.0.0.1:1").fail();
    network.attempt("10.0.0.1:2").succeed();
    await settle();
    expect(resolutions()).to.equal(1);
  });

  it("rejects a negative minResolveIntervalMs", () => {
    expect(() => new Balancer<FakeTransport>(target, { connect: new FakeNetwork().connect, minResolveIntervalMs: -1 })).to.throw(
      RangeError,
      "channel: minResolveIntervalMs must be a number >= 0",
    );
  });
});
