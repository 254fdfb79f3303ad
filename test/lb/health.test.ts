// Client-side health checking (gRFC A17) end to end: a round_robin Channel over real tsgrpc
// servers that serve grpc.health.v1.Health/Watch, flipping their status while calls run.
import { expect } from "chai";
import { Channel, Code, ConnectivityState, GrpcError, createClient } from "../../src/index.js";
import { Probe } from "../e2e/server-fixtures.js";
import { type Backend, startBackend } from "./backends.js";

const SERVICE = "test.Probe";

describe("lb e2e: client-side health checking (gRFC A17)", function () {
  this.timeout(30_000);
  let backends: Backend[] = [];
  let channel: Channel | undefined;
  let warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);

  beforeEach(() => {
    warnings = [];
    process.on("warning", onWarning);
  });

  afterEach(async () => {
    process.off("warning", onWarning);
    channel?.close();
    channel = undefined;
    await Promise.all(backends.map((backend) => backend.server.forceShutdown()));
    backends = [];
  });

  function connect(ports: number[], serviceName = SERVICE) {
    channel = new Channel(`ipv4:${ports.map((port) => `127.0.0.1:${port}`).join(",")}`, {
      loadBalancingConfig: [{ round_robin: {} }],
      healthCheckConfig: { serviceName },
    });
    return createClient(Probe, channel);
  }

  /** The ids of the servers that answered `count` calls. */
  async function served(client: ReturnType<typeof connect>, count = 20): Promise<Set<string>> {
    const ids = new Set<string>();
    for (let i = 0; i < count; i++)
      ids.add(((await client.echo!({ i }, { waitForReady: true, timeoutMs: 10_000 })) as { server: string }).server);
    return ids;
  }

  /** Waits until calls reach exactly `expected` (health answers travel asynchronously). */
  async function until(client: ReturnType<typeof connect>, expected: string[]): Promise<void> {
    const want = [...expected].sort().join(",");
    for (let attempt = 0; attempt < 200; attempt++) {
      if ([...(await served(client))].sort().join(",") === want) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect.fail(`calls never reached exactly ${want}`);
  }

  it("sends calls only to SERVING servers, following status changes both ways", async () => {
    backends = await Promise.all(["a", "b", "c"].map((id) => startBackend(id, { health: true })));
    for (const backend of backends) backend.health!.set(SERVICE, 1);
    const client = connect(backends.map((backend) => backend.port));
    await until(client, ["a", "b", "c"]);
    expect(backends.map((backend) => backend.health!.asked)).to.deep.equal([[SERVICE], [SERVICE], [SERVICE]]);
    backends[1]!.health!.set(SERVICE, 2); // NOT_SERVING
    await until(client, ["a", "c"]);
    const before = backends[1]!.calls;
    await served(client, 50);
    expect(backends[1]!.calls).to.equal(before); // not one call while NOT_SERVING
    backends[1]!.health!.set(SERVICE, 1);
    await until(client, ["a", "b", "c"]);
  });

  it("fails fast with UNAVAILABLE when no server is SERVING, and recovers", async () => {
    backends = [await startBackend("a", { health: true })];
    backends[0]!.health!.set(SERVICE, 2);
    const client = connect([backends[0]!.port]);
    channel!.getState(true);
    while (channel!.getState() !== ConnectivityState.TransientFailure) await channel!.waitForStateChange(channel!.getState());
    try {
      await client.echo!({});
      expect.fail("the call should fail");
    } catch (error) {
      expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Unavailable);
    }
    backends[0]!.health!.set(SERVICE, 1);
    await until(client, ["a"]);
  });

  it("uses a server without the Health service unchecked (UNIMPLEMENTED), with a warning", async () => {
    backends = [await startBackend("plain"), await startBackend("checked", { health: true })];
    backends[1]!.health!.set(SERVICE, 1);
    const client = connect(backends.map((backend) => backend.port));
    await until(client, ["plain", "checked"]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((message) => message.includes("does not implement grpc.health.v1.Health/Watch"))).to.have.length(1);
    expect(warnings[0]).to.include(`127.0.0.1:${backends[0]!.port}`);
  });

  it("treats an unknown service name as not serving (SERVICE_UNKNOWN)", async () => {
    backends = await Promise.all(["a", "b"].map((id) => startBackend(id, { health: true })));
    backends[0]!.health!.set("other.Service", 1);
    backends[1]!.health!.set("other.Service", 1);
    backends[1]!.health!.set(SERVICE, 1);
    const client = connect(backends.map((backend) => backend.port));
    await until(client, ["b"]);
  });

  it("opens a new Watch call at once after one that answered ended OK", async () => {
    let watches = 0;
    backends = [
      await startBackend("a", {
        rawWatch: () => {
          watches++;
          return [Uint8Array.of(0x08, 0x01)]; // SERVING, then the call ends OK
        },
      }),
    ];
    const client = connect([backends[0]!.port]);
    await until(client, ["a"]);
    for (let i = 0; i < 200 && watches < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(watches).to.be.at.least(3);
  });

  it("keeps calls off a server whose health answer cannot be decoded", async () => {
    const requests: string[] = [];
    backends = [
      await startBackend("garbled", {
        rawWatch: (request) => {
          requests.push(Buffer.from(request).toString("hex"));
          return [Uint8Array.of(0x0b)]; // wire type 3: not a HealthCheckResponse
        },
      }),
      await startBackend("good", { health: true }),
    ];
    backends[1]!.health!.set(SERVICE, 1);
    const client = connect(backends.map((backend) => backend.port));
    await until(client, ["good"]);
    expect(backends[0]!.calls).to.equal(0);
    // The request the server received: HealthCheckRequest { service: "test.Probe" }, encoded by hand.
    expect(requests[0]).to.equal(`0a0a${Buffer.from(SERVICE).toString("hex")}`);
  });
});
