import { expect } from "chai";
import { Channel, Code, GrpcError, createClient, type ChannelOptions, type ServiceConfigJson } from "../../src/index.js";
import { channelCore } from "../../src/client/channel.js";
import { parseTimeout } from "../../src/deadline/index.js";
import { Probe, methodConfig, scriptedProbe } from "./probe-fixture.js";
import { type Answer, startScriptedServer } from "./scripted-server.js";

describe("service config on a channel (gRFC A2)", function () {
  this.timeout(20_000);
  const scripted = scriptedProbe();

  const setup = (script: (index: number) => Answer, options: ChannelOptions) =>
    scripted.start(script, (server) => new Channel(`127.0.0.1:${server.port}`, options));

  it("rejects an invalid config at channel creation, naming the path and the rule", () => {
    expect(() => new Channel("127.0.0.1:1", { serviceConfig: methodConfig({ retryPolicy: { maxAttempts: 1 } }) })).to.throw(
      TypeError,
      "service config: serviceConfig.methodConfig[0].retryPolicy.maxAttempts must be an integer > 1",
    );
    expect(() => new Channel("127.0.0.1:1", { serviceConfig: "{ not json" })).to.throw(TypeError, "serviceConfig must be valid JSON");
  });

  it("takes the first load-balancing policy it knows; the channel option overrides it", () => {
    const config: ServiceConfigJson = { loadBalancingConfig: [{ grpclb: {} }, { round_robin: {} }, { pick_first: {} }] };
    scripted.channel = new Channel("127.0.0.1:1", { serviceConfig: config });
    expect(channelCore(scripted.channel).balancer.loadBalancingPolicy).to.equal("round_robin");
    scripted.channel.close();
    scripted.channel = new Channel("127.0.0.1:1", { serviceConfig: config, loadBalancingPolicy: "pick_first" });
    expect(channelCore(scripted.channel).balancer.loadBalancingPolicy).to.equal("pick_first");
  });

  it("rejects a loadBalancingConfig that names no policy it knows", () => {
    expect(() => new Channel("127.0.0.1:1", { serviceConfig: { loadBalancingConfig: [{ grpclb: {} }] } })).to.throw(
      TypeError,
      "channel: serviceConfig.loadBalancingConfig: names no supported policy (supported: pick_first, round_robin, outlier_detection_experimental)",
    );
  });

  it("applies the method's timeout; a call's earlier deadline wins", async () => {
    const client = await setup(() => ({ delayMs: 2000 }), { serviceConfig: methodConfig({ timeout: "0.2s" }) });
    const error = await client.echo({}).catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", Code.DeadlineExceeded);
    await client.echo({}, { timeoutMs: 50 }).catch(() => undefined);
    const [first, second] = scripted.server!.attempts.map((attempt) => attempt.headers["grpc-timeout"] as string);
    expect(parseTimeout(first!)).to.be.within(100, 200);
    expect(parseTimeout(second!)).to.be.at.most(50);
  });

  it("applies maxResponseMessageBytes and maxRequestMessageBytes (the smaller limit wins)", async () => {
    const client = await setup(() => ({ responses: ["x".repeat(100)] }), {
      serviceConfig: methodConfig({ maxResponseMessageBytes: 50, maxRequestMessageBytes: 20 }),
    });
    const tooBig = await client.echo("y".repeat(30)).catch((failure: GrpcError) => failure);
    expect(tooBig).to.have.property("code", Code.ResourceExhausted);
    expect(scripted.server!.attempts).to.have.length(0);
    const tooBigAnswer = await client.echo("ok").catch((failure: GrpcError) => failure);
    expect(tooBigAnswer).to.have.property("code", Code.ResourceExhausted);
  });

  it("makes calls wait for ready per the config; the call's own waitForReady wins", async () => {
    scripted.channel = new Channel("127.0.0.1:1", {
      serviceConfig: methodConfig({ waitForReady: true, timeout: "0.3s" }),
      backoff: { initialBackoffMs: 50, maxBackoffMs: 50 },
    });
    const client = createClient(Probe, scripted.channel);
    const waited = await client.echo({}).catch((failure: GrpcError) => failure);
    expect(waited).to.have.property("code", Code.DeadlineExceeded);
    const failedFast = await client.echo({}, { waitForReady: false }).catch((failure: GrpcError) => failure);
    expect(failedFast).to.have.property("code", Code.Unavailable);
  });

  it("uses a resolver's config over the default one, unless told to ignore it", async () => {
    scripted.server = await startScriptedServer(() => ({ delayMs: 2000 }));
    const address = { host: "127.0.0.1", port: scripted.server.port };
    const resolver = async () => ({ addresses: [address], serviceConfig: methodConfig({ timeout: "0.1s" }) });
    scripted.channel = new Channel("dns:example.test:1", { resolver, serviceConfig: methodConfig({ timeout: "10s" }) });
    // A resolver's config applies to the calls that start after the resolution.
    await scripted.channel.connect(Date.now() + 5000);
    const error = await createClient(Probe, scripted.channel)
      .echo({})
      .catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", Code.DeadlineExceeded);
    scripted.channel.close();
    scripted.channel = new Channel("dns:example.test:1", {
      resolver,
      serviceConfig: methodConfig({ timeout: "0.3s" }),
      ignoreResolverServiceConfig: true,
    });
    await scripted.channel.connect(Date.now() + 5000);
    const started = Date.now();
    await createClient(Probe, scripted.channel)
      .echo({})
      .catch(() => undefined);
    expect(Date.now() - started).to.be.at.least(250);
  });

  it("keeps the default config when the resolver's is invalid, and fails the resolution when there is none", async () => {
    scripted.server = await startScriptedServer(() => ({}));
    const address = { host: "127.0.0.1", port: scripted.server.port };
    const resolver = async () => ({ addresses: [address], serviceConfig: "{ broken" });
    scripted.channel = new Channel("dns:example.test:1", { resolver, serviceConfig: methodConfig({ timeout: "5s" }) });
    expect(await createClient(Probe, scripted.channel).echo({ ok: 1 })).to.deep.equal({ ok: 1 });
    scripted.channel.close();
    scripted.channel = new Channel("dns:example.test:1", { resolver });
    const error = await createClient(Probe, scripted.channel)
      .echo({})
      .catch((failure: GrpcError) => failure);
    expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Unavailable);
    expect(error.message).to.include("resolver: service config: resolver serviceConfig must be valid JSON");
  });

  it("a resolver's config may switch the load-balancing policy", async () => {
    scripted.server = await startScriptedServer(() => ({}));
    const address = { host: "127.0.0.1", port: scripted.server.port };
    scripted.channel = new Channel("dns:example.test:1", {
      resolver: async () => ({ addresses: [address], serviceConfig: { loadBalancingConfig: [{ round_robin: {} }] } }),
    });
    expect(channelCore(scripted.channel).balancer.loadBalancingPolicy).to.equal("pick_first");
    await createClient(Probe, scripted.channel).echo({});
    expect(channelCore(scripted.channel).balancer.loadBalancingPolicy).to.equal("round_robin");
  });
});
