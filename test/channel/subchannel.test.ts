import { expect } from "chai";
import { ConnectivityState, Subchannel, type SubchannelOptions } from "../../src/channel/index.js";
import { Code } from "../../src/status/index.js";
import { FakeNetwork, FakeTransport, sleep } from "./fake-transport.js";

const { Idle, Connecting, Ready, TransientFailure, Shutdown } = ConnectivityState;

function subchannel(network: FakeNetwork, options: Partial<SubchannelOptions<FakeTransport>> = {}) {
  const states: ConnectivityState[] = [];
  let changes = 0;
  const created: Subchannel<FakeTransport> = new Subchannel<FakeTransport>(
    { host: "127.0.0.1", port: 1 },
    { connect: network.connect, backoff: { initialBackoffMs: 10, maxBackoffMs: 10, jitter: 0 }, ...options },
    {
      subchannelChanged: () => {
        changes++;
        if (states[states.length - 1] !== created.state) states.push(created.state);
      },
    },
  );
  return { created, states, changes: () => changes };
}

describe("channel/subchannel", () => {
  it("connects on demand: IDLE -> CONNECTING -> READY, and picks the connection", () => {
    const network = new FakeNetwork();
    const { created, states } = subchannel(network);
    expect(created.pick()).to.equal(undefined);
    expect(created.state).to.equal(Connecting);
    const transport = network.attempt("127.0.0.1:1").succeed();
    expect(created.pick()).to.equal(transport);
    expect(states).to.deep.equal([Connecting, Ready]);
    created.shutdown();
  });

  it("runs one attempt at a time", () => {
    const network = new FakeNetwork();
    const { created } = subchannel(network);
    created.connect();
    created.connect();
    expect(created.pick()).to.equal(undefined);
    expect(network.attempts).to.have.length(1);
    created.shutdown();
  });

  it("after a failure waits out the backoff in TRANSIENT_FAILURE, then goes IDLE", async () => {
    const network = new FakeNetwork();
    const { created, states } = subchannel(network);
    created.connect();
    network.attempt("127.0.0.1:1").fail("connect: ECONNREFUSED 127.0.0.1:1");
    expect(created.state).to.equal(TransientFailure);
    expect(created.lastError?.statusMessage).to.equal("connect: ECONNREFUSED 127.0.0.1:1");
    created.connect(); // ignored during backoff
    expect(network.attempts).to.have.length(1);
    await sleep(30);
    expect(states).to.deep.equal([Connecting, TransientFailure, Idle]);
    created.connect();
    network.attempt("127.0.0.1:1").succeed();
    expect(created.lastError).to.equal(undefined);
    created.shutdown();
  });

  it("gives an attempt the backoff's connect timeout, then fails it and cancels it", async () => {
    const network = new FakeNetwork();
    const { created } = subchannel(network, { backoff: { initialBackoffMs: 15, minConnectTimeoutMs: 15, jitter: 0 } });
    created.connect();
    await sleep(40);
    expect(network.attempts[0]!.cancelled).to.equal(true);
    expect(created.lastError?.code).to.equal(Code.Unavailable);
    expect(created.lastError?.statusMessage).to.equal("connect: no connection to 127.0.0.1:1 within 15 ms");
    created.shutdown();
  });

  it("opens another connection when every open one is at capacity, and stays READY if it fails", () => {
    const network = new FakeNetwork();
    const { created, states, changes } = subchannel(network);
    created.connect();
    const first = network.attempt("127.0.0.1:1").succeed(0);
    expect(created.pick()).to.equal(undefined);
    const before = changes();
    network.attempt("127.0.0.1:1").fail();
    expect(created.state).to.equal(Ready);
    expect(changes()).to.equal(before + 1); // the balancer still hears of it
    first.capacity = 1;
    expect(created.pick()).to.equal(first);
    expect(states).to.deep.equal([Connecting, Ready]);
    created.shutdown();
  });

  it("goes IDLE when its last connection goes away", () => {
    const network = new FakeNetwork();
    const { created } = subchannel(network);
    created.connect();
    const first = network.attempt("127.0.0.1:1").succeed(0);
    created.pick(); // a second connection
    const second = network.attempt("127.0.0.1:1").succeed();
    first.goAway();
    expect(created.state).to.equal(Ready);
    first.goAway(); // reported twice: ignored
    second.goAway();
    expect(created.state).to.equal(Idle);
    created.shutdown();
  });

  it("doubles the keepalive period after too_many_pings, and keeps 'off' off", () => {
    const network = new FakeNetwork();
    const { created } = subchannel(network, { keepaliveTimeMs: 100 });
    created.tooManyPings();
    created.tooManyPings();
    expect(created.keepaliveTimeMs).to.equal(400);
    const off = subchannel(network).created;
    off.tooManyPings();
    expect(off.keepaliveTimeMs).to.equal(undefined);
  });

  it("shutdown cancels the attempt, closes connections and never leaves SHUTDOWN", () => {
    const network = new FakeNetwork();
    const { created, states } = subchannel(network);
    created.connect();
    const transport = network.attempt("127.0.0.1:1").succeed(0);
    created.pick();
    const attempt = network.attempt("127.0.0.1:1");
    created.shutdown();
    expect(attempt.cancelled).to.equal(true);
    expect(transport.closed).to.equal(true);
    created.connect();
    expect(network.attempts).to.have.length(2);
    expect(states).to.deep.equal([Connecting, Ready, Shutdown]);
  });

  it("closes a connection that arrives after shutdown", () => {
    const network = new FakeNetwork();
    const { created } = subchannel(network);
    const late = new FakeTransport("127.0.0.1:1", created);
    created.shutdown();
    created.connected(late);
    expect(late.closed).to.equal(true);
    expect(created.state).to.equal(Shutdown);
  });
});
