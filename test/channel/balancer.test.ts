import { expect } from "chai";
import { Balancer, ConnectivityState, type BalancerOptions, type Target } from "../../src/channel/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { FakeNetwork, type FakeTransport, ipv4Target, settle, sleep } from "./fake-transport.js";

const { Idle, Connecting, Ready, TransientFailure, Shutdown } = ConnectivityState;
const FAST_BACKOFF = { initialBackoffMs: 10, maxBackoffMs: 10, jitter: 0 };

const balancers: Balancer<FakeTransport>[] = [];

function balancer(target: Target, network: FakeNetwork, options: Partial<BalancerOptions<FakeTransport>> = {}): Balancer<FakeTransport> {
  const created = new Balancer<FakeTransport>(target, { connect: network.connect, ...options });
  balancers.push(created);
  return created;
}

async function rejection(value: unknown): Promise<GrpcError> {
  try {
    await value;
  } catch (error) {
    expect(error).to.be.instanceOf(GrpcError);
    return error as GrpcError;
  }
  throw new Error("expected a rejection");
}

describe("channel/balancer", () => {
  afterEach(() => {
    for (const created of balancers.splice(0)) created.close();
  });

  it("starts IDLE and connects only when asked", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network);
    expect(channel.getState()).to.equal(Idle);
    await settle();
    expect(network.attempts).to.have.length(0);
    expect(channel.getState(true)).to.equal(Connecting);
    await settle();
    expect(network.running()).to.deep.equal(["127.0.0.1:1"]);
  });

  it("goes IDLE -> CONNECTING -> READY and picks synchronously once READY", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network);
    const seen: ConnectivityState[] = [];
    const watching = (async () => {
      for (let state = channel.getState(); ; ) {
        seen.push(state);
        if (state === Shutdown) return;
        state = await channel.waitForStateChange(state);
      }
    })();
    const waiting = channel.pick(false);
    expect(waiting).to.be.instanceOf(Promise);
    await settle();
    const transport = network.attempt("127.0.0.1:1").succeed();
    expect(await waiting).to.equal(transport);
    expect(channel.getState()).to.equal(Ready);
    expect(channel.pick(false)).to.equal(transport); // the fast path: no promise
    channel.close();
    await watching;
    expect(seen).to.deep.equal([Idle, Connecting, Ready, Shutdown]);
  });

  it("fails a fail-fast pick in TRANSIENT_FAILURE with the last connection error", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network, { backoff: FAST_BACKOFF });
    const waiting = channel.pick(false);
    await settle();
    network.attempt("127.0.0.1:1").fail("connect: ECONNREFUSED 127.0.0.1:1");
    const error = await rejection(waiting);
    expect([error.code, error.statusMessage]).to.deep.equal([Code.Unavailable, "connect: ECONNREFUSED 127.0.0.1:1"]);
    expect(channel.getState()).to.equal(TransientFailure);
    const again = await rejection(channel.pick(false));
    expect(again.statusMessage).to.equal("connect: ECONNREFUSED 127.0.0.1:1");
  });

  it("keeps a wait-for-ready pick waiting through TRANSIENT_FAILURE until READY", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network, { backoff: FAST_BACKOFF });
    const waiting = channel.pick(true);
    let done = false;
    void (waiting as Promise<FakeTransport>).then(() => (done = true));
    await settle();
    network.attempt("127.0.0.1:1").fail();
    await settle();
    expect(channel.getState()).to.equal(TransientFailure);
    expect(done).to.equal(false);
    // Backoff ends: IDLE, then the queued pick makes the channel resolve and connect again.
    await sleep(30);
    expect(channel.getState()).to.equal(Connecting);
    const transport = network.attempt("127.0.0.1:1").succeed();
    expect(await waiting).to.equal(transport);
  });

  it("fails a queued pick DEADLINE_EXCEEDED at its deadline, naming the last failure", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network, { backoff: { initialBackoffMs: 10_000 } });
    const waiting = channel.pick(true, Date.now() + 30);
    await settle();
    network.attempt("127.0.0.1:1").fail("connect: ECONNREFUSED 127.0.0.1:1");
    const error = await rejection(waiting);
    expect(error.code).to.equal(Code.DeadlineExceeded);
    expect(error.statusMessage).to.equal("deadline: exceeded while waiting for a connection (connect: ECONNREFUSED 127.0.0.1:1)");
  });

  it("names the state when a queued pick's deadline passes before any failure", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network);
    const error = await rejection(channel.pick(false, Date.now() + 20));
    expect(error.code).to.equal(Code.DeadlineExceeded);
    expect(error.statusMessage).to.equal(
      "deadline: exceeded while waiting for a connection (connect: no connection to 127.0.0.1:1 yet (state CONNECTING))",
    );
  });

  it("fails a queued pick when its signal aborts: the GrpcError reason as it is, else CANCELLED", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network);
    const controller = new AbortController();
    const waiting = channel.pick(true, undefined, controller.signal);
    controller.abort();
    const error = await rejection(waiting);
    expect([error.code, error.statusMessage]).to.deep.equal([Code.Cancelled, "cancelled: the call's signal aborted"]);
    const reason = new GrpcError(Code.DeadlineExceeded, "parent deadline");
    const second = new AbortController();
    const queued = channel.pick(true, undefined, second.signal);
    second.abort(reason);
    expect(await rejection(queued)).to.equal(reason);
    const aborted = new AbortController();
    aborted.abort();
    expect(await rejection(channel.pick(true, undefined, aborted.signal))).to.have.property("code", Code.Cancelled);
    // The aborted picks left the queue: a connection now goes to nobody and nothing throws.
    await settle();
    network.attempt("127.0.0.1:1").succeed();
    expect(channel.getState()).to.equal(Ready);
  });

  it("hands a new connection to every queued pick, in order", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network);
    const picks = [channel.pick(false), channel.pick(true), channel.pick(false)];
    await settle();
    const transport = network.attempt("127.0.0.1:1").succeed();
    expect(await Promise.all(picks)).to.deep.equal([transport, transport, transport]);
  });

  it("opens another connection when the ready one is at capacity", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network);
    channel.getState(true);
    await settle();
    const first = network.attempt("127.0.0.1:1").succeed(1);
    expect(channel.pick(false)).to.equal(first);
    first.capacity = 0;
    const waiting = channel.pick(false);
    expect(waiting).to.be.instanceOf(Promise);
    expect(channel.getState()).to.equal(Ready);
    const second = network.attempt("127.0.0.1:1").succeed();
    expect(await waiting).to.equal(second);
  });

  it("goes IDLE when the last connection goes away, and connects again on the next pick", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network);
    channel.getState(true);
    await settle();
    network.attempt("127.0.0.1:1").succeed().goAway();
    expect(channel.getState()).to.equal(Idle);
    const waiting = channel.pick(false);
    expect(channel.getState()).to.equal(Connecting);
    const transport = network.attempt("127.0.0.1:1").succeed();
    expect(await waiting).to.equal(transport);
  });

  it("resolves again after every address failed, keeping the subchannels of known addresses", async () => {
    const network = new FakeNetwork();
    const answers = [[1], [1, 2]];
    let lookups = 0;
    const resolver = async () => (answers[Math.min(lookups++, answers.length - 1)] ?? []).map((port) => ({ host: "127.0.0.1", port }));
    const target: Target = { scheme: "dns", host: "svc.example", port: 1, addresses: [], authority: "svc.example:1", secure: false };
    const channel = balancer(target, network, { resolver, backoff: FAST_BACKOFF });
    const failed = channel.pick(false);
    await settle();
    network.attempt("127.0.0.1:1").fail();
    expect(await rejection(failed)).to.have.property("code", Code.Unavailable);
    expect(lookups).to.equal(1);
    const waiting = channel.pick(true);
    await sleep(30); // backoff over: IDLE, then a new resolution for the queued pick
    expect(lookups).to.equal(2);
    expect(channel.addresses()).to.deep.equal([
      { host: "127.0.0.1", port: 1 },
      { host: "127.0.0.1", port: 2 },
    ]);
    // pick_first tries the known address first, then moves on to the new one.
    network.attempt("127.0.0.1:1").fail();
    const transport = network.attempt("127.0.0.1:2").succeed();
    expect(await waiting).to.equal(transport);
  });

  it("reports a failing resolver UNAVAILABLE and resolves again after resolverRetryMs", async () => {
    const network = new FakeNetwork();
    let lookups = 0;
    const resolver = async () => {
      if (lookups++ === 0) throw new Error("registry down");
      return [{ host: "127.0.0.1", port: 7 }];
    };
    const target: Target = { scheme: "dns", host: "svc.example", port: 1, addresses: [], authority: "svc.example:1", secure: false };
    const channel = balancer(target, network, { resolver, resolverRetryMs: 10 });
    const error = await rejection(channel.pick(false));
    expect([error.code, error.statusMessage]).to.deep.equal([Code.Unavailable, "resolver: registry down"]);
    expect(channel.getState()).to.equal(TransientFailure);
    const waiting = channel.pick(true);
    await sleep(30);
    expect(lookups).to.equal(2);
    const transport = network.attempt("127.0.0.1:7").succeed();
    expect(await waiting).to.equal(transport);
  });

  it("passes a resolver's GrpcError through as it is", async () => {
    const network = new FakeNetwork();
    const target: Target = { scheme: "dns", host: "svc.example", port: 1, addresses: [], authority: "svc.example:1", secure: false };
    const channel = balancer(target, network, {
      resolver: () => {
        throw new GrpcError(Code.Unavailable, "DNS: nope");
      },
    });
    const error = await rejection(channel.pick(false));
    expect([error.code, error.statusMessage]).to.deep.equal([Code.Unavailable, "DNS: nope"]);
  });

  it("on close fails queued picks, closes connections, cancels attempts, and throws on later picks", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1, 2), network, { loadBalancingPolicy: "round_robin" });
    const waiting = channel.pick(true);
    await settle();
    const transport = network.attempt("127.0.0.1:1").succeed(0);
    const attempt = network.attempt("127.0.0.1:2");
    channel.close();
    const error = await rejection(waiting);
    expect([error.code, error.statusMessage]).to.deep.equal([Code.Unavailable, "channel: closed"]);
    expect(transport.closed).to.equal(true);
    expect(attempt.cancelled).to.equal(true);
    expect(channel.getState()).to.equal(Shutdown);
    expect(() => channel.pick(false)).to.throw(GrpcError, "channel: closed");
    channel.getState(true);
    expect(channel.getState()).to.equal(Shutdown);
  });

  it("follows the keepalive period, doubled after too_many_pings", async () => {
    const network = new FakeNetwork();
    const channel = balancer(ipv4Target(1), network, { keepaliveTimeMs: 30 });
    expect(channel.keepaliveTimeMs()).to.equal(30);
    channel.getState(true);
    await settle();
    network.attempt("127.0.0.1:1").succeed().tooManyPings();
    expect(channel.keepaliveTimeMs()).to.equal(60);
    expect(balancer(ipv4Target(1), network).keepaliveTimeMs()).to.equal(undefined);
  });

  it("rejects an unknown load balancing policy", () => {
    expect(() => balancer(ipv4Target(1), new FakeNetwork(), { loadBalancingPolicy: "random" as "pick_first" })).to.throw(
      TypeError,
      'channel: unknown load balancing policy "random"',
    );
  });
});
