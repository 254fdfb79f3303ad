import { expect } from "chai";
import {
  Balancer,
  ConnectivityState,
  ServingStatus,
  type BalancerOptions,
  type HealthWatchListener,
  type LoadBalancingConfigEntry,
} from "../../src/channel/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { FakeNetwork, type FakeTransport, ipv4Target, settle, sleep } from "./fake-transport.js";

const { Connecting, Ready, TransientFailure } = ConnectivityState;

/** One fake Watch call: the test plays the server through `listener`. */
interface FakeWatchCall {
  transport: FakeTransport;
  serviceName: string;
  listener: HealthWatchListener;
  cancelled: boolean;
}

describe("channel: client-side health checking (gRFC A17)", () => {
  const balancers: Balancer<FakeTransport>[] = [];
  afterEach(() => {
    for (const created of balancers.splice(0)) created.close();
  });

  async function start(
    ports: number[],
    policy: LoadBalancingConfigEntry = { round_robin: {} },
    extra: Partial<BalancerOptions<FakeTransport>> = {},
  ) {
    const network = new FakeNetwork();
    const calls: FakeWatchCall[] = [];
    const logged: string[] = [];
    const channel = new Balancer<FakeTransport>(ipv4Target(...ports), {
      connect: network.connect,
      loadBalancingConfig: [policy],
      backoff: { initialBackoffMs: 10, maxBackoffMs: 10, jitter: 0 },
      healthCheck: {
        serviceName: "test.Probe",
        watch: (transport, serviceName, listener) => {
          const call: FakeWatchCall = { transport, serviceName, listener, cancelled: false };
          calls.push(call);
          return { cancel: () => (call.cancelled = true) };
        },
        backoff: { initialBackoffMs: 300, maxBackoffMs: 300, jitter: 0 },
        log: (message) => logged.push(message),
      },
      ...extra,
    });
    balancers.push(channel);
    channel.getState(true);
    await settle();
    const transports = ports.map((port) => network.attempt(`127.0.0.1:${port}`).succeed());
    /** The running (not cancelled) watch call on `transport`. */
    const watchOf = (transport: FakeTransport) => {
      const running = calls.filter((call) => call.transport === transport && !call.cancelled);
      expect(running, "running watch calls").to.have.length(1);
      return running[0]!;
    };
    return { network, channel, transports, calls, logged, watchOf };
  }

  const picks = (channel: Balancer<FakeTransport>, count = 12) => new Set(Array.from({ length: count }, () => channel.pick(false)));

  it("opens a Watch call for the service on each connection and stays CONNECTING until the first answer", async () => {
    const { channel, transports, calls, watchOf } = await start([1, 2]);
    expect(calls.map((call) => [call.transport, call.serviceName])).to.deep.equal([
      [transports[0], "test.Probe"],
      [transports[1], "test.Probe"],
    ]);
    expect(channel.getState()).to.equal(Connecting);
    const waiting = channel.pick(false);
    expect(waiting).to.be.instanceOf(Promise);
    watchOf(transports[1]!).listener.onHealthStatus(ServingStatus.Serving);
    expect(await waiting).to.equal(transports[1]);
    expect(channel.getState()).to.equal(Ready);
  });

  it("takes an address out while NOT_SERVING (or UNKNOWN / SERVICE_UNKNOWN) and back when SERVING", async () => {
    const { channel, transports, watchOf } = await start([1, 2]);
    for (const transport of transports) watchOf(transport).listener.onHealthStatus(ServingStatus.Serving);
    expect(picks(channel)).to.deep.equal(new Set(transports));
    for (const status of [ServingStatus.NotServing, ServingStatus.Unknown, ServingStatus.ServiceUnknown]) {
      watchOf(transports[0]!).listener.onHealthStatus(status);
      expect(picks(channel)).to.deep.equal(new Set([transports[1]]));
    }
    watchOf(transports[0]!).listener.onHealthStatus(ServingStatus.Serving);
    expect(picks(channel)).to.deep.equal(new Set(transports));
  });

  it("is TRANSIENT_FAILURE when no address is SERVING: fail-fast calls fail UNAVAILABLE", async () => {
    const { channel, transports, watchOf } = await start([1, 2]);
    for (const transport of transports) watchOf(transport).listener.onHealthStatus(ServingStatus.NotServing);
    expect(channel.getState()).to.equal(TransientFailure);
    try {
      await channel.pick(false);
      expect.fail("the pick should fail");
    } catch (error) {
      expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Unavailable);
    }
    const waiting = channel.pick(true); // wait-for-ready waits for SERVING
    watchOf(transports[1]!).listener.onHealthStatus(ServingStatus.Serving);
    expect(await waiting).to.equal(transports[1]);
  });

  it("treats UNIMPLEMENTED as healthy, stops checking that address and logs it", async () => {
    const { channel, transports, calls, logged, watchOf } = await start([1]);
    watchOf(transports[0]!).listener.onHealthEnd(new GrpcError(Code.Unimplemented, "unknown service grpc.health.v1.Health"));
    expect(channel.getState()).to.equal(Ready);
    expect(channel.pick(false)).to.equal(transports[0]);
    expect(logged).to.have.length(1);
    expect(logged[0]).to.match(/^health: 127\.0\.0\.1:1 does not implement grpc\.health\.v1\.Health\/Watch .*health checking is off/);
    await sleep(400); // longer than the health backoff (300 ms)
    expect(calls).to.have.length(1); // never retried
  });

  it("retries a failed Watch call after the backoff, TRANSIENT_FAILURE meanwhile", async () => {
    const { channel, transports, calls, watchOf } = await start([1]);
    const first = watchOf(transports[0]!);
    first.cancelled = true; // the fake call is over
    first.listener.onHealthEnd(new GrpcError(Code.Unavailable, "stream reset"));
    expect(channel.getState()).to.equal(TransientFailure);
    await sleep(5);
    expect(calls).to.have.length(1); // still in backoff (300 ms)
    for (let i = 0; i < 300 && calls.length < 2; i++) await sleep(10);
    expect(calls).to.have.length(2);
    expect(channel.getState()).to.equal(Connecting);
    watchOf(transports[0]!).listener.onHealthStatus(ServingStatus.Serving);
    expect(channel.getState()).to.equal(Ready);
  });

  it("retries at once after a call that got an answer", async () => {
    const { transports, calls, watchOf } = await start([1]);
    const first = watchOf(transports[0]!);
    first.listener.onHealthStatus(ServingStatus.Serving);
    first.cancelled = true; // the fake call is over
    first.listener.onHealthEnd(new GrpcError(Code.Unavailable, "stream reset"));
    await sleep(1);
    expect(calls).to.have.length(2);
  });

  it("cancels the Watch call when its connection goes, and watches the next connection", async () => {
    const { network, channel, transports, calls, watchOf } = await start([1]);
    const first = watchOf(transports[0]!);
    first.listener.onHealthStatus(ServingStatus.Serving);
    transports[0]!.goAway();
    expect(first.cancelled).to.equal(true);
    channel.getState(true);
    const again = network.attempt("127.0.0.1:1").succeed();
    expect(calls).to.have.length(2);
    expect(channel.getState()).to.equal(Connecting); // the new connection waits for its first answer
    watchOf(again).listener.onHealthStatus(ServingStatus.Serving);
    expect(channel.getState()).to.equal(Ready);
  });

  it("cancels every Watch call when the channel closes", async () => {
    const { channel, calls } = await start([1, 2]);
    channel.close();
    expect(calls.every((call) => call.cancelled)).to.equal(true);
  });

  it("is ignored by pick_first (A17)", async () => {
    const { channel, transports, calls } = await start([1], { pick_first: {} });
    expect(calls).to.have.length(0);
    expect(channel.pick(false)).to.equal(transports[0]);
  });

  it("works under outlier detection wrapping round_robin", async () => {
    const { channel, transports, watchOf } = await start([1, 2], {
      outlier_detection_experimental: { failurePercentageEjection: {}, childPolicy: [{ round_robin: {} }] },
    });
    watchOf(transports[0]!).listener.onHealthStatus(ServingStatus.NotServing);
    watchOf(transports[1]!).listener.onHealthStatus(ServingStatus.Serving);
    expect(picks(channel)).to.deep.equal(new Set([transports[1]]));
  });
});
