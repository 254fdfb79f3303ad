// grpc.health.v1.Health served by tsgrpc/health: Check, Watch (current status first, every
// change, SERVICE_UNKNOWN and keeps watching, ends at shutdown, no leak when cancelled), List,
// NOT_SERVING before GOAWAY at shutdown, and the channel's own A17 health checking against it.
import { expect } from "chai";
import { Channel, Code, GrpcError, Server, createClient } from "../../src/index.js";
import { HealthService, addHealth, healthV1 } from "../../src/health/index.js";
import { Probe } from "../e2e/server-fixtures.js";

const { SERVING, NOT_SERVING, SERVICE_UNKNOWN, UNKNOWN } = healthV1.HealthCheckResponse_ServingStatus;

async function rejection(promise: Promise<unknown>): Promise<GrpcError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(GrpcError);
    return error as GrpcError;
  }
  expect.fail("expected the call to fail");
}

/** Reads a Watch call one response at a time. */
function watcher(client: ReturnType<typeof createClient<typeof healthV1.Health>>, service: string, signal?: AbortSignal) {
  const iterator = client.watch({ service }, { signal })[Symbol.asyncIterator]();
  return {
    async next(): Promise<number | "end"> {
      const next = await iterator.next();
      return next.done ? "end" : next.value.status;
    },
  };
}

describe("health: the grpc.health.v1.Health service", function () {
  this.timeout(20_000);
  let server: Server;
  let channel: Channel;
  let health: HealthService;
  let client: ReturnType<typeof createClient<typeof healthV1.Health>>;

  beforeEach(async () => {
    server = new Server();
    health = addHealth(server);
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    channel = new Channel(`127.0.0.1:${port}`);
    client = createClient(healthV1.Health, channel);
  });

  afterEach(async () => {
    channel.close();
    await server.forceShutdown();
  });

  it("Check: the server as a whole starts SERVING; a set status; NOT_FOUND for an unknown service", async () => {
    expect(await client.check({})).to.deep.equal({ status: SERVING });
    health.set("a.B", "NOT_SERVING");
    expect(await client.check({ service: "a.B" })).to.deep.equal({ status: NOT_SERVING });
    health.set("a.B", "UNKNOWN");
    expect(await client.check({ service: "a.B" })).to.deep.equal({ status: UNKNOWN });
    const error = await rejection(client.check({ service: "x.Y" }));
    expect(error.code).to.equal(Code.NotFound);
    expect(error.message).to.include('health: unknown service "x.Y"');
    health.clear("a.B");
    expect((await rejection(client.check({ service: "a.B" }))).code).to.equal(Code.NotFound);
  });

  it("Watch: the current status first, then every change (once each)", async () => {
    health.set("w", "SERVING");
    const watch = watcher(client, "w");
    expect(await watch.next()).to.equal(SERVING);
    health.set("w", "SERVING"); // no change: nothing sent
    health.set("w", "NOT_SERVING");
    expect(await watch.next()).to.equal(NOT_SERVING);
    health.set("w", "SERVING");
    expect(await watch.next()).to.equal(SERVING);
  });

  it("Watch: SERVICE_UNKNOWN for an unknown service, and keeps watching until it gets a status", async () => {
    const watch = watcher(client, "later");
    expect(await watch.next()).to.equal(SERVICE_UNKNOWN);
    health.set("later", "SERVING");
    expect(await watch.next()).to.equal(SERVING);
    health.clear("later");
    expect(await watch.next()).to.equal(SERVICE_UNKNOWN);
  });

  it("a cancelled Watch leaves no watcher behind", async () => {
    const controller = new AbortController();
    const watch = watcher(client, "", controller.signal);
    expect(await watch.next()).to.equal(SERVING);
    controller.abort();
    await rejection(watch.next());
    // The server notices the cancellation: with no watcher left, shutdown() has nothing to wait for
    // (with one, it waits up to 1 s for it to take its last status).
    for (let attempt = 0; attempt < 10; attempt++) {
      const started = Date.now();
      await health.shutdown();
      if (Date.now() - started < 500) return;
      health.resume();
    }
    expect.fail("the cancelled Watch call still holds a watcher");
  });

  it("List: every status; RESOURCE_EXHAUSTED past maxListServices", async () => {
    health.set("a", "NOT_SERVING");
    expect(await client.list({})).to.deep.equal({ statuses: { "": { status: SERVING }, a: { status: NOT_SERVING } } });
    const small = new HealthService({ statuses: { a: "SERVING", b: "SERVING" }, maxListServices: 1 });
    const other = new Server();
    other.add(healthV1.Health, small.implementation);
    const { port } = await other.listen({ host: "127.0.0.1", port: 0 });
    const otherChannel = new Channel(`127.0.0.1:${port}`);
    try {
      const error = await rejection(createClient(healthV1.Health, otherChannel).list({}));
      expect(error.code).to.equal(Code.ResourceExhausted);
      expect(error.message).to.include("maxListServices 1");
    } finally {
      otherChannel.close();
      await other.forceShutdown();
    }
  });

  it("shutdown: every status NOT_SERVING, Watch calls hear it and end, before the server closes", async () => {
    health.set("s", "SERVING");
    const whole = watcher(client, "");
    const one = watcher(client, "s");
    expect(await whole.next()).to.equal(SERVING);
    expect(await one.next()).to.equal(SERVING);
    const closing = server.shutdown();
    expect(await whole.next()).to.equal(NOT_SERVING);
    expect(await one.next()).to.equal(NOT_SERVING);
    expect(await whole.next()).to.equal("end");
    expect(await one.next()).to.equal("end");
    await closing;
    expect(health.get("s")).to.equal("NOT_SERVING");
    health.set("s", "SERVING"); // ignored after shutdown
    expect(health.get("s")).to.equal("NOT_SERVING");
    health.resume();
    health.set("s", "SERVING");
    expect(health.get("s")).to.equal("SERVING");
  });

  it("misuse is an error at once", () => {
    expect(() => new HealthService({ maxListServices: -1 })).to.throw(RangeError, "health: maxListServices");
    expect(() => health.set("a", "SERVICE_UNKNOWN" as "SERVING")).to.throw(TypeError, "health: ");
  });
});

