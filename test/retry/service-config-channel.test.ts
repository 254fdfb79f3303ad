import { expect } from "chai";
import { Channel, Code, GrpcError, createClient, type ChannelOptions, type ServiceConfigJson } from "../../src/index.js";
import { channelCore } from "../../src/client/channel.js";
import { parseTimeout } from "../../src/deadline/index.js";
import { defineService } from "../../src/service/index.js";
import { jsonCodec } from "../e2e/json-messages.js";
import { startScriptedServer, type Answer, type ScriptedServer } from "./scripted-server.js";

const Probe = defineService("test.Probe", {
  echo: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec },
  chat: { kind: "bidi_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
});

const methodConfig = (entry: Record<string, unknown>): ServiceConfigJson => ({
  methodConfig: [{ name: [{ service: "test.Probe" }], ...entry }],
});

describe("service config on a channel (gRFC A2)", function () {
  this.timeout(20_000);
  let server: ScriptedServer | undefined;
  let channel: Channel | undefined;

  afterEach(async () => {
    channel?.close();
    await server?.close();
    channel = server = undefined;
  });

  async function setup(script: (index: number) => Answer, options: ChannelOptions) {
    server = await startScriptedServer(script);
    channel = new Channel(`127.0.0.1:${server.port}`, options);
    return createClient(Probe, channel);
  }

  it("rejects an invalid config at channel creation, naming the path and the rule", () => {
    expect(() => new Channel("127.0.0.1:1", { serviceConfig: methodConfig({ retryPolicy: { maxAttempts: 1 } }) })).to.throw(
      TypeError,
      "service config: serviceConfig.methodConfig[0].retryPolicy.maxAttempts must be an integer > 1",
    );
    expect(() => new Channel("127.0.0.1:1", { serviceConfig: "{ not json" })).to.throw(TypeError, "serviceConfig must be valid JSON");
  });

  it("takes the first load-balancing policy it knows; the channel option overrides it", () => {
    const config: ServiceConfigJson = { loadBalancingConfig: [{ grpclb: {} }, { round_robin: {} }, { pick_first: {} }] };
    channel = new Channel("127.0.0.1:1", { serviceConfig: config });
    expect(channelCore(channel).balancer.loadBalancingPolicy).to.equal("round_robin");
    channel.close();
    channel = new Channel("127.0.0.1:1", { serviceConfig: config, loadBalancingPolicy: "pick_first" });
    expect(channelCore(channel).balancer.loadBalancingPolicy).to.equal("pick_first");
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
    const [first, second] = server!.attempts.map((attempt) => attempt.headers["grpc-timeout"] as string);
    expect(parseTimeout(first!)).to.be.within(100, 200);
    expect(parseTimeout(second!)).to.be.at.most(50);
  });

  it("applies maxResponseMessageBytes and maxRequestMessageBytes (the smaller limit wins)", async () => {
    const client = await setup(() => ({ responses: ["x".repeat(100)] }), {
      serviceConfig: methodConfig({ maxResponseMessageBytes: 50, maxRequestMessageBytes: 20 }),
    });
    const tooBig = await client.echo("y".repeat(30)).catch((failure: GrpcError) => failure);
    expect(tooBig).to.have.property("code", Code.ResourceExhausted);
    expect(server!.attempts).to.have.length(0);
    const tooBigAnswer = await client.echo("ok").catch((failure: GrpcError) => failure);
    expect(tooBigAnswer).to.have.property("code", Code.ResourceExhausted);
  });

  it("makes calls wait for ready per the config; the call's own waitForReady wins", async () => {
    channel = new Channel("127.0.0.1:1", {
      serviceConfig: methodConfig({ waitForReady: true, timeout: "0.3s" }),
      backoff: { initialBackoffMs: 50, maxBackoffMs: 50 },
    });
    const client = createClient(Probe, channel);
    const waited = await client.echo({}).catch((failure: GrpcError) => failure);
    expect(waited).to.have.property("code", Code.DeadlineExceeded);
    const failedFast = await client.echo({}, { waitForReady: false }).catch((failure: GrpcError) => failure);
    expect(failedFast).to.have.property("code", Code.Unavailable);
  });

  it("uses a resolver's config over the default one, unless told to ignore it", async () => {
    server = await startScriptedServer(() => ({ delayMs: 2000 }));
    const address = { host: "127.0.0.1", port: server.port };
    const resolver = async () => ({ addresses: [address], serviceConfig: methodConfig({ timeout: "0.1s" }) });
    channel = new Channel("dns:example.test:1", { resolver, serviceConfig: methodConfig({ timeout: "10s" }) });
    // A resolver's config applies to the calls that start after the resolution.
    await channel.connect(Date.now() + 5000);
    const error = await createClient(Probe, channel)
      .echo({})
      .catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", Code.DeadlineExceeded);
    channel.close();
    channel = new Channel("dns:example.test:1", {
      resolver,
      serviceConfig: methodConfig({ timeout: "0.3s" }),
      ignoreResolverServiceConfig: true,
    });
    await channel.connect(Date.now() + 5000);
    const started = Date.now();
    await createClient(Probe, channel)
      .echo({})
      .catch(() => undefined);
    expect(Date.now() - started).to.be.at.least(250);
  });

  it("keeps the default config when the resolver's is invalid, and fails the resolution when there is none", async () => {
    server = await startScriptedServer(() => ({}));
    const address = { host: "127.0.0.1", port: server.port };
    const resolver = async () => ({ addresses: [address], serviceConfig: "{ broken" });
    channel = new Channel("dns:example.test:1", { resolver, serviceConfig: methodConfig({ timeout: "5s" }) });
    expect(await createClient(Probe, channel).echo({ ok: 1 })).to.deep.equal({ ok: 1 });
    channel.close();
    channel = new Channel("dns:example.test:1", { resolver });
    const error = await createClient(Probe, channel)
      .echo({})
      .catch((failure: GrpcError) => failure);
    expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Unavailable);
    expect(error.message).to.include("resolver: service config: resolver serviceConfig must be valid JSON");
  });

  it("a resolver's config may switch the load-balancing policy", async () => {
    server = await startScriptedServer(() => ({}));
    const address = { host: "127.0.0.1", port: server.port };
    channel = new Channel("dns:example.test:1", {
      resolver: async () => ({ addresses: [address], serviceConfig: { loadBalancingConfig: [{ round_robin: {} }] } }),
    });
    expect(channelCore(channel).balancer.loadBalancingPolicy).to.equal("pick_first");
    await createClient(Probe, channel).echo({});
    expect(channelCore(channel).balancer.loadBalancingPolicy).to.equal("round_robin");
  });
});