describe("health: the channel's client-side health checking (gRFC A17) against tsgrpc/health", function () {
  this.timeout(30_000);

  it("takes calls only while the server says SERVING", async () => {
    const server = new Server();
    const health = addHealth(server, { statuses: { "test.Probe": "SERVING" } });
    let calls = 0;
    server.add(Probe, {
      echo: (request: unknown) => {
        calls++;
        return request;
      },
      list: () => [],
      collect: () => ({}),
      chat: () => [],
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const channel = new Channel(`ipv4:127.0.0.1:${port}`, {
      loadBalancingConfig: [{ round_robin: {} }],
      healthCheckConfig: { serviceName: "test.Probe" },
    });
    const probe = createClient(Probe, channel);
    try {
      expect(await probe.echo!({ n: 1 }, { waitForReady: true, timeoutMs: 10_000 })).to.deep.equal({ n: 1 });
      health.set("test.Probe", "NOT_SERVING");
      let failed: GrpcError | undefined;
      for (let attempt = 0; attempt < 200 && failed === undefined; attempt++) {
        try {
          await probe.echo!({});
          await new Promise((resolve) => setTimeout(resolve, 20));
        } catch (error) {
          failed = error as GrpcError;
        }
      }
      expect(failed?.code).to.equal(Code.Unavailable);
      const before = calls;
      health.set("test.Probe", "SERVING");
      expect(await probe.echo!({ n: 2 }, { waitForReady: true, timeoutMs: 10_000 })).to.deep.equal({ n: 2 });
      expect(calls).to.equal(before + 1);
    } finally {
      channel.close();
      await server.forceShutdown();
    }
  });
});
